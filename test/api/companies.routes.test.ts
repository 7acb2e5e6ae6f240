/**
 * Companies through the Hub API (`/v2/companies/…`, a tokenhub extension): creation by owners of a
 * Business organization, organizations joining and leaving (only by an owner of both), owners
 * added by username or email and never the last removed, rename and delete-when-empty, company
 * owners acting as owners of the company's organizations (without repository rights), the
 * company-wide views and activity, and the shared security suite on every route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let password: string;
const jwts: Record<string, string> = {};
const jwt = (name: string) => jwts[name] ?? '';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, as?: string, body?: unknown) =>
  t.inject({ method, url, jwt: as, body });

async function registryGrant(username: string, secret: string, scope: string): Promise<string[]> {
  const res = await t.inject({
    method: 'GET',
    url: `/token?service=tokenhub-registry&scope=${encodeURIComponent(scope)}`,
    headers: { authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(Buffer.from(res.json().token.split('.')[1], 'base64url').toString()).access[0].actions;
}

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  for (const name of ['bobby', 'carol', 'daisy']) await t.signUp(name, password);
  for (const name of ['alice', 'bobby', 'carol', 'daisy']) jwts[name] = await t.login(name, password);
  await setUpOrg(t, 'acme', { members: ['bobby'] });
  await setOrgTier(t, 'acme', 'business');
  await setUpOrg(t, 'smallco', { members: [] });
  await setUpOrg(t, 'bobsorg', { owner: 'bobby', members: [] });
  await setOrgTier(t, 'bobsorg', 'business');
});
afterAll(async () => t.close());

describe('POST /v2/companies', () => {
  it('creates a company for an owner of a Business organization, who becomes its only owner', async () => {
    const res = await call('POST', '/v2/companies', jwt('alice'), { name: 'MegaCorp' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ name: 'megacorp', id: expect.any(String) });
    const owners = (await call('GET', '/v2/companies/megacorp/owners', jwt('alice'))).json();
    expect(owners.results).toEqual([
      expect.objectContaining({ username: 'alice', email: 'alice@example.com' }),
    ]);
    const mine = (await call('GET', '/v2/users/me/companies', jwt('alice'))).json();
    expect(mine.results.map((c: { name: string }) => c.name)).toEqual(['megacorp']);
  });

  it('refuses someone who owns no Business organization', async () => {
    const res = await call('POST', '/v2/companies', jwt('carol'), { name: 'carolco' });
    expect(res.statusCode).toBe(403);
    expect(res.json().errinfo).toEqual({ code: 'COMPANY_TIER_REQUIRED' });
  });

  it('shares one space of names with users and organizations', async () => {
    for (const name of ['alice', 'acme', 'megacorp']) {
      const res = await call('POST', '/v2/companies', jwt('alice'), { name });
      expect(res.statusCode, name).toBe(409);
    }
    expect((await call('POST', '/v2/orgs', jwt('alice'), { name: 'megacorp' })).statusCode).toBe(409);
    expect((await call('GET', '/v2/namespaces/megacorp/repositories')).statusCode).toBe(404);
    const signUp = await call('POST', '/v2/users', undefined, {
      username: 'megacorp',
      email: 'mega@example.com',
      password: 'a long enough password',
    });
    expect(signUp.statusCode).toBe(409);
    expect((await call('GET', '/v2/users/megacorp/')).statusCode).toBe(404);
    const login = await t.inject({
      method: 'GET',
      url: '/token?service=tokenhub-registry&scope=repository:megacorp/app:pull',
      headers: { authorization: `Basic ${Buffer.from('megacorp:whatever').toString('base64')}` },
    });
    expect(login.statusCode).toBe(401);
  });

  it('answers bad names with a 400, never a 500', async () => {
    for (const name of ['', 'a\u0000bcd', 'x'.repeat(257), 'ab', 'Has Space', '\ud800abcd']) {
      const res = await call('POST', '/v2/companies', jwt('alice'), { name });
      expect(res.statusCode, JSON.stringify(name)).toBe(400);
    }
  });
});

describe('organizations of a company', () => {
  it('joins only by the hand of an owner of both, on the Business tier, in one company at most', async () => {
    expect((await call('PUT', '/v2/companies/megacorp/orgs/acme', jwt('alice'))).statusCode).toBe(204);
    const free = await call('PUT', '/v2/companies/megacorp/orgs/smallco', jwt('alice'));
    expect(free.statusCode).toBe(403);
    expect(free.json().errinfo).toEqual({ code: 'COMPANY_TIER_REQUIRED' });
    expect((await call('PUT', '/v2/companies/megacorp/orgs/bobsorg', jwt('alice'))).statusCode).toBe(403);
    expect((await call('PUT', '/v2/companies/megacorp/orgs/nosuchorg', jwt('alice'))).statusCode).toBe(404);
    expect((await call('PUT', '/v2/companies/megacorp/orgs/acme', jwt('alice'))).statusCode).toBe(409);
    const bobs = await call('POST', '/v2/companies', jwt('bobby'), { name: 'bobcorp' });
    expect(bobs.statusCode).toBe(201);
    expect((await call('PUT', '/v2/companies/bobcorp/orgs/acme', jwt('bobby'))).statusCode).toBe(403);
  });
});

describe('company owners', () => {
  it('are added by username or email address, never twice', async () => {
    const added = await call('POST', '/v2/companies/megacorp/owners', jwt('alice'), {
      owner: 'Carol@Example.com',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ username: 'carol' });
    expect(
      (await call('POST', '/v2/companies/megacorp/owners', jwt('alice'), { owner: 'carol' })).statusCode,
    ).toBe(409);
    expect(
      (await call('POST', '/v2/companies/megacorp/owners', jwt('alice'), { owner: 'nobody' })).statusCode,
    ).toBe(404);
    expect(
      (await call('POST', '/v2/companies/megacorp/owners', jwt('carol'), { owner: 'a\u0000b' })).statusCode,
    ).toBe(400);
  });

  it('act as owners of its organizations: members, invites, tokens — shown as acting through the company', async () => {
    const org = (await call('GET', '/v2/orgs/acme', jwt('carol'))).json();
    expect(org).toMatchObject({ role: 'owner', acting_company: 'megacorp' });
    expect((await call('GET', '/v2/orgs/acme', jwt('alice'))).json().acting_company).toBeNull();
    const members = await call('GET', '/v2/orgs/acme/members', jwt('carol'));
    expect(members.statusCode).toBe(200);
    expect(members.json().results[0].email).toBeDefined();
    const invite = await call('POST', '/v2/orgs/acme/invites', jwt('carol'), { invitee: 'daisy' });
    expect(invite.statusCode, invite.body).toBe(201);
    const oat = await call('POST', '/v2/orgs/acme/access-tokens', jwt('carol'), {
      label: 'company-made',
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-push'] }],
    });
    expect(oat.statusCode, oat.body).toBe(201);
    expect(await registryGrant('acme', oat.json().token, 'repository:acme/app:pull,push')).toEqual([
      'pull',
      'push',
    ]);
  });

  it('get no repository rights from the company role; their PAT sessions do not administer', async () => {
    const pat = (await t.createPat(jwt('carol'), { scopes: ['repo:admin'] })).token;
    expect(await registryGrant('carol', pat, 'repository:acme/app:pull,push,delete')).toEqual([]);
    const created = await call('POST', '/v2/namespaces/acme/repositories', jwt('carol'), { name: 'mine' });
    expect(created.statusCode).toBe(403);
    const patJwt = await t.login('carol', pat);
    expect((await call('GET', '/v2/orgs/acme/members', patJwt)).statusCode).toBe(200);
    expect((await call('GET', '/v2/orgs/acme/access-tokens', patJwt)).statusCode).toBe(403);
  });

  it('see the company-wide views: organizations, members, tokens and activity', async () => {
    const orgs = (await call('GET', '/v2/companies/megacorp/orgs', jwt('carol'))).json();
    expect(orgs.results).toEqual([
      expect.objectContaining({
        name: 'acme',
        tier: 'business',
        member_count: 2,
        access_tokens: { count: 1, limit: 100 },
      }),
    ]);
    const members = (await call('GET', '/v2/companies/megacorp/members', jwt('carol'))).json();
    expect(members.results).toEqual([
      { username: 'alice', email: 'alice@example.com', organizations: [{ name: 'acme', role: 'owner' }] },
      { username: 'bobby', email: 'bobby@example.com', organizations: [{ name: 'acme', role: 'member' }] },
    ]);
    const tokens = (await call('GET', '/v2/companies/megacorp/access-tokens', jwt('carol'))).json();
    expect(tokens.results).toEqual([
      expect.objectContaining({
        org: 'acme',
        label: 'company-made',
        created_by: 'carol',
        status: 'active',
        last_used_at: null,
      }),
    ]);
    const activity = (await call('GET', '/v2/auditlogs/megacorp?page_size=100', jwt('carol'))).json();
    const actions = activity.logs.map(
      (log: { action: string; account: string }) => `${log.account} ${log.action}`,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'megacorp company.create',
        'megacorp company.org.add',
        'megacorp company.owner.add',
        'acme org.access_token.create',
        'acme org.company.add',
      ]),
    );
    expect(actions).not.toContain('bobcorp company.create');
  });

  it('are the only ones who see the company', async () => {
    for (const url of [
      '/v2/companies/megacorp',
      '/v2/companies/megacorp/members',
      '/v2/auditlogs/megacorp',
    ]) {
      const res = await call('GET', url, jwt('bobby'));
      expect(res.statusCode, url).toBe(403);
    }
    expect((await call('GET', '/v2/companies/nosuch', jwt('alice'))).statusCode).toBe(404);
  });

  it('lose management of an organization the moment it leaves the company', async () => {
    const notBoth = await call('DELETE', '/v2/companies/megacorp/orgs/acme', jwt('carol'));
    expect(notBoth.statusCode).toBe(403);
    expect((await call('DELETE', '/v2/companies/megacorp/orgs/acme', jwt('alice'))).statusCode).toBe(204);
    expect((await call('GET', '/v2/orgs/acme/members', jwt('carol'))).statusCode).toBe(403);
    expect((await call('GET', '/v2/orgs/acme/access-tokens', jwt('carol'))).statusCode).toBe(403);
    expect((await call('DELETE', '/v2/companies/megacorp/orgs/acme', jwt('alice'))).statusCode).toBe(404);
  });

  it('never lose their last owner; an owner may leave while others remain', async () => {
    expect((await call('DELETE', '/v2/companies/megacorp/owners/carol', jwt('carol'))).statusCode).toBe(204);
    const last = await call('DELETE', '/v2/companies/megacorp/owners/alice', jwt('alice'));
    expect(last.statusCode).toBe(409);
    expect(last.json().errinfo).toEqual({ code: 'LAST_COMPANY_OWNER' });
    expect((await call('DELETE', '/v2/companies/megacorp/owners/carol', jwt('alice'))).statusCode).toBe(404);
    expect((await call('GET', '/v2/companies/megacorp', jwt('carol'))).statusCode).toBe(403);
  });
});

describe('rename and delete', () => {
  it('renames, freeing the old name; refuses a taken one', async () => {
    expect(
      (await call('PATCH', '/v2/companies/megacorp', jwt('alice'), { name: 'bobcorp' })).statusCode,
    ).toBe(409);
    const renamed = await call('PATCH', '/v2/companies/megacorp', jwt('alice'), { name: 'gigacorp' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().name).toBe('gigacorp');
    expect((await call('GET', '/v2/companies/megacorp', jwt('alice'))).statusCode).toBe(404);
    expect((await call('POST', '/v2/orgs', jwt('alice'), { name: 'megacorp' })).statusCode).toBe(201);
    const log = (await call('GET', '/v2/auditlogs/gigacorp', jwt('alice'))).json();
    expect(log.logs.find((e: { action: string }) => e.action === 'company.rename')).toMatchObject({
      account: 'gigacorp',
      data: { from: 'megacorp', to: 'gigacorp' },
    });
  });

  it('deletes only an empty company', async () => {
    expect((await call('PUT', '/v2/companies/gigacorp/orgs/acme', jwt('alice'))).statusCode).toBe(204);
    const full = await call('DELETE', '/v2/companies/gigacorp', jwt('alice'));
    expect(full.statusCode).toBe(409);
    expect(full.json().errinfo).toEqual({ code: 'COMPANY_NOT_EMPTY' });
    expect((await call('DELETE', '/v2/companies/gigacorp/orgs/acme', jwt('alice'))).statusCode).toBe(204);
    expect((await call('DELETE', '/v2/companies/gigacorp', jwt('alice'))).statusCode).toBe(204);
    expect((await call('GET', '/v2/companies/gigacorp', jwt('alice'))).statusCode).toBe(404);
    expect((await call('POST', '/v2/companies', jwt('alice'), { name: 'gigacorp' })).statusCode).toBe(201);
  });
});

describe('shared security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  beforeAll(async () => {
    const res = await call('POST', '/v2/companies', jwt('alice'), { name: 'suitecorp' });
    expect(res.statusCode, res.body).toBe(201);
  });
  const base = '/v2/companies/suitecorp';
  const readers = ['', '/owners', '/orgs', '/members', '/access-tokens'];
  for (const path of readers) {
    runSharedSecuritySuite(fixture, {
      method: 'GET',
      url: `${base}${path}`,
      allows: ['password', 'pat'],
      foreignAccount: 403,
    });
  }
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/users/me/companies',
    allows: ['password', 'pat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/companies',
    body: { name: 'suitenew' },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'PATCH',
    url: base,
    body: { name: 'suitecorp' },
    allows: ['password'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/companies/nosuchcorp',
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: `${base}/owners`,
    body: { owner: 'alice' },
    allows: ['password'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: `${base}/owners/alice`,
    allows: ['password'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'PUT',
    url: `${base}/orgs/smallco`,
    allows: ['password'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: `${base}/orgs/smallco`,
    allows: ['password'],
    foreignAccount: 403,
  });
});

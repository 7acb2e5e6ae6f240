/**
 * Fine-grained personal tokens, address allowlists and address history through the Hub API and
 * `/token`: what a token may do is its resources ∩ its level ∩ its owner's current rights; a token
 * used from outside its allowed networks is refused (and audited) without naming them; the last
 * five distinct client addresses come from the buffered last-used writer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/services/orgs/org-member.service.ts';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { fixtureMeta, setOrgTier, setUpOrg } from '../support/org-fixtures.ts';

let t: TestApp;
let aliceJwt: string;
let bobJwt: string;
let password: string;

const repo = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });

beforeAll(async () => {
  // Trust the proxy so tests can speak from other addresses through X-Forwarded-For.
  t = await createTestApp({ env: { TOKENHUB_TRUST_PROXY: 'true' } });
  password = await t.signUp('alice');
  await t.signUp('bobby');
  aliceJwt = await t.login('alice', password);
  bobJwt = await t.login('bobby', password);
  await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby'] });
  await setOrgTier(t, 'acme', 'team');
});
afterAll(async () => t.close());

function claimsOf(token: string): { access: Array<{ name: string; actions: string[] }> } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
}

async function tokenRequest(user: string, secret: string, scopes: string[], from?: string) {
  const query = scopes.map((scope) => `&scope=${encodeURIComponent(scope)}`).join('');
  return t.inject({
    method: 'GET',
    url: `/token?service=tokenhub-registry${query}`,
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`,
      ...(from ? { 'x-forwarded-for': from } : {}),
    },
  });
}

/** The actions granted on each requested repository. */
async function grants(user: string, secret: string, ...scopes: string[]): Promise<Record<string, string[]>> {
  const res = await tokenRequest(user, secret, scopes);
  expect(res.statusCode, res.body).toBe(200);
  return Object.fromEntries(claimsOf(res.json().token).access.map((entry) => [entry.name, entry.actions]));
}

describe('resources on personal access tokens', () => {
  it('a PAT limited to alice/app pushes there and is denied on alice/other and acme/api', async () => {
    const pat = await t.createPat(aliceJwt, {
      scopes: undefined,
      resources: [repo('alice/app', 'scope-image-push')],
    });
    expect(pat.scopes).toEqual(['repo:admin']);
    expect(pat.resources).toEqual([repo('alice/app', 'scope-image-push')]);
    expect(
      await grants(
        'alice',
        pat.token,
        'repository:alice/app:pull,push,delete',
        'repository:alice/other:pull,push',
        'repository:acme/api:pull,push',
      ),
    ).toEqual({ 'alice/app': ['pull', 'push'], 'alice/other': [], 'acme/api': [] });
  });

  it('grants resources ∩ level: a repo:read token listing push can only pull', async () => {
    const pat = await t.createPat(aliceJwt, {
      scopes: ['repo:read'],
      resources: [repo('alice/app', 'scope-image-push')],
    });
    expect(await grants('alice', pat.token, 'repository:alice/app:pull,push')).toEqual({
      'alice/app': ['pull'],
    });
  });

  it('a PAT with acme/* pull cannot push, and nothing outside acme', async () => {
    const pat = await t.createPat(bobJwt, {
      scopes: undefined,
      resources: [repo('acme/*', 'scope-image-pull')],
    });
    // bobby is a plain member: give his group write on acme/api so only the token is the limit.
    const org = await findOrganizationByName(t.database.db, 'acme');
    expect(org).toBeDefined();
    const group = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/groups',
      jwt: aliceJwt,
      body: { name: 'writers' },
    });
    expect(group.statusCode).toBe(201);
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/v2/orgs/acme/groups/writers/members',
          jwt: aliceJwt,
          body: { member: 'bobby' },
        })
      ).statusCode,
    ).toBeLessThan(300);
    const permission = await t.inject({
      method: 'PUT',
      url: '/v2/orgs/acme/groups/writers/repositories/api',
      jwt: aliceJwt,
      body: { permission: 'write' },
    });
    expect(permission.statusCode, permission.body).toBeLessThan(300);
    expect(
      await grants('bobby', pat.token, 'repository:acme/api:pull,push', 'repository:bobby/x:pull'),
    ).toEqual({
      'acme/api': ['pull'],
      'bobby/x': [],
    });
  });

  it('leaving the organization removes access at the next /token', async () => {
    await t.signUp('carol');
    const carolJwt = await t.login('carol', password);
    const org = await findOrganizationByName(t.database.db, 'acme');
    if (!org) throw new Error('no acme');
    await addMember(t.app.services, org, 'carol', 'owner', { id: null, name: 'operator' }, fixtureMeta);
    const pat = await t.createPat(carolJwt, {
      scopes: undefined,
      resources: [repo('acme/*', 'scope-image-push')],
    });
    expect(await grants('carol', pat.token, 'repository:acme/lib:pull,push')).toEqual({
      'acme/lib': ['pull', 'push'],
    });
    const left = await t.inject({ method: 'DELETE', url: '/v2/orgs/acme/members/carol', jwt: carolJwt });
    expect(left.statusCode, left.body).toBe(204);
    expect(await grants('carol', pat.token, 'repository:acme/lib:pull,push')).toEqual({ 'acme/lib': [] });
  });

  it('public read: */*/public pulls public repositories only', async () => {
    const pat = await t.createPat(bobJwt, {
      scopes: undefined,
      resources: [repo('*/*/public', 'scope-image-pull')],
    });
    // acme/lib was created (private) by carol's push grant above.
    expect(await grants('bobby', pat.token, 'repository:acme/lib:pull', 'repository:bobby/own:pull')).toEqual(
      {
        'acme/lib': [],
        'bobby/own': [],
      },
    );
  });

  it('refuses resources outside the namespaces the owner reaches, malformed ones and more than 50', async () => {
    const create = (body: Record<string, unknown>, jwt = bobJwt) =>
      t.inject({ method: 'POST', url: '/v2/access-tokens', jwt, body: { token_label: 'x', ...body } });
    const foreign = await create({ resources: [repo('alice/app', 'scope-image-pull')] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().message).toContain(
      'namespace alice is neither yours nor an organization you belong to',
    );
    const unknownNs = await create({ resources: [repo('nobody/app', 'scope-image-pull')] });
    expect(unknownNs.statusCode).toBe(400);
    for (const bad of [
      [repo('bobby/app', 'scope-image-root')],
      [repo('bobby/app')],
      [repo('Bobby/Bad Name', 'scope-image-pull')],
      [repo('bobby/app\u0000', 'scope-image-pull')],
      [repo('*/*/public', 'scope-image-push')],
      [{ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] }],
      [repo('x'.repeat(400), 'scope-image-pull')],
    ]) {
      const res = await create({ resources: bad });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().message).toBeTruthy();
    }
    const many = Array.from({ length: 51 }, (_, i) => repo(`bobby/app${i}`, 'scope-image-pull'));
    const tooMany = await create({ resources: many });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().message).toContain('at most 50');
    expect((await create({ resources: many.slice(0, 50) })).statusCode).toBe(201);
  });

  it('PATCH changes resources; [] makes the token plain again (its level alone)', async () => {
    const pat = await t.createPat(aliceJwt, {
      scopes: ['repo:write'],
      resources: [repo('alice/app', 'scope-image-pull')],
    });
    expect(await grants('alice', pat.token, 'repository:alice/other:pull,push')).toEqual({
      'alice/other': [],
    });
    const res = await t.inject({
      method: 'PATCH',
      url: `/v2/access-tokens/${pat.uuid}`,
      jwt: aliceJwt,
      body: { resources: [] },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().resources).toEqual([]);
    expect(await grants('alice', pat.token, 'repository:alice/other:pull,push')).toEqual({
      'alice/other': ['pull', 'push'],
    });
  });

  it('a fine-grained token never lists the registry catalog', async () => {
    const admin = await t.createPat(aliceJwt, {
      scopes: ['repo:admin'],
      resources: [repo('alice/*', 'scope-image-pull')],
    });
    await t.database.db.updateTable('users').set({ is_admin: 1 }).where('username', '=', 'alice').execute();
    const res = await tokenRequest('alice', admin.token, ['registry:catalog:*']);
    expect(claimsOf(res.json().token).access).toEqual([{ type: 'registry', name: 'catalog', actions: [] }]);
    await t.database.db.updateTable('users').set({ is_admin: 0 }).where('username', '=', 'alice').execute();
  });
});

describe('address allowlists', () => {
  it('an allowlist without the client refuses it at /token, naming its address but not the networks (audited)', async () => {
    const pat = await t.createPat(aliceJwt, { allowed_cidrs: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(pat.allowed_cidrs).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    const res = await tokenRequest('alice', pat.token, ['repository:alice/app:pull'], '192.0.2.7');
    expect(res.statusCode).toBe(401);
    expect(res.json().details).toContain('may not be used from address 192.0.2.7');
    expect(res.body).not.toContain('10.0.0.0');
    expect(res.body).not.toContain('2001:db8');
    const log = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/alice?action=account.access_token.address_refused',
      jwt: aliceJwt,
    });
    expect(log.json().logs[0]).toMatchObject({ action: 'account.access_token.address_refused' });
    expect(JSON.stringify(log.json().logs[0])).toContain('192.0.2.7');
    // From inside a listed network, through the trusted proxy's X-Forwarded-For.
    expect((await tokenRequest('alice', pat.token, [], '10.20.30.40')).statusCode).toBe(200);
    expect((await tokenRequest('alice', pat.token, [], '2001:db8:1::5')).statusCode).toBe(200);
  });

  it('refuses at the Hub login routes too', async () => {
    const pat = await t.createPat(aliceJwt, { allowed_cidrs: ['10.0.0.0/8'] });
    const login = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: pat.token },
      headers: { 'x-forwarded-for': '192.0.2.8' },
    });
    expect(login.statusCode).toBe(401);
    expect(login.json().message).toContain('may not be used from address 192.0.2.8');
    expect(login.body).not.toContain('10.0.0.0');
    const legacy = await t.inject({
      method: 'POST',
      url: '/v2/users/login',
      body: { username: 'alice', password: pat.token },
      headers: { 'x-forwarded-for': '192.0.2.8' },
    });
    expect(legacy.statusCode).toBe(401);
    const inside = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: pat.token },
      headers: { 'x-forwarded-for': '10.0.0.9' },
    });
    expect(inside.statusCode).toBe(200);
  });

  it('holds a Hub session made from the token to the allowlist at every request, from any address', async () => {
    const pat = await t.createPat(aliceJwt, { allowed_cidrs: ['10.0.0.0/8'] });
    const login = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: pat.token },
      headers: { 'x-forwarded-for': '10.0.0.9' },
    });
    const jwt = login.json().access_token as string;
    const me = (from: string) =>
      t.inject({ method: 'GET', url: '/v2/users/me', jwt, headers: { 'x-forwarded-for': from } });
    expect((await me('10.1.2.3')).statusCode).toBe(200);
    const moved = await me('192.0.2.8');
    expect(moved.statusCode).toBe(401);
    expect(moved.json().message).toContain('may not be used from address 192.0.2.8');
    expect(moved.body).not.toContain('10.0.0.0');
  });

  it('loopback: an allowlist without it refuses the direct client, one with 127.0.0.0/8 accepts it', async () => {
    const outside = await t.createPat(aliceJwt, { allowed_cidrs: ['10.0.0.0/8'] });
    expect((await tokenRequest('alice', outside.token, [])).statusCode).toBe(401);
    const loopback = await t.createPat(aliceJwt, { allowed_cidrs: ['127.0.0.0/8'] });
    expect((await tokenRequest('alice', loopback.token, [])).statusCode).toBe(200);
  });

  it('OATs carry allowlists too; PATCH changes them', async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/access-tokens',
      jwt: aliceJwt,
      body: { label: 'ci', resources: [repo('acme/*', 'scope-image-pull')], allowed_cidrs: ['10.0.0.0/8'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().allowed_cidrs).toEqual(['10.0.0.0/8']);
    const secret = created.json().token as string;
    expect((await tokenRequest('acme', secret, ['repository:acme/api:pull'], '192.0.2.9')).statusCode).toBe(
      401,
    );
    const log = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/acme?action=org.access_token.address_refused',
      jwt: aliceJwt,
    });
    expect(log.json().logs).toHaveLength(1);
    const patched = await t.inject({
      method: 'PATCH',
      url: `/v2/orgs/acme/access-tokens/${created.json().id}`,
      jwt: aliceJwt,
      body: { allowed_cidrs: ['192.0.2.0/24'] },
    });
    expect(patched.statusCode).toBe(200);
    expect((await tokenRequest('acme', secret, ['repository:acme/api:pull'], '192.0.2.9')).statusCode).toBe(
      200,
    );
  });

  it('refuses malformed networks and more than 20, with a 400 naming allowed_cidrs', async () => {
    const tooMany = Array.from({ length: 21 }, (_, i) => `10.0.${i}.0/24`);
    for (const bad of [
      ['10.0.0.0/33'],
      ['not-an-ip'],
      ['10.0.0.0/8\u0000'],
      ['fe80::1%eth0'],
      ['::/129'],
      tooMany,
    ]) {
      const res = await t.inject({
        method: 'POST',
        url: '/v2/access-tokens',
        jwt: aliceJwt,
        body: { token_label: 'x', allowed_cidrs: bad },
      });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json().message).toContain('allowed_cidrs');
    }
  });
});

describe('address history', () => {
  it('keeps the last five distinct client addresses with first and last seen, written at the flush', async () => {
    const pat = await t.createPat(aliceJwt, { scopes: ['repo:read'] });
    const ips = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'];
    const start = t.clock.now().getTime();
    for (const [i, ip] of ips.entries()) {
      t.clock.set(new Date(start + i * 1000).toISOString());
      expect((await tokenRequest('alice', pat.token, [], ip)).statusCode).toBe(200);
    }
    await t.app.services.lastUsed.flush();
    // Six addresses in one interval: the five seen last were written (10.0.0.1 made room). In a
    // second interval 10.0.0.3 comes back: it keeps its first sighting and moves to the front.
    t.clock.set(new Date(start + 10_000).toISOString());
    expect((await tokenRequest('alice', pat.token, [], '10.0.0.3')).statusCode).toBe(200);
    await t.app.services.lastUsed.flush();
    const res = await t.inject({ method: 'GET', url: `/v2/access-tokens/${pat.uuid}`, jwt: aliceJwt });
    const seen = res.json().last_used_ips as Array<{ ip: string; first_seen: string; last_seen: string }>;
    expect(seen.map((entry) => entry.ip)).toEqual([
      '10.0.0.3',
      '10.0.0.6',
      '10.0.0.5',
      '10.0.0.4',
      '10.0.0.2',
    ]);
    expect(seen[0]).toEqual({
      ip: '10.0.0.3',
      first_seen: new Date(start + 2000).toISOString(),
      last_seen: new Date(start + 10_000).toISOString(),
    });
    const list = await t.inject({ method: 'GET', url: '/v2/access-tokens?page_size=100', jwt: aliceJwt });
    const listed = list.json().results.find((token: { uuid: string }) => token.uuid === pat.uuid);
    expect(listed.last_used_ips).toEqual(seen);
  });
});

describe('the client address without a trusted proxy', () => {
  it('is the socket’s: X-Forwarded-For cannot talk a token past its allowlist', async () => {
    const direct = await createTestApp();
    try {
      const jwt = await direct.login('alice', await direct.signUp('alice'));
      const pat = await direct.createPat(jwt, { allowed_cidrs: ['10.0.0.0/8'] });
      const res = await direct.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry',
        headers: {
          authorization: `Basic ${Buffer.from(`alice:${pat.token}`).toString('base64')}`,
          'x-forwarded-for': '10.0.0.1',
        },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().details).toContain('may not be used from address 127.0.0.1');
    } finally {
      await direct.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTokenSecret } from '../../src/core/token-secret.ts';
import { insertOrgMember } from '../../src/storage/org-member.repository.ts';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import { findUserByUsername } from '../../src/storage/user.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { setOrgTier } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

async function setUpOrg(t: TestApp, name: string, tier: 'free' | 'team' | 'business', ownerJwt: string) {
  const res = await t.inject({ method: 'POST', url: '/v2/orgs', jwt: ownerJwt, body: { name } });
  expect(res.statusCode).toBe(201);
  if (tier !== 'free') await setOrgTier(t, name, tier);
}

const repoResource = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });

let t: TestApp;
let aliceJwt: string;
let bobJwt: string;
let password: string;

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  await t.signUp('bobby');
  await t.signUp('carol');
  aliceJwt = await t.login('alice', password);
  bobJwt = await t.login('bobby', password);
  await setUpOrg(t, 'acme', 'team', aliceJwt);
  const org = await findOrganizationByName(t.database.db, 'acme');
  const bob = await findUserByUsername(t.database.db, 'bobby');
  if (!org || !bob) throw new Error('setup failed');
  await insertOrgMember(t.database.db, {
    orgId: org.id,
    userId: bob.id,
    role: 'member',
    createdAt: '2026-01-01T00:00:00.000Z',
  });
});
afterAll(async () => t.close());

const createOat = (body: Record<string, unknown>, jwt = aliceJwt, org = 'acme') =>
  t.inject({ method: 'POST', url: `/v2/orgs/${org}/access-tokens`, jwt, body: { label: 'ci', ...body } });

describe('POST /v2/orgs', () => {
  it('creates an organization with the caller as owner, in the namespace space shared with users', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/orgs',
      jwt: aliceJwt,
      body: { name: 'Widgets1' },
    });
    expect(res.json()).toMatchObject({
      name: 'widgets1',
      tier: 'free',
      role: 'owner',
      access_tokens: { count: 0, limit: 0 },
    });
    const taken = await t.inject({ method: 'POST', url: '/v2/orgs', jwt: aliceJwt, body: { name: 'bobby' } });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      errinfo: expect.any(Object),
      message: expect.stringContaining('already taken'),
    });
    const signUp = await t.inject({
      method: 'POST',
      url: '/v2/users',
      body: { username: 'widgets1', email: 'w@example.com', password: 'long enough pw' },
    });
    expect(signUp.statusCode).toBe(409);
    expect(
      (await t.inject({ method: 'POST', url: '/v2/orgs', jwt: aliceJwt, body: { name: 'x!' } })).statusCode,
    ).toBe(400);
  });
});

describe('POST /v2/orgs/{org}/access-tokens', () => {
  it('creates a token with repository and organization resources; the secret is shown once', async () => {
    const res = await createOat({
      description: 'pipeline',
      resources: [
        repoResource('acme/api', 'scope-image-push'),
        repoResource('acme/*', 'scope-image-pull'),
        repoResource('*/*/public', 'scope-image-pull'),
        { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
      ],
      expires_at: '2026-09-01T00:00:00Z',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(parseTokenSecret('thub_', body.token)).toBe('oat');
    expect(body).toMatchObject({
      label: 'ci',
      description: 'pipeline',
      created_by: 'alice',
      is_active: true,
      status: 'active',
      expires_at: '2026-09-01T00:00:00.000Z',
      last_used_at: null,
    });
    expect(body.resources).toHaveLength(4);
    const read = await t.inject({
      method: 'GET',
      url: `/v2/orgs/acme/access-tokens/${body.id}`,
      jwt: aliceJwt,
    });
    expect(read.json().token).toBeUndefined();
  });

  it.each([
    [{ label: '', resources: [repoResource('acme/api', 'scope-image-pull')] }, /label/],
    [{ resources: [] }, /at least one resource/],
    [
      { resources: [repoResource('other/api', 'scope-image-pull')] },
      /other\/api is outside the organization acme/,
    ],
    [{ resources: [repoResource('acme/API', 'scope-image-pull')] }, /invalid repository path/],
    [{ resources: [repoResource('acme/api', 'scope-image-delete')] }, /unknown repository scope/],
    [{ resources: [repoResource('*/*/public', 'scope-image-push')] }, /only scope-image-pull/],
    [{ resources: [{ type: 'TYPE_ORG', path: 'other', scopes: ['scope-member-read'] }] }, /must be acme/],
    [{ resources: [{ type: 'TYPE_TEAM', path: 'acme', scopes: [] }] }, /no scopes|unknown resource type/],
    [
      { resources: Array.from({ length: 51 }, (_, i) => repoResource(`acme/r${i}`, 'scope-image-pull')) },
      /at most 50 repositories/,
    ],
    [
      { resources: [repoResource('acme/api', 'scope-image-pull')], expires_at: '2028-01-01T00:00:00Z' },
      /one year/,
    ],
    [
      { description: 'd'.repeat(201), resources: [repoResource('acme/api', 'scope-image-pull')] },
      /description/,
    ],
  ])('refuses %j with a 400 saying why', async (body, message) => {
    const res = await createOat(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it('is for owners with a password session only', async () => {
    const body = { resources: [repoResource('acme/api', 'scope-image-pull')] };
    const member = await createOat(body, bobJwt);
    expect(member.statusCode).toBe(403);
    expect(member.json()).toMatchObject({ errinfo: { code: 'ORG_FORBIDDEN' } });
    const pat = await t.createPat(aliceJwt, { scopes: ['repo:admin'] });
    const patSession = await createOat(body, await t.login('alice', pat.token));
    expect(patSession.statusCode).toBe(403);
    expect(patSession.json().detail).toBe('token issued from personal access token is not allowed');
    const outsider = await createOat(body, await t.login('carol', password));
    expect(outsider.statusCode).toBe(403);
    expect((await createOat(body, aliceJwt, 'nosuchorg')).statusCode).toBe(404);
    expect((await t.inject({ method: 'GET', url: '/v2/orgs/acme/access-tokens' })).statusCode).toBe(401);
  });
});

describe('OAT sessions', () => {
  let oat: { id: string; token: string };
  beforeAll(async () => {
    oat = (
      await createOat({
        label: 'session',
        resources: [
          repoResource('acme/api', 'scope-image-push'),
          { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
        ],
      })
    ).json();
  });

  it('log in with the organization name and may read the organization, nothing personal', async () => {
    const jwt = await t.login('acme', oat.token);
    expect((await t.inject({ method: 'GET', url: '/v2/orgs/acme', jwt })).json()).toMatchObject({
      name: 'acme',
      role: null,
    });
    const tokens = await t.inject({ method: 'GET', url: '/v2/access-tokens', jwt });
    expect(tokens.statusCode).toBe(403);
    expect(tokens.json().detail).toBe('token issued from organization access token is not allowed');
    expect((await t.inject({ method: 'GET', url: '/v2/users/me', jwt })).statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: '/v2/orgs/acme/access-tokens', jwt })).statusCode).toBe(403);
    expect(
      (await t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'neworg1' } })).statusCode,
    ).toBe(403);
  });

  it('are refused for another name, and end when the token is deactivated', async () => {
    const wrongName = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: oat.token },
    });
    expect(wrongName.statusCode).toBe(401);
    const jwt = await t.login('acme', oat.token);
    const off = await t.inject({
      method: 'PATCH',
      url: `/v2/orgs/acme/access-tokens/${oat.id}`,
      jwt: aliceJwt,
      body: { is_active: false },
    });
    expect(off.json()).toMatchObject({ is_active: false, status: 'inactive' });
    expect((await t.inject({ method: 'GET', url: '/v2/orgs/acme', jwt })).statusCode).toBe(401);
    const login = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'acme', secret: oat.token },
    });
    expect(login.json().detail).toBe('token is inactive');
  });
});

describe('registry grants for OATs', () => {
  it('grant exactly the listed repositories, never delete, within the organization', async () => {
    const { token } = (
      await createOat({
        label: 'registry',
        resources: [
          repoResource('acme/api', 'scope-image-push'),
          repoResource('acme/web', 'scope-image-pull'),
          repoResource('*/*/public', 'scope-image-pull'),
        ],
      })
    ).json();
    const grant = async (scope: string, user = 'acme') => {
      const res = await t.inject({
        method: 'GET',
        url: `/token?service=tokenhub-registry&scope=${encodeURIComponent(scope)}`,
        headers: { authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` },
      });
      return res.statusCode === 200
        ? JSON.parse(Buffer.from(res.json().token.split('.')[1], 'base64url').toString())
        : res.statusCode;
    };
    const claims = await grant('repository:acme/api:pull,push,delete');
    expect(claims).toMatchObject({
      sub: 'acme',
      access: [{ type: 'repository', name: 'acme/api', actions: ['pull', 'push'] }],
    });
    expect((await grant('repository:acme/web:pull,push')).access[0].actions).toEqual(['pull']);
    expect((await grant('repository:acme/other:pull')).access[0].actions).toEqual([]);
    expect((await grant('repository:alice/private:pull')).access[0].actions).toEqual([]);
    expect(await grant('repository:acme/api:pull', 'alice')).toBe(401);
  });
});

describe('PATCH and DELETE /v2/orgs/{org}/access-tokens/{id}', () => {
  it('changes label, description and resources; an inactive token can only be deleted', async () => {
    const { id } = (
      await createOat({ label: 'edit me', resources: [repoResource('acme/api', 'scope-image-pull')] })
    ).json();
    const url = `/v2/orgs/acme/access-tokens/${id}`;
    const changed = await t.inject({
      method: 'PATCH',
      url,
      jwt: aliceJwt,
      body: {
        label: 'edited',
        description: 'now',
        resources: [repoResource('acme/web', 'scope-image-push')],
      },
    });
    expect(changed.json()).toMatchObject({
      label: 'edited',
      description: 'now',
      resources: [repoResource('acme/web', 'scope-image-push')],
    });
    await t.inject({ method: 'PATCH', url, jwt: aliceJwt, body: { is_active: false } });
    for (const body of [{ is_active: true }, { label: 'again' }]) {
      const refused = await t.inject({ method: 'PATCH', url, jwt: aliceJwt, body });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().message).toMatch(/only deleted/);
    }
    expect((await t.inject({ method: 'DELETE', url, jwt: aliceJwt })).statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url, jwt: aliceJwt })).statusCode).toBe(404);
  });

  it('records audit events with the actor and never the secret', async () => {
    const { id, token } = (
      await createOat({ label: 'audited', resources: [repoResource('acme/api', 'scope-image-pull')] })
    ).json();
    await t.inject({ method: 'DELETE', url: `/v2/orgs/acme/access-tokens/${id}`, jwt: aliceJwt });
    const events = await t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('data', 'like', `%${id}%`)
      .execute();
    expect(events.map((e) => e.action).sort()).toEqual([
      'org.access_token.create',
      'org.access_token.delete',
    ]);
    expect(events.every((e) => e.account_name === 'acme' && e.actor_name === 'alice')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(token);
  });
});

describe('tier limits', () => {
  it('a free organization cannot create tokens; the message names the tier', async () => {
    await setUpOrg(t, 'freeorg', 'free', aliceJwt);
    const res = await createOat(
      { resources: [repoResource('freeorg/api', 'scope-image-pull')] },
      aliceJwt,
      'freeorg',
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/freeorg is on the free tier/);
  });
});

describe.each(testDialects('OAT limit'))('the OAT limit on %s', (dialect) => {
  let app: TestApp;
  let jwt: string;
  beforeAll(async () => {
    app = await createTestApp({ dialect });
    jwt = await app.login('owner', await app.signUp('owner'));
    await setUpOrg(app, 'limited', 'team', jwt);
  });
  afterAll(async () => app.close());

  it('30 concurrent creations against a limit of 10 make exactly 10; expired and inactive ones count', async () => {
    const body = {
      label: 'race',
      resources: [{ type: 'TYPE_REPO', path: 'limited/api', scopes: ['scope-image-pull'] }],
    };
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/v2/orgs/limited/access-tokens',
          jwt,
          body: { ...body, ...(i === 0 ? { expires_at: '2026-03-01T13:00:00Z' } : {}) },
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.statusCode !== 201);
    expect(refused.every((r) => r.statusCode === 409)).toBe(true);
    expect(refused[0]?.json().message).toMatch(/limited has 10 of 10 organization access tokens/);
    const list = await app.inject({ method: 'GET', url: '/v2/orgs/limited/access-tokens?page_size=5', jwt });
    expect(list.json()).toMatchObject({ total: 10, previous: null });
    expect(list.json().next).toContain('/v2/orgs/limited/access-tokens?page=2&page_size=5');

    app.clock.advanceSeconds(7200);
    const first = list.json().results[0].id as string;
    await app.inject({
      method: 'PATCH',
      url: `/v2/orgs/limited/access-tokens/${first}`,
      jwt: await app.login('owner', 'correct horse battery'),
      body: { is_active: false },
    });
    const stillFull = await app.inject({
      method: 'POST',
      url: '/v2/orgs/limited/access-tokens',
      jwt: await app.login('owner', 'correct horse battery'),
      body,
    });
    expect(stillFull.statusCode).toBe(409);
  });
});

describe('shared security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  const unknownId = '00000000-0000-4000-8000-000000000000';
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/orgs',
    body: { name: 'suitenew' },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, { method: 'GET', url: '/v2/users/me/orgs', allows: ['password', 'pat'] });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/orgs/acme',
    allows: ['password', 'pat', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/orgs/acme/access-tokens',
    body: { label: 'suite', resources: [repoResource('acme/*', 'scope-image-pull')] },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/orgs/acme/access-tokens',
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: `/v2/orgs/acme/access-tokens/${unknownId}`,
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'PATCH',
    url: `/v2/orgs/acme/access-tokens/${unknownId}`,
    body: { label: 'renamed' },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: `/v2/orgs/acme/access-tokens/${unknownId}`,
    allows: ['password'],
  });
});

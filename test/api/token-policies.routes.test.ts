/**
 * Token policies: an organization's (`/v2/orgs/{org}/settings/tokens`) and the instance's
 * (`TOKENHUB_TOKEN_MAX_LIFETIME_DAYS`), and unused-token expiry. A token outside a policy is
 * refused where the policy applies, with a message naming it, and never deleted; creating one is a
 * 400 naming the policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../src/services/shared/maintenance.ts';
import { unusedTokenExpiry } from '../../src/services/tokens/unused-token-expiry.ts';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';
import { mintOat, mintPat } from '../support/token-fixtures.ts';

const day = 86_400_000;
const repo = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });

function claimsOf(token: string): { access: Array<{ name: string; actions: string[] }> } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
}

function tokenRequest(t: TestApp, user: string, secret: string, ...scopes: string[]) {
  const query = scopes.map((scope) => `&scope=${encodeURIComponent(scope)}`).join('');
  return t.inject({
    method: 'GET',
    url: `/token?service=tokenhub-registry${query}`,
    headers: { authorization: `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}` },
  });
}

describe('organization token policies', () => {
  let t: TestApp;
  let password: string;
  let aliceJwt: string;
  let bobJwt: string;
  const inDays = (days: number) => new Date(t.clock.now().getTime() + days * day).toISOString();
  const setPolicy = (body: Record<string, unknown>, jwt = aliceJwt) =>
    t.inject({ method: 'PATCH', url: '/v2/orgs/acme/settings/tokens', jwt, body });

  beforeAll(async () => {
    t = await createTestApp();
    password = await t.signUp('alice');
    await t.signUp('bobby');
    aliceJwt = await t.login('alice', password);
    bobJwt = await t.login('bobby', password);
    await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby'] });
    await setOrgTier(t, 'acme', 'team');
  });
  afterAll(async () => t.close());

  it('reads as no policy until an owner sets one; members may read it', async () => {
    const res = await t.inject({ method: 'GET', url: '/v2/orgs/acme/settings/tokens', jwt: bobJwt });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      oat_max_lifetime_days: null,
      pat_max_lifetime_days: null,
      require_fine_grained_pats: false,
      updated_at: null,
      updated_by: null,
      instance_max_lifetime_days: null,
      unused_expiry_days: null,
    });
  });

  it('only owners change it; bad values are a 400 naming the field', async () => {
    expect((await setPolicy({ pat_max_lifetime_days: 30 }, bobJwt)).statusCode).toBe(403);
    for (const body of [
      { pat_max_lifetime_days: 0 },
      { oat_max_lifetime_days: 367 },
      { pat_max_lifetime_days: '30' },
      { pat_max_lifetime_days: 1.5 },
      { require_fine_grained_pats: 'yes' },
      { unknown: true },
    ]) {
      const res = await setPolicy(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toBeTruthy();
    }
    const unknownOrg = await t.inject({
      method: 'PATCH',
      url: '/v2/orgs/nosuchorg/settings/tokens',
      jwt: aliceJwt,
      body: { pat_max_lifetime_days: 30 },
    });
    expect(unknownOrg.statusCode).toBe(404);
  });

  it('a policy of 30 days refuses a 90-day PAT on the organization’s repositories, naming the policy; nothing is deleted', async () => {
    const long = await t.createPat(aliceJwt, { scopes: ['repo:write'], expires_at: inDays(90) });
    const short = await t.createPat(aliceJwt, { scopes: ['repo:write'], expires_at: inDays(30) });
    expect((await tokenRequest(t, 'alice', long.token, 'repository:acme/api:pull,push')).statusCode).toBe(
      200,
    );

    const set = await setPolicy({ pat_max_lifetime_days: 30 });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ pat_max_lifetime_days: 30, updated_by: 'alice' });

    const refused = await tokenRequest(t, 'alice', long.token, 'repository:acme/api:pull,push');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().details).toContain('token policy of organization acme');
    expect(refused.json().details).toContain('at most 30 days');
    // Its own namespace is not the organization's business; a mixed request keeps what is allowed.
    const mixed = await tokenRequest(
      t,
      'alice',
      long.token,
      'repository:acme/api:pull',
      'repository:alice/app:pull',
    );
    expect(mixed.statusCode).toBe(200);
    expect(claimsOf(mixed.json().token).access.map((entry) => entry.actions)).toEqual([[], ['pull']]);
    // What anyone may do stays: pull on a public repository of the organization.
    await t.database.db
      .updateTable('repositories')
      .set({ is_private: 0 })
      .where('namespace', '=', 'acme')
      .execute();
    const publicPull = await tokenRequest(t, 'alice', long.token, 'repository:acme/api:pull,push');
    expect(publicPull.statusCode).toBe(200);
    expect(claimsOf(publicPull.json().token).access[0]?.actions).toEqual(['pull']);
    await t.database.db
      .updateTable('repositories')
      .set({ is_private: 1 })
      .where('namespace', '=', 'acme')
      .execute();
    const within = await tokenRequest(t, 'alice', short.token, 'repository:acme/api:pull,push');
    expect(claimsOf(within.json().token).access[0]?.actions).toEqual(['pull', 'push']);
    // Not deleted: still listed.
    const listed = await t.inject({ method: 'GET', url: `/v2/access-tokens/${long.uuid}`, jwt: aliceJwt });
    expect(listed.statusCode).toBe(200);
    const audit = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/acme?action=org.token_policy.update',
      jwt: aliceJwt,
    });
    expect(audit.json().logs[0]).toMatchObject({ action: 'org.token_policy.update', actor: 'alice' });
  });

  it('creating a PAT for the organization’s repositories that breaks the policy is a 400 naming it', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt: aliceJwt,
      body: { token_label: 'ci', resources: [repo('acme/api', 'scope-image-push')], expires_at: inDays(90) },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain('the token policy of organization acme');
    const never = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt: aliceJwt,
      body: { token_label: 'ci', resources: [repo('acme/*', 'scope-image-pull')] },
    });
    expect(never.statusCode).toBe(400);
    expect(never.json().message).toContain('never expires');
  });

  it('an OAT cap refuses new long OATs (400) and existing ones on the organization’s repositories', async () => {
    const org = await findOrganizationByName(t.database.db, 'acme');
    if (!org) throw new Error('no acme');
    const old = await mintOat(t, org, [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }]);
    expect((await setPolicy({ oat_max_lifetime_days: 7 })).json()).toMatchObject({
      oat_max_lifetime_days: 7,
      pat_max_lifetime_days: 30,
    });
    const create = (expires_at: string | null) =>
      t.inject({
        method: 'POST',
        url: '/v2/orgs/acme/access-tokens',
        jwt: aliceJwt,
        body: { label: 'ci', resources: [repo('acme/*', 'scope-image-pull')], expires_at },
      });
    const tooLong = await create(inDays(8));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().message).toContain('organization access tokens may live at most 7 days');
    expect((await create(inDays(7))).statusCode).toBe(201);
    const refused = await tokenRequest(t, 'acme', old.secret, 'repository:acme/api:pull');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().details).toContain('organization access tokens may live at most 7 days');
  });

  it('requiring fine-grained PATs refuses plain ones on the organization’s repositories only', async () => {
    expect(
      (await setPolicy({ require_fine_grained_pats: true, pat_max_lifetime_days: null })).statusCode,
    ).toBe(200);
    const plain = await t.createPat(aliceJwt, { scopes: ['repo:read'] });
    const refused = await tokenRequest(t, 'alice', plain.token, 'repository:acme/api:pull');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().details).toContain('must be fine-grained');
    expect((await tokenRequest(t, 'alice', plain.token, 'repository:alice/app:pull')).statusCode).toBe(200);
    const fine = await t.createPat(aliceJwt, {
      scopes: undefined,
      resources: [repo('acme/api', 'scope-image-pull')],
    });
    const granted = await tokenRequest(t, 'alice', fine.token, 'repository:acme/api:pull');
    expect(claimsOf(granted.json().token).access[0]?.actions).toEqual(['pull']);
    // The Hub API's repository routes apply it too, to sessions made from tokens.
    const plainSession = await t.login('alice', plain.token);
    const read = await t.inject({
      method: 'GET',
      url: '/v2/namespaces/acme/repositories/api',
      jwt: plainSession,
    });
    expect(read.statusCode).toBe(403);
    expect(read.json().message).toContain('token policy of organization acme');
    const created = await t.inject({
      method: 'POST',
      url: '/v2/namespaces/acme/repositories',
      jwt: await t.login('alice', (await t.createPat(aliceJwt, { scopes: ['repo:write'] })).token),
      body: { name: 'newer' },
    });
    expect(created.statusCode).toBe(403);
    expect(created.json().message).toContain('must be fine-grained');
    const listed = await t.inject({
      method: 'GET',
      url: '/v2/namespaces/acme/repositories',
      jwt: plainSession,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().results).toEqual([]);
    const fineSession = await t.login('alice', fine.token);
    expect(
      (await t.inject({ method: 'GET', url: '/v2/namespaces/acme/repositories/api', jwt: fineSession }))
        .statusCode,
    ).toBe(200);
    // The password session is no token: no token policy applies.
    expect(
      (await t.inject({ method: 'GET', url: '/v2/namespaces/acme/repositories/api', jwt: aliceJwt }))
        .statusCode,
    ).toBe(200);
    expect((await setPolicy({ require_fine_grained_pats: false })).statusCode).toBe(200);
  });

  describe('shared security suite', () => {
    const fixture = () => ({ t, username: 'alice', password });
    runSharedSecuritySuite(fixture, {
      method: 'GET',
      url: '/v2/orgs/acme/settings/tokens',
      allows: ['password', 'pat', 'oat'],
    });
    runSharedSecuritySuite(fixture, {
      method: 'PATCH',
      url: '/v2/orgs/acme/settings/tokens',
      body: { require_fine_grained_pats: false },
      allows: ['password'],
    });
  });
});

describe('instance token policy', () => {
  let t: TestApp;
  let jwt: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { TOKENHUB_TOKEN_MAX_LIFETIME_DAYS: '30' } });
    jwt = await t.login('alice', await t.signUp('alice'));
  });
  afterAll(async () => t.close());

  it('refuses to create a token living longer than the cap, naming the instance policy', async () => {
    const never = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      body: { token_label: 'x' },
    });
    expect(never.statusCode).toBe(400);
    expect(never.json().message).toContain("this instance's token policy: tokens may live at most 30 days");
    const inDays = (days: number) => new Date(t.clock.now().getTime() + days * day).toISOString();
    const ok = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      body: { token_label: 'x', expires_at: inDays(30) },
    });
    expect(ok.statusCode).toBe(201);
    const policy = await t.inject({ method: 'GET', url: '/v2/access-tokens', jwt });
    expect(policy.statusCode).toBe(200);
  });

  it('refuses a token made before the cap at /token and at the Hub login', async () => {
    const old = await mintPat(t, 'alice', { scopes: ['repo:read'] });
    const res = await tokenRequest(t, 'alice', old.secret);
    expect(res.statusCode).toBe(401);
    expect(res.json().details).toContain("this instance's token policy");
    const login = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: old.secret },
    });
    expect(login.statusCode).toBe(401);
    expect(login.json().message).toContain('at most 30 days');
  });
});

describe('unused-token expiry', () => {
  let t: TestApp;
  let jwt: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { TOKENHUB_TOKEN_UNUSED_EXPIRY_DAYS: '30' } });
    jwt = await t.login('alice', await t.signUp('alice'));
  });
  afterAll(async () => t.close());

  it('expires tokens unused for the period (audited), never one in use', async () => {
    const unused = await t.createPat(jwt, { token_label: 'unused' });
    const used = await t.createPat(jwt, { token_label: 'used' });
    t.clock.advanceSeconds(20 * 86_400);
    expect((await tokenRequest(t, 'alice', used.token)).statusCode).toBe(200);
    await t.app.services.lastUsed.flush();
    t.clock.advanceSeconds(11 * 86_400);
    // Twice: a second run finds nothing more (the notice mail is test/mail/unused-expiry.test.ts's).
    await runMaintenance(t.app.services, [unusedTokenExpiry]);
    await runMaintenance(t.app.services, [unusedTokenExpiry]);
    const session = await t.login('alice', 'correct horse battery');
    const status = async (uuid: string) =>
      (await t.inject({ method: 'GET', url: `/v2/access-tokens/${uuid}`, jwt: session })).json().status;
    expect(await status(unused.uuid)).toBe('expired');
    expect(await status(used.uuid)).toBe('active');
    expect((await tokenRequest(t, 'alice', unused.token)).statusCode).toBe(401);
    const audit = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/alice?action=account.access_token.expire_unused',
      jwt: session,
    });
    expect(audit.json().logs).toHaveLength(1);
    expect(audit.json().logs[0]).toMatchObject({ name: 'unused' });
  });
});

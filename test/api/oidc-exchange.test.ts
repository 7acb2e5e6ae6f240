/**
 * The exchange and identity tokens at `/token`, against a real OpenID provider in its own process
 * (support/oidc-issuer.ts) signing GitHub-Actions-like and GitLab-like tokens: what a token gets,
 * how a `thub_oidc_…` token is stored and used, and every refusal with its reason in the failure
 * log. tokenhub runs in process; its clock follows real time, as the issuer's does.
 */
import { createHash, randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseTokenSecret } from '../../src/core/token-secret.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { githubClaims, gitlabClaims } from '../support/ci-claims.ts';
import { mintOidcToken } from '../support/oidc-fixtures.ts';
import { type OidcIssuer, oidcTestEnv, startOidcIssuer } from '../support/oidc-issuer.ts';
import { setOrgTier, setUpOrg, userRow } from '../support/org-fixtures.ts';

let t: TestApp;
let issuer: OidcIssuer;
let ownerJwt: string;
const audience = 'http://tokenhub.test';
const repo = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });

beforeAll(async () => {
  [t, issuer] = await Promise.all([
    createTestApp({ env: oidcTestEnv, start: new Date().toISOString() }),
    startOidcIssuer(),
  ]);
  const password = await t.signUp('alice');
  ownerJwt = await t.login('alice', password);
  await setUpOrg(t, 'acme', { members: [] });
  await setOrgTier(t, 'acme', 'team');
});
afterAll(async () => {
  await issuer?.stop();
  await t?.close();
});
// The issuer signs with real time; tokenhub's manual clock is kept with it.
beforeEach(() => t.clock.set(new Date()));

async function connection(
  rulesets: unknown[],
  extra: Record<string, unknown> = {},
  org = 'acme',
): Promise<string> {
  const res = await t.inject({
    method: 'POST',
    url: org === 'alice' ? '/v2/users/me/oidc-connections' : `/v2/orgs/${org}/oidc-connections`,
    jwt: ownerJwt,
    body: { label: 'ci', issuer: issuer.url, rulesets, ...extra },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const exchange = (connectionId: string, idToken: string) =>
  t.inject({
    method: 'POST',
    url: '/v2/oidc/token',
    body: { connection_id: connectionId, id_token: idToken },
  });

async function failures(connectionId: string, org = 'acme'): Promise<string[]> {
  const base = org === 'alice' ? '/v2/users/me/oidc-connections' : `/v2/orgs/${org}/oidc-connections`;
  const res = await t.inject({ method: 'GET', url: `${base}/${connectionId}/failures`, jwt: ownerJwt });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().results.map((failure: { reason: string }) => failure.reason);
}

/** `/token` with Basic credentials; answers the granted actions per requested repository. */
async function registryGrant(username: string, secret: string, ...repositories: string[]) {
  const query = repositories
    .map((r) => `scope=${encodeURIComponent(`repository:${r}:pull,push,delete`)}`)
    .join('&');
  const res = await t.inject({
    method: 'GET',
    url: `/token?service=tokenhub-registry&${query}`,
    headers: { authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` },
  });
  if (res.statusCode !== 200) return { status: res.statusCode, message: res.json().details as string };
  const [, payload] = res.json().token.split('.');
  const access = JSON.parse(Buffer.from(payload, 'base64url').toString()).access as Array<{
    name: string;
    actions: string[];
  }>;
  return { status: 200, grants: Object.fromEntries(access.map((entry) => [entry.name, entry.actions])) };
}

const mainBranch = githubClaims({ repository: 'acme/api' });

describe('POST /v2/oidc/token', () => {
  it('exchanges a GitHub Actions token for a thub_oidc token with exactly the matched resources', async () => {
    const id = await connection([
      {
        label: 'main',
        subject: 'repo:acme/api:ref:refs/heads/main',
        resources: [repo('acme/api', 'scope-image-push')],
      },
      { label: 'any branch', subject: 'repo:acme/api:*', resources: [repo('acme/web', 'scope-image-pull')] },
      {
        label: 'tags',
        subject: 'repo:acme/api:ref:refs/tags/*',
        resources: [repo('acme/*', 'scope-image-push')],
      },
    ]);
    const res = await exchange(id, await issuer.idToken(mainBranch, { audience }));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(parseTokenSecret('thub_', body.token)).toBe('oidc');
    expect(body).toMatchObject({
      username: 'acme',
      expires_in: 900,
      connection_id: id,
      subject: 'repo:acme/api:ref:refs/heads/main',
      resources: [repo('acme/api', 'scope-image-push'), repo('acme/web', 'scope-image-pull')],
    });
    // Stored as SHA-256 only.
    const rows = await t.database.db.selectFrom('oidc_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(body.token);
    expect(rows.map((row) => row.secret_hash)).toContain(
      createHash('sha256').update(body.token).digest('hex'),
    );
    expect(t.logLines.join('')).not.toContain(body.token);

    expect(await registryGrant('acme', body.token, 'acme/api', 'acme/web', 'acme/db', 'alice/api')).toEqual({
      status: 200,
      grants: { 'acme/api': ['pull', 'push'], 'acme/web': ['pull'], 'acme/db': [], 'alice/api': [] },
    });
    // The owner's name is the login name; anyone else's is refused.
    expect((await registryGrant('alice', body.token, 'acme/api')).status).toBe(401);

    const audit = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/acme?action=org.oidc_connection.exchange',
      jwt: ownerJwt,
    });
    expect(audit.json().logs[0]).toMatchObject({
      name: 'ci',
      actor: 'repo:acme/api:ref:refs/heads/main',
      data: { connection_id: id, subject: 'repo:acme/api:ref:refs/heads/main', via: 'POST /v2/oidc/token' },
    });
    const read = await t.inject({
      method: 'GET',
      url: `/v2/orgs/acme/oidc-connections/${id}`,
      jwt: ownerJwt,
    });
    expect(read.json().last_used_at).not.toBeNull();
  });

  it('gives a Hub session at /v2/auth/token that no Hub route accepts', async () => {
    const id = await connection([
      { subject: 'repo:acme/*', resources: [repo('acme/*', 'scope-image-pull')] },
    ]);
    const { token } = (await exchange(id, await issuer.idToken(mainBranch, { audience }))).json();
    const jwt = await t.login('acme', token);
    const res = await t.inject({ method: 'GET', url: '/v2/orgs/acme', jwt });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toBe('token issued from an OIDC connection is not allowed');
  });

  it('accepts every asymmetric algorithm the issuer signs with (RS256, PS256, ES256, EdDSA)', async () => {
    const id = await connection([
      { subject: 'repo:acme/api:*', resources: [repo('acme/api', 'scope-image-pull')] },
    ]);
    for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
      const res = await exchange(id, await issuer.idToken(mainBranch, { audience, alg }));
      expect(res.statusCode, `${alg}: ${res.body}`).toBe(200);
    }
  });

  it('matches GitLab tokens on sub and on further claims', async () => {
    const id = await connection([
      {
        label: 'protected main',
        subject: 'project_path:acme/api:ref_type:branch:ref:*',
        claims: { namespace_path: 'acme', ref_protected: 'true', environment: 'prod*' },
        resources: [repo('acme/api', 'scope-image-push')],
      },
    ]);
    const ok = await exchange(
      id,
      await issuer.idToken(gitlabClaims({ project: 'acme/api', environment: 'production' }), { audience }),
    );
    expect(ok.statusCode, ok.body).toBe(200);
    const unprotected = gitlabClaims({ project: 'acme/api', environment: 'production', protectedRef: false });
    const refused = await exchange(id, await issuer.idToken(unprotected, { audience }));
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toBe(
      'no ruleset matched sub `project_path:acme/api:ref_type:branch:ref:main` (protected main: ref_protected `false` does not match `true`)',
    );
  });

  it('a personal connection grants in the user’s namespace, delete included', async () => {
    const id = await connection(
      [{ subject: 'repo:alice/*', resources: [repo('alice/app', 'scope-image-push', 'scope-image-delete')] }],
      {},
      'alice',
    );
    const res = await exchange(
      id,
      await issuer.idToken(githubClaims({ repository: 'alice/app' }), { audience }),
    );
    expect(res.json().username).toBe('alice');
    expect(await registryGrant('alice', res.json().token, 'alice/app', 'alice/other')).toEqual({
      status: 200,
      grants: { 'alice/app': ['delete', 'pull', 'push'], 'alice/other': [] },
    });
  });
});

describe('refusals, each with its reason in the failure log', () => {
  let id: string;
  beforeAll(async () => {
    id = await connection([
      {
        label: 'main',
        subject: 'repo:acme/api:ref:refs/heads/main',
        resources: [repo('acme/api', 'scope-image-push')],
      },
    ]);
  });
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    [
      'another audience',
      async () => issuer.idToken(mainBranch, { audience: 'https://other.example' }),
      'audience was "https://other.example", expected http://tokenhub.test',
    ],
    // Expired beyond the 60 s of tolerated clock skew.
    [
      'an expired token',
      async () => issuer.idToken({ ...mainBranch, iat: now() - 200, exp: now() - 100 }, { audience }),
      /^token expired 10\d s ago$/,
    ],
    [
      'a token not valid yet',
      async () => issuer.idToken({ ...mainBranch, nbf: now() + 600 }, { audience }),
      /^token is not valid before .* \(\d+ s from now\)$/,
    ],
    [
      'a token older than the maximum age',
      async () => issuer.idToken({ ...mainBranch, iat: now() - 7200, exp: now() + 60 }, { audience }),
      /^token was issued 72\d\d s ago; tokens older than 3600 s are refused$/,
    ],
    [
      'a token without exp',
      async () => issuer.idToken({ ...mainBranch, exp: null }, { audience }),
      'token has no exp claim',
    ],
    [
      'an HS256 token',
      async () => issuer.idToken(mainBranch, { audience, alg: 'HS256' }),
      'algorithm "HS256" is not accepted; use one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
    ],
    [
      'an unsigned token (alg none)',
      async () => unsigned({ ...mainBranch, iss: issuer.url, aud: audience, iat: now(), exp: now() + 60 }),
      /^algorithm "none" is not accepted \(an unsigned token\)/,
    ],
    [
      'a token signed by an unknown key',
      async () => signedByStranger({ ...mainBranch, iss: issuer.url, aud: audience }),
      /^unknown key: the issuer's key set has no key "stranger"/,
    ],
    [
      'a token of another issuer',
      async () =>
        signedByStranger({
          ...mainBranch,
          iss: 'https://token.actions.githubusercontent.com',
          aud: audience,
        }),
      `issuer was "https://token.actions.githubusercontent.com", expected ${'ISSUER'}`,
    ],
    [
      'a pull request',
      async () =>
        issuer.idToken(githubClaims({ repository: 'acme/api', event: 'pull_request' }), { audience }),
      'no ruleset matched sub `repo:acme/api:pull_request`',
    ],
    [
      'a token whose signature was altered',
      async () => tamper(await issuer.idToken(mainBranch, { audience })),
      "signature does not verify with the issuer's key",
    ],
  ])('refuses %s', async (_what, token, reason) => {
    const expected = typeof reason === 'string' ? reason.replace('ISSUER', issuer.url) : reason;
    const res = await exchange(id, await token());
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().message).toMatch(typeof expected === 'string' ? exact(expected) : expected);
    expect((await failures(id))[0]).toMatch(typeof expected === 'string' ? exact(expected) : expected);
  });

  it('refuses an unknown connection without a failure log', async () => {
    const res = await exchange(randomUUID(), await issuer.idToken(mainBranch, { audience }));
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/^there is no OIDC connection/);
  });

  it('a deactivated connection refuses exchanges and its tokens at once; reactivated, it works again; deleted, never', async () => {
    const other = await connection([
      { subject: 'repo:acme/*', resources: [repo('acme/api', 'scope-image-pull')] },
    ]);
    const { token } = (await exchange(other, await issuer.idToken(mainBranch, { audience }))).json();
    const url = `/v2/orgs/acme/oidc-connections/${other}`;
    await t.inject({ method: 'PATCH', url, jwt: ownerJwt, body: { is_active: false } });
    expect(await registryGrant('acme', token, 'acme/api')).toMatchObject({
      status: 401,
      message: 'OIDC connection ci is inactive',
    });
    const refused = await exchange(other, await issuer.idToken(mainBranch, { audience }));
    expect(refused.json().message).toBe('connection inactive');
    expect(await failures(other)).toEqual(['connection inactive']);
    await t.inject({ method: 'PATCH', url, jwt: ownerJwt, body: { is_active: true } });
    expect((await registryGrant('acme', token, 'acme/api')).status).toBe(200);
    expect((await t.inject({ method: 'DELETE', url, jwt: ownerJwt })).statusCode).toBe(204);
    expect(await registryGrant('acme', token, 'acme/api')).toMatchObject({
      status: 401,
      message: 'incorrect username or password',
    });
  });

  it('an exchanged token expires with its lifetime', async () => {
    const short = await connection(
      [{ subject: 'repo:acme/*', resources: [repo('acme/api', 'scope-image-pull')] }],
      { token_ttl_seconds: 60 },
    );
    const { token } = (await exchange(short, await issuer.idToken(mainBranch, { audience }))).json();
    t.clock.advanceSeconds(61);
    expect(await registryGrant('acme', token, 'acme/api')).toMatchObject({
      status: 401,
      message: 'token expired: exchange a new identity token',
    });
  });
});

describe('the issuer rotates its keys', () => {
  it('a token with a new kid is accepted after the key set is fetched again; one of the old key is refused', async () => {
    const id = await connection([
      { subject: 'repo:acme/*', resources: [repo('acme/api', 'scope-image-pull')] },
    ]);
    const before = await issuer.idToken(mainBranch, { audience });
    expect((await exchange(id, before)).statusCode).toBe(200);
    await issuer.rotateKeys();
    const after = await issuer.idToken(mainBranch, { audience });
    const res = await exchange(id, after);
    expect(res.statusCode, res.body).toBe(200);
    const old = await exchange(id, before);
    expect(old.statusCode).toBe(401);
    expect(old.json().message).toMatch(/^unknown key: /);
  });
});

describe('single use', () => {
  it('accepts one of ten concurrent exchanges of one token, and refuses it as a password', async () => {
    await setUpOrg(t, 'onceco', { members: [] });
    await setOrgTier(t, 'onceco', 'team');
    const rulesets = [{ subject: 'repo:acme/*', resources: [repo('onceco/api', 'scope-image-pull')] }];
    const id = await connection(rulesets, { single_use: true }, 'onceco');
    const token = await issuer.idToken(mainBranch, { audience });
    const results = await Promise.all(Array.from({ length: 10 }, () => exchange(id, token)));
    expect(results.filter((res) => res.statusCode === 200)).toHaveLength(1);
    const reasons = results.filter((res) => res.statusCode === 401).map((res) => res.json().message);
    expect(reasons).toHaveLength(9);
    expect(new Set(reasons)).toEqual(new Set([expect.stringMatching(/^token already used \(jti .+\)$/)]));
    const asPassword = await registryGrant(
      'onceco',
      await issuer.idToken(mainBranch, { audience }),
      'onceco/api',
    );
    expect(asPassword).toMatchObject({
      status: 401,
      message: expect.stringMatching(/accepts each identity token once/),
    });
  });
});

describe('the identity token as the password at /token', () => {
  it('grants what the connection trusting its issuer and audience gives, audited on first use', async () => {
    await setUpOrg(t, 'rawco', { members: [] });
    await setOrgTier(t, 'rawco', 'business');
    const id = await connection(
      [
        { subject: 'repo:rawco/api:*', resources: [repo('rawco/api', 'scope-image-push')] },
        { subject: 'repo:rawco/*', resources: [repo('rawco/docs', 'scope-image-pull')] },
      ],
      {},
      'rawco',
    );
    const token = await issuer.idToken(githubClaims({ repository: 'rawco/api' }), { audience });
    for (let i = 0; i < 2; i++) {
      expect(await registryGrant('rawco', token, 'rawco/api', 'rawco/docs', 'rawco/x')).toEqual({
        status: 200,
        grants: { 'rawco/api': ['pull', 'push'], 'rawco/docs': ['pull'], 'rawco/x': [] },
      });
    }
    const audit = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/rawco?action=org.oidc_connection.exchange',
      jwt: ownerJwt,
    });
    expect(audit.json().logs).toHaveLength(1);
    expect(audit.json().logs[0].data).toMatchObject({ connection_id: id, via: 'registry password' });

    // A name with no connection trusting the issuer: the token is taken for a (wrong) password.
    expect(await registryGrant('nobody1', token, 'rawco/api')).toMatchObject({
      status: 401,
      message: 'incorrect username or password',
    });
    const elsewhere = await registryGrant(
      'rawco',
      await issuer.idToken(githubClaims({ repository: 'rawco/api' }), { audience: 'https://x.example' }),
      'rawco/api',
    );
    expect(elsewhere).toMatchObject({
      status: 401,
      message: 'audience was "https://x.example", expected http://tokenhub.test',
    });
    expect((await failures(id, 'rawco'))[0]).toBe(
      'audience was "https://x.example", expected http://tokenhub.test',
    );
  });
});

describe('an issuer the operator no longer allows', () => {
  it('is refused with the setting named, and the refusal is in the failure log', async () => {
    const narrowed = await createTestApp({
      env: { ...oidcTestEnv, TOKENHUB_OIDC_ALLOWED_ISSUERS: 'https://token.actions.githubusercontent.com' },
      start: new Date().toISOString(),
    });
    try {
      const jwt = await narrowed.login('alice', await narrowed.signUp('alice'));
      const alice = await userRow(narrowed, 'alice');
      // Saved before the operator narrowed the list (the API would refuse it now).
      const minted = await mintOidcToken(narrowed, { kind: 'user', id: alice.id, name: 'alice' });
      await narrowed.database.db
        .updateTable('oidc_connections')
        .set({ issuer: issuer.url })
        .where('id', '=', minted.connectionId)
        .execute();
      const token = await issuer.idToken({ sub: 'job:1' }, { audience });
      const res = await narrowed.inject({
        method: 'POST',
        url: '/v2/oidc/token',
        body: { connection_id: minted.connectionId, id_token: token },
      });
      const reason = `issuer ${issuer.url} is not allowed on this instance (TOKENHUB_OIDC_ALLOWED_ISSUERS)`;
      expect(res.json().message).toBe(reason);
      const log = await narrowed.inject({
        method: 'GET',
        url: `/v2/users/me/oidc-connections/${minted.connectionId}/failures`,
        jwt,
      });
      expect(log.json().results[0]).toMatchObject({
        reason,
        subject: 'job:1',
        user_agent: 'tokenhub-tests/1.0',
      });
    } finally {
      await narrowed.close();
    }
  });
});

describe('throttling', () => {
  it('refused exchanges count as failed sign-ins of the address: then 429, good token or not', async () => {
    const limited = await createTestApp({
      env: { ...oidcTestEnv, TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '3/15m' },
      start: new Date().toISOString(),
    });
    try {
      const password = await limited.signUp('alice');
      const jwt = await limited.login('alice', password);
      const created = await limited.inject({
        method: 'POST',
        url: '/v2/users/me/oidc-connections',
        jwt,
        body: {
          label: 'ci',
          issuer: issuer.url,
          rulesets: [{ subject: 'repo:alice/*', resources: [repo('alice/*', 'scope-image-pull')] }],
        },
      });
      const body = (idToken: string) => ({ connection_id: created.json().id, id_token: idToken });
      for (let i = 0; i < 3; i++) {
        const res = await limited.inject({
          method: 'POST',
          url: '/v2/oidc/token',
          body: body('eyJhbGciOiJub25lIn0.e30.'),
        });
        expect(res.statusCode).toBe(401);
      }
      const good = await issuer.idToken(githubClaims({ repository: 'alice/app' }), { audience });
      const res = await limited.inject({ method: 'POST', url: '/v2/oidc/token', body: body(good) });
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});

/** `^…$` for an exact message (escaped). */
function exact(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

function unsigned(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

async function signedByStranger(claims: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'stranger' })
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(privateKey);
}

function tamper(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
  return `${header}.${payload}.${flipped}`;
}

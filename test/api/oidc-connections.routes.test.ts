/**
 * OIDC connection management: an organization's connections (owners with a password session) and
 * the caller's own, their validation, the tier and per-owner caps (also under concurrency, on both
 * databases), audit events, the failure log route, and the shared security suite on every route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxConnectionsPerOwner } from '../../src/core/oidc-rules.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';
import { mintPat } from '../support/token-fixtures.ts';

const github = 'https://token.actions.githubusercontent.com';
const ruleset = (subject: string, path: string, ...scopes: string[]) => ({
  label: 'main',
  subject,
  resources: [{ type: 'TYPE_REPO', path, scopes }],
});
const connectionBody = (overrides: Record<string, unknown> = {}) => ({
  label: 'GitHub Actions',
  issuer: github,
  rulesets: [ruleset('repo:acme/api:ref:refs/heads/main', 'acme/api', 'scope-image-push')],
  ...overrides,
});

let t: TestApp;
let aliceJwt: string;
let password: string;

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  await t.signUp('bobby');
  aliceJwt = await t.login('alice', password);
  await setUpOrg(t, 'acme', { members: ['bobby'] });
  await setOrgTier(t, 'acme', 'team');
  await setUpOrg(t, 'freeorg', { members: [] });
});
afterAll(async () => t.close());

const create = (body: unknown, url = '/v2/orgs/acme/oidc-connections', jwt = aliceJwt) =>
  t.inject({ method: 'POST', url, jwt, body });

describe('POST /v2/orgs/{org}/oidc-connections', () => {
  it('creates a connection with the defaults: audience = the public URL, 15 minutes, active', async () => {
    const res = await create(connectionBody());
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      owner: 'acme',
      label: 'GitHub Actions',
      issuer: github,
      audience: 'http://tokenhub.test',
      token_ttl_seconds: 900,
      single_use: false,
      is_active: true,
      created_by: 'alice',
      last_used_at: null,
      rulesets: [
        {
          label: 'main',
          subject: 'repo:acme/api:ref:refs/heads/main',
          claims: {},
          resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] }],
        },
      ],
    });
    const audit = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/acme?action=org.oidc_connection.create',
      jwt: aliceJwt,
    });
    expect(audit.json().logs[0]).toMatchObject({
      action: 'org.oidc_connection.create',
      name: 'GitHub Actions',
      actor: 'alice',
    });
  });

  it.each([
    [{ rulesets: [] }, /rulesets/],
    [
      { rulesets: Array.from({ length: 6 }, () => ruleset('repo:acme/*', 'acme/*', 'scope-image-pull')) },
      /rulesets/,
    ],
    [{ rulesets: [ruleset('*', 'acme/*', 'scope-image-pull')] }, /must start with a literal prefix/],
    [{ rulesets: [ruleset('repo:acme/*', 'other/api', 'scope-image-pull')] }, /outside the namespace acme/],
    [
      { rulesets: [ruleset('repo:acme/*', 'acme/api', 'scope-image-delete')] },
      /scope-image-delete is not allowed/,
    ],
    [{ rulesets: [ruleset('repo:acme/*', 'acme/API', 'scope-image-pull')] }, /invalid repository path/],
    [
      { rulesets: [{ ...ruleset('repo:acme/*', 'acme/api', 'scope-image-pull'), claims: { aud: 'x' } }] },
      /aud is not allowed/,
    ],
    [{ issuer: 'http://127.0.0.1:9/' }, /does not allow http issuers/],
    [{ issuer: 'https://issuer.example/?x=1' }, /query/],
    [{ issuer: 'not a url' }, /absolute URL/],
    [{ token_ttl_seconds: 30 }, /token_ttl_seconds/],
    [{ label: '   ' }, /label must not be empty/],
  ])('refuses %j with a 400 naming the problem', async (overrides, message) => {
    const res = await create(connectionBody(overrides));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toMatch(message);
  });

  it('needs a Team or Business organization', async () => {
    const res = await create(
      connectionBody({ rulesets: [ruleset('repo:x/*', 'freeorg/*', 'scope-image-pull')] }),
      '/v2/orgs/freeorg/oidc-connections',
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/Team or Business/);
  });

  it('is for owners with a password session: members and PAT sessions get 403', async () => {
    const bobJwt = await t.login('bobby', password);
    expect((await create(connectionBody(), undefined, bobJwt)).statusCode).toBe(403);
    const patJwt = await t.login('alice', (await mintPat(t, 'alice')).secret);
    const res = await create(connectionBody(), undefined, patJwt);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toBe('token issued from personal access token is not allowed');
  });
});

describe('reading, changing and deleting', () => {
  it('lists, reads, deactivates, reactivates, edits the rulesets and deletes', async () => {
    const { id } = (await create(connectionBody({ label: 'lifecycle' }))).json();
    const list = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acme/oidc-connections?page_size=100',
      jwt: aliceJwt,
    });
    expect(list.json().results.map((c: { id: string }) => c.id)).toContain(id);
    const url = `/v2/orgs/acme/oidc-connections/${id}`;
    expect((await t.inject({ method: 'GET', url, jwt: aliceJwt })).json().label).toBe('lifecycle');
    const off = await t.inject({ method: 'PATCH', url, jwt: aliceJwt, body: { is_active: false } });
    expect(off.json().is_active).toBe(false);
    const on = await t.inject({
      method: 'PATCH',
      url,
      jwt: aliceJwt,
      body: {
        is_active: true,
        single_use: true,
        rulesets: [ruleset('repo:acme/web:*', 'acme/web', 'scope-image-pull')],
      },
    });
    expect(on.json()).toMatchObject({
      is_active: true,
      single_use: true,
      rulesets: [{ subject: 'repo:acme/web:*' }],
    });
    const failures = await t.inject({ method: 'GET', url: `${url}/failures`, jwt: aliceJwt });
    expect(failures.json()).toEqual({ count: 0, next: null, previous: null, results: [] });
    expect((await t.inject({ method: 'DELETE', url, jwt: aliceJwt })).statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url, jwt: aliceJwt })).statusCode).toBe(404);
    const audit = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/acme?action=org.oidc_connection.update',
      jwt: aliceJwt,
    });
    // Audit `data` values are text, as Docker Hub's schema has them: lists arrive as JSON.
    const changed = audit.json().logs.map((e: { data: { changed: string } }) => JSON.parse(e.data.changed));
    expect(changed).toContainEqual(['single_use', 'is_active', 'rulesets']);
  });

  it('never shows another organization’s connection', async () => {
    const { id } = (await create(connectionBody({ label: 'mine' }))).json();
    await setUpOrg(t, 'other1', { members: [] });
    await setOrgTier(t, 'other1', 'team');
    const res = await t.inject({
      method: 'GET',
      url: `/v2/orgs/other1/oidc-connections/${id}`,
      jwt: aliceJwt,
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('/v2/users/me/oidc-connections', () => {
  const url = '/v2/users/me/oidc-connections';
  it('gives a user connections for their own namespace, delete included', async () => {
    const res = await create(
      connectionBody({
        rulesets: [ruleset('repo:alice/*', 'alice/*', 'scope-image-push', 'scope-image-delete')],
      }),
      url,
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      owner: 'alice',
      rulesets: [{ resources: [{ scopes: ['scope-image-delete', 'scope-image-push'] }] }],
    });
    const outside = await create(
      connectionBody({ rulesets: [ruleset('repo:alice/*', 'acme/api', 'scope-image-pull')] }),
      url,
    );
    expect(outside.statusCode).toBe(400);
    const audit = await t.inject({
      method: 'GET',
      url: '/v2/auditlogs/alice?action=account.oidc_connection.create',
      jwt: aliceJwt,
    });
    expect(audit.json().logs).toHaveLength(1);
  });
});

describe('TOKENHUB_OIDC_ALLOWED_ISSUERS', () => {
  const personal = '/v2/users/me/oidc-connections';
  it('refuses an issuer that is not on the list, naming the allowed ones', async () => {
    const other = await createTestApp({
      env: { TOKENHUB_OIDC_ALLOWED_ISSUERS: `${github},https://gitlab.com` },
    });
    try {
      await other.signUp('alice');
      const jwt = await other.login('alice', password);
      const body = connectionBody({
        issuer: 'https://ci.example.com',
        rulesets: [ruleset('x:*', 'alice/*', 'scope-image-pull')],
      });
      const res = await other.inject({ method: 'POST', url: personal, jwt, body });
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toBe(
        `issuer https://ci.example.com is not allowed on this instance; allowed: ${github}, https://gitlab.com`,
      );
      const allowed = await other.inject({
        method: 'POST',
        url: personal,
        jwt,
        body: { ...body, issuer: github },
      });
      expect(allowed.statusCode).toBe(201);
    } finally {
      await other.close();
    }
  });
});

describe.each(testDialects('oidc connection cap'))('the per-owner cap on %s', (dialect) => {
  it(`holds under 40 concurrent creations: exactly ${maxConnectionsPerOwner}`, async () => {
    const c = await createTestApp({ dialect });
    try {
      await c.signUp('alice');
      const jwt = await c.login('alice', password);
      const body = connectionBody({ rulesets: [ruleset('repo:alice/*', 'alice/*', 'scope-image-pull')] });
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          c.inject({ method: 'POST', url: '/v2/users/me/oidc-connections', jwt, body }),
        ),
      );
      const codes = results.map((res) => res.statusCode);
      expect(codes.filter((code) => code === 201)).toHaveLength(maxConnectionsPerOwner);
      expect(codes.filter((code) => code === 409)).toHaveLength(40 - maxConnectionsPerOwner);
      expect(results.find((res) => res.statusCode === 409)?.json().message).toMatch(/delete one first/);
    } finally {
      await c.close();
    }
  });
});

describe('shared security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  const unknownId = '00000000-0000-4000-8000-000000000000';
  const routes = (prefix: string, namespace: string) => [
    {
      method: 'POST' as const,
      url: prefix,
      body: connectionBody({ rulesets: [ruleset('repo:x/*', `${namespace}/*`, 'scope-image-pull')] }),
    },
    { method: 'GET' as const, url: prefix },
    { method: 'GET' as const, url: `${prefix}/${unknownId}` },
    { method: 'GET' as const, url: `${prefix}/${unknownId}/failures` },
    { method: 'PATCH' as const, url: `${prefix}/${unknownId}`, body: { label: 'renamed' } },
    { method: 'DELETE' as const, url: `${prefix}/${unknownId}` },
  ];
  for (const route of routes('/v2/orgs/acme/oidc-connections', 'acme')) {
    runSharedSecuritySuite(fixture, { ...route, allows: ['password'] });
  }
  for (const route of routes('/v2/users/me/oidc-connections', 'alice')) {
    runSharedSecuritySuite(fixture, { ...route, allows: ['password'] });
  }
});

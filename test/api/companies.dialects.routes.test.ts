/**
 * The company routes' main path on SQLite and on PostgreSQL (when TOKENHUB_TEST_PG_URL is set):
 * create, an organization joins, a second owner by email manages it (an OAT) without repository
 * rights, the company-wide views, the organization leaves and management ends, the last owner
 * stays, rename and delete. The full route suite (refusals, bad input, security) is
 * companies.routes.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';

describe.each(testDialects('company routes'))('company routes on %s', (dialect) => {
  let t: TestApp;
  const jwts: Record<string, string> = {};
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    as: string,
    body?: unknown,
  ) => t.inject({ method, url, jwt: jwts[as], body });

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const password = await t.signUp('alice');
    await t.signUp('bobby', password);
    await t.signUp('carol', password);
    for (const name of ['alice', 'bobby', 'carol']) jwts[name] = await t.login(name, password);
    await setUpOrg(t, 'acme', { members: ['bobby'] });
    await setOrgTier(t, 'acme', 'business');
  });
  afterAll(async () => t?.close());

  it('runs a company from creation to deletion', async () => {
    expect((await call('POST', '/v2/companies', 'alice', { name: 'megacorp' })).statusCode).toBe(201);
    expect((await call('PUT', '/v2/companies/megacorp/orgs/acme', 'alice')).statusCode).toBe(204);
    const owner = await call('POST', '/v2/companies/megacorp/owners', 'alice', {
      owner: 'carol@example.com',
    });
    expect(owner.statusCode, owner.body).toBe(201);
    // bobby is a plain member of acme; as a company owner too he acts as its owner everywhere.
    expect(
      (await call('POST', '/v2/companies/megacorp/owners', 'alice', { owner: 'bobby' })).statusCode,
    ).toBe(201);
    const asBobby = (await call('GET', '/v2/orgs/acme', 'bobby')).json();
    expect(asBobby).toMatchObject({ role: 'owner', acting_company: 'megacorp' });
    const seen = (await call('GET', '/v2/orgs/acme/members', 'bobby')).json();
    expect(seen.results.map((m: { email?: string }) => m.email)).toEqual([
      'alice@example.com',
      'bobby@example.com',
    ]);
    expect((await call('DELETE', '/v2/companies/megacorp/owners/bobby', 'bobby')).statusCode).toBe(204);
    expect((await call('GET', '/v2/orgs/acme', 'bobby')).json()).toMatchObject({
      role: 'member',
      acting_company: null,
    });

    const oat = await call('POST', '/v2/orgs/acme/access-tokens', 'carol', {
      label: 'by the company',
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }],
    });
    expect(oat.statusCode, oat.body).toBe(201);
    expect((await call('POST', '/v2/namespaces/acme/repositories', 'carol', { name: 'x' })).statusCode).toBe(
      403,
    );

    const orgs = (await call('GET', '/v2/companies/megacorp/orgs', 'carol')).json();
    expect(orgs.results).toEqual([expect.objectContaining({ name: 'acme', member_count: 2 })]);
    const members = (await call('GET', '/v2/companies/megacorp/members', 'carol')).json();
    expect(members.results.map((m: { username: string }) => m.username)).toEqual(['alice', 'bobby']);
    const tokens = (await call('GET', '/v2/companies/megacorp/access-tokens', 'carol')).json();
    expect(tokens.results.map((m: { label: string; org: string }) => `${m.org}:${m.label}`)).toEqual([
      'acme:by the company',
    ]);
    const activity = (await call('GET', '/v2/auditlogs/megacorp?page_size=50', 'carol')).json();
    expect(activity.logs.map((l: { action: string }) => l.action)).toContain('org.access_token.create');

    expect((await call('DELETE', '/v2/companies/megacorp/orgs/acme', 'alice')).statusCode).toBe(204);
    expect((await call('GET', '/v2/orgs/acme/access-tokens', 'carol')).statusCode).toBe(403);
    expect((await call('DELETE', '/v2/companies/megacorp/owners/alice', 'carol')).statusCode).toBe(204);
    expect((await call('DELETE', '/v2/companies/megacorp/owners/carol', 'carol')).statusCode).toBe(409);
    expect((await call('PATCH', '/v2/companies/megacorp', 'carol', { name: 'gigacorp' })).statusCode).toBe(
      200,
    );
    expect((await call('DELETE', '/v2/companies/gigacorp', 'carol')).statusCode).toBe(204);
    expect((await call('GET', '/v2/companies/gigacorp', 'carol')).statusCode).toBe(404);
  });

  it('answers bad names and addresses with a 4xx, never a 500', async () => {
    expect((await call('POST', '/v2/companies', 'alice', { name: 'suite' })).statusCode).toBe(201);
    const answers = [
      await call('GET', '/v2/companies/a%00b', 'alice'),
      await call('GET', '/v2/companies/%C3%28', 'alice'),
      await call('GET', `/v2/companies/${'x'.repeat(65)}`, 'alice'),
      await call('POST', '/v2/companies', 'alice', { name: 'a\u0000bcd' }),
      await call('POST', '/v2/companies/suite/owners', 'alice', { owner: 'a\u0000b' }),
      await call('POST', '/v2/companies/suite/owners', 'alice', { owner: 'x\u0000@example.com' }),
      await call('PUT', '/v2/companies/suite/orgs/a%00b', 'alice'),
      await call('DELETE', '/v2/companies/suite/owners/a%00b', 'alice'),
      await call('PATCH', '/v2/companies/suite', 'alice', { name: 'a\u0000bcd' }),
    ];
    for (const res of answers) {
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, res.body).toBeLessThan(500);
    }
  });
});

describe('what company ownership costs the everyday paths', () => {
  let t: TestApp;
  let queries: string[] = [];
  const jwts: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp({ onQuery: (sql) => queries.push(sql) });
    const password = await t.signUp('alice');
    await t.signUp('bobby', password);
    for (const name of ['alice', 'bobby']) jwts[name] = await t.login(name, password);
    await setUpOrg(t, 'acme', { members: ['bobby'] });
  });
  afterAll(async () => t?.close());

  it("an organization route reads the caller's role and company in one query; /token never reads companies", async () => {
    const pat = (await t.createPat(jwts.bobby ?? '', { scopes: ['repo:read'] })).token;
    for (const [who, url, status] of [
      ['alice', '/v2/orgs/acme/members', 200],
      ['bobby', '/v2/orgs/acme/members', 200],
      ['bobby', '/v2/orgs/acme/access-tokens', 403],
    ] as const) {
      queries = [];
      expect((await t.inject({ method: 'GET', url, jwt: jwts[who] })).statusCode).toBe(status);
      const standing = queries.filter((sql) => sql.includes('org_members') && sql.includes('company_owners'));
      expect(standing, `${who} ${url}`).toHaveLength(1);
      expect(queries.filter((sql) => sql.includes('company_owners'))).toHaveLength(1);
    }
    queries = [];
    const token = await t.inject({
      method: 'GET',
      url: `/token?service=tokenhub-registry&scope=${encodeURIComponent('repository:acme/api:pull')}`,
      headers: { authorization: `Basic ${Buffer.from(`bobby:${pat}`).toString('base64')}` },
    });
    expect(token.statusCode).toBe(200);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.filter((sql) => sql.includes('compan'))).toEqual([]);
  });
});

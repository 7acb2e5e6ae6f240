import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import { createTestApp, type InjectOptions, type TestApp } from '../support/app-harness.ts';
import { oatSession, setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let password: string;
const jwts: Record<string, string> = {};

const call = (method: InjectOptions['method'], url: string, jwt?: string) => t.inject({ method, url, jwt });

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  await t.signUp('bobby');
  await t.signUp('carol');
  for (const name of ['alice', 'bobby', 'carol']) jwts[name] = await t.login(name, password);
  await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby'] });
  await setUpOrg(t, 'beta', { owner: 'alice', members: [] });
  await setOrgTier(t, 'acme', 'team');
});
afterAll(async () => t.close());

const blank = {
  full_name: '',
  location: '',
  company: '',
  gravatar_email: '',
  gravatar_url: '',
  profile_url: '',
};

describe('GET /v2/user/', () => {
  it('answers the signed-in account in Docker Hub\'s "user" shape', async () => {
    const res = await call('GET', '/v2/user/', jwts.alice);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ...blank,
      id: expect.any(String),
      username: 'alice',
      email: 'alice@example.com',
      is_admin: false,
      type: 'User',
      date_joined: '2026-03-01T12:00:00.000Z',
    });
  });

  runSharedSecuritySuite(() => ({ t, username: 'alice', password }), {
    method: 'GET',
    url: '/v2/user/',
    allows: ['password', 'pat'],
  });
});

describe('GET /v2/user/orgs', () => {
  it('pages through the organizations, by name, with the role', async () => {
    const first = (await call('GET', '/v2/user/orgs/?page_size=1&page=1', jwts.alice)).json();
    expect(first).toMatchObject({
      count: 2,
      next: 'http://tokenhub.test/v2/user/orgs?page=2&page_size=1',
      previous: null,
    });
    expect(first.results).toEqual([
      {
        ...blank,
        id: expect.any(String),
        orgname: 'acme',
        type: 'Org',
        role: 'Owner',
        tier: 'team',
        date_joined: expect.any(String),
      },
    ]);
    const bobby = (await call('GET', '/v2/user/orgs', jwts.bobby)).json();
    expect(bobby.results.map((o: { orgname: string; role: string }) => [o.orgname, o.role])).toEqual([
      ['acme', 'Member'],
    ]);
    expect((await call('GET', '/v2/user/orgs', jwts.carol)).json()).toEqual({
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
  });

  runSharedSecuritySuite(() => ({ t, username: 'alice', password }), {
    method: 'GET',
    url: '/v2/user/orgs',
    allows: ['password', 'pat'],
  });
});

describe('GET /v2/users/{name}/', () => {
  it('shows a public profile to anyone, without the address', async () => {
    const res = await call('GET', '/v2/users/Bobby/');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ...blank,
      id: expect.any(String),
      username: 'bobby',
      type: 'User',
      date_joined: expect.any(String),
    });
    expect((await call('GET', '/v2/users/acme')).json()).toMatchObject({ username: 'acme', type: 'Org' });
  });

  it('answers 404 for an unknown name', async () => {
    const res = await call('GET', '/v2/users/nobodyhere/');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ detail: expect.any(String), message: expect.any(String) });
  });
});

describe('POST /v2/logout/', () => {
  it('answers 204 to a session, 401 without one', async () => {
    expect((await call('POST', '/v2/logout/', jwts.carol)).statusCode).toBe(204);
    expect((await call('POST', '/v2/logout/')).statusCode).toBe(401);
  });
});

describe('GET /api/billing/v4/accounts/{id}/hub-plan', () => {
  async function idOf(path: string, jwt: string | undefined): Promise<string> {
    return (await call('GET', path, jwt)).json().id;
  }

  it("answers a user's own plan and an organization's tier to its members", async () => {
    const mine = await call(
      'GET',
      `/api/billing/v4/accounts/${await idOf('/v2/user/', jwts.bobby)}/hub-plan`,
      jwts.bobby,
    );
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({
      name: 'personal',
      legacy: false,
      seats: 1,
      private_repos: 9999,
      teams: 0,
      collaborators: 9999,
      parallel_builds: 0,
      duration: '',
    });
    const acmeId = await idOf('/v2/orgs/acme', jwts.alice);
    const plan = await call('GET', `/api/billing/v4/accounts/${acmeId}/hub-plan`, jwts.bobby);
    expect(plan.json()).toMatchObject({ name: 'team', seats: 9999, teams: 9999 });
    const robot = await oatSession(t, await orgOf('acme'), []);
    expect((await call('GET', `/api/billing/v4/accounts/${acmeId}/hub-plan`, robot)).statusCode).toBe(200);
  });

  it("refuses another account's plan", async () => {
    const aliceId = await idOf('/v2/user/', jwts.alice);
    expect((await call('GET', `/api/billing/v4/accounts/${aliceId}/hub-plan`, jwts.bobby)).statusCode).toBe(
      404,
    );
    const betaId = await idOf('/v2/orgs/beta', jwts.alice);
    expect((await call('GET', `/api/billing/v4/accounts/${betaId}/hub-plan`, jwts.carol)).statusCode).toBe(
      403,
    );
  });
});

async function orgOf(name: string) {
  const org = await findOrganizationByName(t.database.db, name);
  if (!org) throw new Error(`no org ${name}`);
  return org;
}

/**
 * hub-tool against tokenhub: every command that concerns tokens, the account, organizations and
 * repositories, replayed request for request (hub-tool-client.ts) and decoded as hub-tool's Go
 * structs decode them. `tag ls` and `repo rm` without `--force` (which counts tags first) need the
 * registry: they are replayed in test/e2e/registry-facts.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { HubToolClient, HubToolError, type Send } from './hub-tool-client.ts';

const domain = 'https://hub.test';
let t: TestApp;
let password: string;

/** hub-tool's requests, delivered in process (the origin is tokenhub's public URL). */
const send: Send = async ({ method, url, headers, body }) => {
  const res = await t.app.inject({
    method: method as 'GET',
    url: url.replace(domain, ''),
    headers,
    ...(body === undefined ? {} : { payload: body }),
  });
  return { status: res.statusCode, body: res.body };
};

async function signedIn(username: string): Promise<HubToolClient> {
  const client = new HubToolClient(send, domain);
  await client.login(username, password);
  return client;
}

beforeAll(async () => {
  t = await createTestApp({ env: { TOKENHUB_PUBLIC_URL: domain } });
  password = await t.signUp('alice');
  await t.signUp('bobby');
  await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby'] });
  await setOrgTier(t, 'acme', 'team');
  const jwt = await t.login('alice', password);
  for (const [name, isPrivate] of [
    ['web', false],
    ['api', true],
  ] as const) {
    await t.inject({
      method: 'POST',
      url: '/v2/namespaces/alice/repositories',
      jwt,
      body: { name, is_private: isPrivate },
    });
  }
  await t.inject({ method: 'POST', url: '/v2/namespaces/acme/repositories', jwt, body: { name: 'site' } });
  await t.inject({ method: 'POST', url: '/v2/orgs/acme/groups', jwt, body: { name: 'devs' } });
  await t.inject({
    method: 'POST',
    url: '/v2/orgs/acme/groups/devs/members',
    jwt,
    body: { member: 'bobby' },
  });
});
afterAll(async () => t.close());

describe('hub-tool login', () => {
  it('logs in with a password, and with the second step when two-factor sign-in is on', async () => {
    const client = await signedIn('alice');
    expect(client.token.split('.')).toHaveLength(3);

    const jwt = await t.login('bobby', password);
    const setup = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(setup.secret, t.clock.now()) },
    });
    t.clock.advanceSeconds(30);
    const bobby = new HubToolClient(send, domain);
    await bobby.login('bobby', password, () => totpCode(setup.secret, t.clock.now()));
    expect(bobby.log).toEqual([
      `POST ${domain}/v2/users/login?refresh_token=true`,
      `POST ${domain}/v2/users/2fa-login?refresh_token=true`,
    ]);
    await expect(new HubToolClient(send, domain).login('alice', 'wrong password')).rejects.toThrow(
      HubToolError,
    );
  });
});

describe('hub-tool token', () => {
  it('create (with and without --description), ls, inspect, deactivate, activate, rm', async () => {
    const client = await signedIn('alice');
    const described = await client.createToken('laptop');
    expect(described).toMatchObject({ token_label: 'laptop', is_active: true });
    expect(described.token).toMatch(/^thub_pat_/);
    const plain = await client.createToken('');
    expect(plain.token_label).toMatch(/^Access token of /);

    const { tokens, total } = await client.getTokens();
    expect(total).toBe(2);
    expect(tokens.map((token) => token.uuid).sort()).toEqual([described.uuid, plain.uuid].sort());
    expect((await client.getToken(described.uuid)).token).toBe('');
    expect((await client.updateToken(described.uuid, '', false)).is_active).toBe(false);
    expect((await client.updateToken(described.uuid, '', true)).is_active).toBe(true);
    await client.removeToken(plain.uuid);
    await expect(client.getToken(plain.uuid)).rejects.toThrow('resource not found');
    expect(client.log).toContain(`GET ${domain}/v2/api_tokens?page=1&page_size=100`);
  });

  it('lists every page with --all', async () => {
    const client = await signedIn('alice');
    for (let i = 0; i < 3; i++) await client.createToken(`bulk-${i}`);
    client.fetchAll = true;
    const { tokens } = await client.getTokens();
    expect(tokens.length).toBeGreaterThanOrEqual(4);
  });
});

describe('hub-tool account', () => {
  it('account info: the user, their repositories, their plan', async () => {
    const info = await (await signedIn('alice')).accountInfo();
    expect(info.user).toMatchObject({ username: 'alice' });
    expect(info.privateRepositories).toBe(1);
    expect(info.plan.name).toBe('personal');
  });

  it('account info <org>: the organization, its members and teams, its plan', async () => {
    const info = await (await signedIn('alice')).orgInfo('acme');
    expect(info).toMatchObject({ org: { orgname: 'acme' }, seats: 2, teams: 1, plan: { name: 'team' } });
  });

  it('account info <org> refuses a non-member (hub-tool says: you need to be the owner)', async () => {
    await t.signUp('carol');
    await expect((await signedIn('carol')).orgInfo('acme')).rejects.toThrow('operation not permitted');
  });
});

describe('hub-tool org', () => {
  it('org ls: organizations with their teams, team members (a plain array) and members', async () => {
    const client = await signedIn('alice');
    expect(await client.getOrganizations()).toEqual([
      { namespace: 'acme', role: 'Member', teams: ['devs'], members: ['alice', 'bobby'] },
    ]);
    expect(client.log).toContain(`GET ${domain}/v2/orgs/acme/groups/devs/members/`);
  });

  it('org members and org teams', async () => {
    const client = await signedIn('alice');
    expect((await client.getMembers('acme')).map((m) => m.username)).toEqual(['alice', 'bobby']);
    const teams = await client.getTeams('acme');
    expect(teams.map((team) => [team.name, team.members.map((m) => m.username)])).toEqual([
      ['devs', ['bobby']],
    ]);
  });
});

describe('hub-tool repo', () => {
  it('repo ls, with --all', async () => {
    const client = await signedIn('alice');
    const { repositories, total } = await client.getRepositories('');
    expect(total).toBe(2);
    expect(repositories.map((r) => r.name)).toEqual(['api', 'web']);
    expect(client.log).toContain(
      `GET ${domain}/v2/repositories/alice?ordering=last_updated&page=1&page_size=100`,
    );
    expect((await client.getRepositories('acme')).repositories.map((r) => r.name)).toEqual(['site']);
  });

  it('repo rm --force', async () => {
    const client = await signedIn('alice');
    await client.removeRepository('alice/web');
    expect((await client.getRepositories('')).repositories.map((r) => r.name)).toEqual(['api']);
    await expect(client.removeRepository('alice/web')).rejects.toThrow('resource not found');
  });
});

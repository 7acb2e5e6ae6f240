/**
 * Update events say what changed with the old and new values (a rename, a (de)activation, a level),
 * as text in Docker Hub's `data`, and list only the fields whose value really changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type InjectOptions, type TestApp } from '../support/app-harness.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';

let t: TestApp;
let jwt: string;

beforeAll(async () => {
  t = await createTestApp();
  const password = await t.signUp('alice');
  await t.signUp('bobby');
  jwt = await t.login('alice', password);
  await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby'] });
  await setOrgTier(t, 'acme', 'team');
});
afterAll(async () => t.close());

const call = async (method: InjectOptions['method'], url: string, body?: unknown) => {
  const res = await t.inject({ method, url, jwt, body });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
};

/** The newest event of an action in an account's log, as the API serves it. */
async function latest(account: string, action: string): Promise<Record<string, string>> {
  t.clock.advanceSeconds(1);
  const page = await call('GET', `/v2/auditlogs/${account}?action=${action}&page_size=1`);
  return page.logs[0].data;
}

describe('personal access token updates', () => {
  it('record a rename, a deactivation, a reactivation and a level change with both values', async () => {
    const pat = await t.createPat(jwt, { token_label: 'ci', scopes: ['repo:read'] });
    const url = `/v2/access-tokens/${pat.uuid}`;
    const update = async (body: unknown) => {
      t.clock.advanceSeconds(1);
      await call('PATCH', url, body);
      return latest('alice', 'account.access_token.update');
    };
    expect(await update({ token_label: 'ci-2' })).toEqual({
      uuid: pat.uuid,
      changed: '["label"]',
      label_from: 'ci',
      label_to: 'ci-2',
    });
    expect(await update({ is_active: false })).toEqual({
      uuid: pat.uuid,
      changed: '["is_active"]',
      status: 'deactivated',
    });
    expect(await update({ is_active: true, scopes: ['repo:write'] })).toEqual({
      uuid: pat.uuid,
      changed: '["is_active","scopes"]',
      status: 'reactivated',
      scope_from: 'repo:read',
      scope_to: 'repo:write',
    });
    // What is sent unchanged is not listed.
    expect(await update({ token_label: 'ci-2', is_active: true })).toEqual({ uuid: pat.uuid, changed: '[]' });
  });
});

describe('organization access token updates', () => {
  it('record a rename and a deactivation; resources sent back unchanged are not listed', async () => {
    const resources = [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull'] }];
    const { id } = await call('POST', '/v2/orgs/acme/access-tokens', { label: 'deploy', resources });
    const url = `/v2/orgs/acme/access-tokens/${id}`;
    await call('PATCH', url, { label: 'deploy-2', description: 'for prod', resources });
    expect(await latest('acme', 'org.access_token.update')).toEqual({
      id,
      changed: '["label","description"]',
      label_from: 'deploy',
      label_to: 'deploy-2',
    });
    await call('PATCH', url, { is_active: false });
    expect(await latest('acme', 'org.access_token.update')).toEqual({
      id,
      changed: '["is_active"]',
      status: 'deactivated',
    });
  });
});

describe('organization updates', () => {
  it('record a group rename with its old and new name, and a role change from and to', async () => {
    await call('POST', '/v2/orgs/acme/groups', { name: 'qa' });
    await call('PATCH', '/v2/orgs/acme/groups/qa', { name: 'testers', description: 'QA' });
    expect(await latest('acme', 'org.team.update')).toMatchObject({
      changed: '["name","description"]',
      name_from: 'qa',
      name_to: 'testers',
    });
    await call('PATCH', '/v2/orgs/acme/groups/testers', { description: 'quality' });
    expect(await latest('acme', 'org.team.update')).not.toHaveProperty('name_from');
    await call('PUT', '/v2/orgs/acme/members/bobby', { role: 'owner' });
    expect(await latest('acme', 'org.member.role.change')).toEqual({ from: 'member', to: 'owner' });
  });
});

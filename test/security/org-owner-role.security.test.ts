/**
 * An organization access token with member and invite edit scopes cannot make or unmake owners
 * (docs/security.md): it may add and invite members, never grant, invite to or promote to the owner
 * role, nor demote or remove an owner. An owner signed in as a person still can. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../../src/core/organization-rules.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { oatSession, setOrgTier, setUpOrg } from '../support/org-fixtures.ts';

describe.each(testDialects('security: owner role'))('on %s', (dialect) => {
  let t: TestApp;
  let org: Organization;
  let robot: string;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    for (const name of ['alice', 'bobby', 'carol', 'mallory']) await t.signUp(name);
    org = await setUpOrg(t, 'acmecorp', { members: ['bobby', 'carol'] });
    await setOrgTier(t, 'acmecorp', 'team');
    robot = await oatSession(t, org, ['scope-member-edit', 'scope-invite-edit']);
  });
  afterAll(() => t.close());

  it('2: refuses an owner invite, alone or in bulk', async () => {
    const single = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acmecorp/invites',
      jwt: robot,
      body: { invitee: 'mallory', role: 'owner' },
    });
    expect(single.statusCode).toBe(403);
    expect(single.json().message).toMatch(/only an owner signed in as a person/);
    const bulk = await t.inject({
      method: 'POST',
      url: '/v2/invites/bulk',
      jwt: robot,
      body: { org: 'acmecorp', role: 'owner', invitees: ['mallory'] },
    });
    expect(bulk.statusCode).toBe(403);
    const member = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acmecorp/invites',
      jwt: robot,
      body: { invitee: 'mallory', role: 'member' },
    });
    expect(member.statusCode).toBe(201);
  });

  it('2: refuses promoting a member, and demoting or removing an owner', async () => {
    const promote = await t.inject({
      method: 'PUT',
      url: '/v2/orgs/acmecorp/members/bobby',
      jwt: robot,
      body: { role: 'owner' },
    });
    expect(promote.statusCode).toBe(403);
    const alice = await t.login('alice', defaultPassword);
    const byOwner = await t.inject({
      method: 'PUT',
      url: '/v2/orgs/acmecorp/members/carol',
      jwt: alice,
      body: { role: 'owner' },
    });
    expect(byOwner.statusCode).toBe(200);
    const demote = await t.inject({
      method: 'PUT',
      url: '/v2/orgs/acmecorp/members/carol',
      jwt: robot,
      body: { role: 'member' },
    });
    expect(demote.statusCode).toBe(403);
    const remove = await t.inject({ method: 'DELETE', url: '/v2/orgs/acmecorp/members/alice', jwt: robot });
    expect(remove.statusCode).toBe(403);
    const members = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acmecorp/members?page_size=100',
      jwt: alice,
    });
    const roles = Object.fromEntries(
      members.json().results.map((m: { username: string; role: string }) => [m.username, m.role]),
    );
    expect(roles).toMatchObject({ alice: 'Owner', bobby: 'Member', carol: 'Owner' });
    // A plain member can still be removed by the token.
    expect(
      (await t.inject({ method: 'DELETE', url: '/v2/orgs/acmecorp/members/bobby', jwt: robot })).statusCode,
    ).toBe(204);
  });
});

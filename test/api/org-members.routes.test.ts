import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../../src/core/organization-rules.ts';
import {
  addGroupMember,
  createGroup,
  setGroupRepositoryPermission,
} from '../../src/services/orgs/org-group.service.ts';
import { createOrganization } from '../../src/services/orgs/organization.service.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { fixtureMeta as meta, oatSession, setUpOrg, userRow } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

const operator = { id: null, name: 'operator' };

let t: TestApp;
let password: string;
const jwts: Record<string, string> = {};

async function patSession(username: string): Promise<string> {
  const pat = await t.createPat(jwts[username] ?? '', { scopes: ['repo:admin'] });
  return t.login(username, pat.token);
}

async function auditOf(org: Organization) {
  return t.database.db
    .selectFrom('audit_events')
    .select(['action', 'name', 'actor_id', 'actor_name', 'data'])
    .where('account_id', '=', org.id)
    .where('action', 'like', 'org.member.%')
    .execute();
}

const members = (org: string, jwt?: string, query = '') =>
  t.inject({ method: 'GET', url: `/v2/orgs/${org}/members${query}`, jwt });
const setRole = (org: string, username: string, role: unknown, jwt?: string) =>
  t.inject({ method: 'PUT', url: `/v2/orgs/${org}/members/${username}`, jwt, body: { role } });
const remove = (org: string, username: string, jwt?: string) =>
  t.inject({ method: 'DELETE', url: `/v2/orgs/${org}/members/${username}`, jwt });

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  for (const name of ['bobby', 'carol', 'daisy']) await t.signUp(name);
  for (const name of ['alice', 'bobby', 'carol', 'daisy']) jwts[name] = await t.login(name, password);
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

describe('GET /v2/orgs/{org}/members', () => {
  let acme: Organization;
  beforeAll(async () => {
    acme = await setUpOrg(t, 'acme', { members: ['bobby', 'daisy'] });
    const devs = await createGroup(t.app.services, acme, { name: 'devs' }, operator, meta);
    await addGroupMember(t.app.services, acme, devs.name, 'bobby', operator, meta);
  });

  it('lists members by username with role, join time and groups; owners see addresses', async () => {
    const res = await members('ACME', jwts.alice, '?page_size=2');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      count: 3,
      next: 'http://tokenhub.test/v2/orgs/acme/members?page=2&page_size=2',
      previous: null,
      results: [
        {
          ...blank,
          id: expect.any(String),
          type: 'User',
          username: 'alice',
          email: 'alice@example.com',
          role: 'Owner',
          is_guest: false,
          date_joined: '2026-03-01T12:00:00.000Z',
          joined_at: '2026-03-01T12:00:00.000Z',
          groups: [],
        },
        {
          ...blank,
          id: expect.any(String),
          type: 'User',
          username: 'bobby',
          email: 'bobby@example.com',
          role: 'Member',
          is_guest: false,
          date_joined: '2026-03-01T12:00:00.000Z',
          joined_at: '2026-03-01T12:00:00.000Z',
          groups: ['devs'],
        },
      ],
    });
    const second = (await members('acme', jwts.alice, '?page=2&page_size=2')).json();
    expect(second.results.map((m: { username: string }) => m.username)).toEqual(['daisy']);
  });

  it('members (password or PAT session) read without addresses; outsiders and strangers do not', async () => {
    for (const jwt of [jwts.bobby, await patSession('bobby')]) {
      const res = await members('acme', jwt);
      expect(res.statusCode).toBe(200);
      expect(res.json().results).toHaveLength(3);
      expect(JSON.stringify(res.json())).not.toContain('@example.com');
    }
    const outsider = await members('acme', jwts.carol);
    expect(outsider.statusCode).toBe(403);
    expect(outsider.json()).toEqual({
      errinfo: { code: 'ORG_FORBIDDEN' },
      detail: 'you are not a member of acme',
      message: 'you are not a member of acme',
    });
    const missing = await members('nosuchorg', jwts.alice);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().errinfo).toEqual({ code: 'ORG_NOT_FOUND' });
    expect((await members('acme')).statusCode).toBe(401);
  });

  it('an OAT with scope-member-read reads without addresses; other scopes and other organizations do not', async () => {
    const reader = await oatSession(t, acme, ['scope-member-read']);
    const res = await members('acme', reader);
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).not.toContain('@example.com');
    const groupReader = await members('acme', await oatSession(t, acme, ['scope-group-read']));
    expect(groupReader.statusCode).toBe(403);
    expect(groupReader.json().message).toContain('scope-member-read');
    const rival = await createOrganization(t.app.services, await userRow(t, 'carol'), 'rival', meta);
    const foreign = await members('acme', await oatSession(t, rival, ['scope-member-edit']));
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().errinfo).toEqual({ code: 'ORG_FORBIDDEN' });
  });
});

describe("Docker Hub's member list filters", () => {
  it('finds members by a part of the username and by role, and keeps the filters in the links', async () => {
    const found = (await members('acme', jwts.alice, '?search=BB&page_size=1')).json();
    expect(found.results.map((m: { username: string }) => m.username)).toEqual(['bobby']);
    expect(found.count).toBe(1);
    const owners = (await members('acme', jwts.alice, '?role=owner')).json();
    expect(owners.results.map((m: { username: string }) => m.username)).toEqual(['alice']);
    expect((await members('acme', jwts.alice, '?role=editor')).json().count).toBe(0);
    const paged = (await members('acme', jwts.alice, '?role=member&page_size=1')).json();
    expect(paged.next).toBe('http://tokenhub.test/v2/orgs/acme/members?page=2&page_size=1&role=member');
    expect((await members('acme', jwts.alice, '?role=admin')).statusCode).toBe(400);
  });

  it('lists pending invitees with role Invitee when asked, after the members', async () => {
    await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/invites',
      jwt: jwts.alice,
      body: { invitee: 'carol' },
    });
    t.clock.advanceSeconds(1);
    await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/invites',
      jwt: jwts.alice,
      body: { invitee: 'x@corp.test' },
    });
    const invitees = (await members('acme', jwts.alice, '?type=invitee')).json();
    expect(invitees.count).toBe(2);
    expect(
      invitees.results.map((m: { role: string; username: string; email?: string }) => [
        m.role,
        m.username,
        m.email,
      ]),
    ).toEqual([
      ['Invitee', '', 'x@corp.test'],
      ['Invitee', 'carol', undefined],
    ]);
    const all = (await members('acme', jwts.alice, '?invites=true&page_size=2&page=2')).json();
    expect(all.count).toBe(5);
    expect(all.results.map((m: { username: string }) => m.username)).toEqual(['daisy', '']);
    const last = (await members('acme', jwts.alice, '?type=all&page_size=2&page=3')).json();
    expect(last.results.map((m: { username: string }) => m.username)).toEqual(['carol']);
    // A member sees no invitee's address either.
    expect(JSON.stringify((await members('acme', jwts.bobby, '?type=invitee')).json())).not.toContain(
      '@corp',
    );
  });
});

describe('PUT /v2/orgs/{org}/members/{username}', () => {
  let org: Organization;
  beforeAll(async () => {
    org = await setUpOrg(t, 'rolesorg');
  });

  it("accepts Docker Hub's editor role and refuses an unknown one", async () => {
    await setUpOrg(t, 'editorrole');
    const res = await setRole('editorrole', 'bobby', 'editor', jwts.alice);
    expect(res.statusCode).toBe(200);
    expect(res.json().role).toBe('Editor');
    expect((await setRole('editorrole', 'bobby', 'admin', jwts.alice)).statusCode).toBe(400);
  });

  it('changes a role, records it, and refuses to demote the last owner', async () => {
    const promoted = await setRole('rolesorg', 'Bobby', 'owner', jwts.alice);
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json()).toMatchObject({ username: 'bobby', role: 'Owner', email: 'bobby@example.com' });
    expect((await setRole('rolesorg', 'alice', 'member', jwts.bobby)).json().role).toBe('Member');
    const last = await setRole('rolesorg', 'bobby', 'member', jwts.bobby);
    expect(last.statusCode).toBe(409);
    expect(last.json()).toEqual({
      errinfo: { code: 'LAST_OWNER' },
      detail: 'an organization must keep at least one owner',
      message: 'an organization must keep at least one owner',
    });
    // Setting the role a member already has is a no-op.
    expect((await setRole('rolesorg', 'bobby', 'owner', jwts.bobby)).statusCode).toBe(200);
    expect((await auditOf(org)).filter((e) => e.action === 'org.member.role.change')).toEqual([
      expect.objectContaining({ name: 'bobby', actor_name: 'alice', data: '{"from":"member","to":"owner"}' }),
      expect.objectContaining({ name: 'alice', actor_name: 'bobby', data: '{"from":"owner","to":"member"}' }),
    ]);
    expect((await setRole('rolesorg', 'alice', 'owner', jwts.bobby)).statusCode).toBe(200);
  });

  it('answers 404 for non-members and unknown users, 400 for a bad role', async () => {
    const stranger = await setRole('rolesorg', 'carol', 'owner', jwts.alice);
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json()).toMatchObject({
      errinfo: { code: 'MEMBER_NOT_FOUND' },
      message: 'carol is not a member of rolesorg',
    });
    expect((await setRole('rolesorg', 'nobody99', 'owner', jwts.alice)).statusCode).toBe(404);
    const bad = await setRole('rolesorg', 'bobby', 'admin', jwts.alice);
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().fields)).toEqual(['role']);
    expect((await setRole('rolesorg', 'x'.repeat(65), 'owner', jwts.alice)).statusCode).toBe(400);
  });

  it('is for owners: members get 403, PAT sessions get the Hub refusal, OATs need scope-member-edit', async () => {
    const o = await setUpOrg(t, 'editorg', { members: ['bobby', 'daisy'] });
    const member = await setRole('editorg', 'daisy', 'owner', jwts.bobby);
    expect(member.statusCode).toBe(403);
    expect(member.json().errinfo).toEqual({ code: 'ORG_FORBIDDEN' });
    for (const who of ['bobby', 'alice']) {
      const pat = await setRole('editorg', 'daisy', 'owner', await patSession(who));
      expect(pat.statusCode).toBe(403);
      expect(pat.json().detail).toBe('token issued from personal access token is not allowed');
    }
    expect((await setRole('editorg', 'daisy', 'owner', jwts.carol)).statusCode).toBe(403);
    expect(
      (await setRole('editorg', 'daisy', 'owner', await oatSession(t, o, ['scope-member-read']))).statusCode,
    ).toBe(403);
    const bot = await oatSession(t, o, ['scope-member-edit'], 'ci-bot');
    // Never the owner role from a token (test/security/org-owner-role.security.test.ts).
    expect((await setRole('editorg', 'daisy', 'owner', bot)).statusCode).toBe(403);
    const editor = await setRole('editorg', 'daisy', 'member', bot);
    expect(editor.statusCode).toBe(200);
    expect(editor.json().email).toBeUndefined();
  });
});

describe('DELETE /v2/orgs/{org}/members/{username}', () => {
  it('removes a member from the organization and its groups, ending their registry rights', async () => {
    const o = await setUpOrg(t, 'removeorg');
    const ctx = t.app.services;
    await createGroup(ctx, o, { name: 'devs' }, operator, meta);
    await addGroupMember(ctx, o, 'devs', 'bobby', operator, meta);
    await setGroupRepositoryPermission(ctx, o, 'devs', 'api', 'write', operator, meta);
    const grant = async () => {
      const res = await t.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry&scope=repository:removeorg/api:pull,push',
        headers: { authorization: `Basic ${Buffer.from(`bobby:${password}`).toString('base64')}` },
      });
      return JSON.parse(Buffer.from(res.json().token.split('.')[1], 'base64url').toString()).access[0]
        .actions;
    };
    expect(await grant()).toEqual(['pull', 'push']);
    expect((await remove('removeorg', 'bobby', jwts.alice)).statusCode).toBe(204);
    expect(await grant()).toEqual([]);
    expect((await members('removeorg', jwts.alice)).json().count).toBe(1);
    const groupMembers = await t.inject({
      method: 'GET',
      url: '/v2/orgs/removeorg/groups/devs/members',
      jwt: jwts.alice,
    });
    expect(groupMembers.json().count).toBe(0);
    expect((await auditOf(o)).at(-1)).toMatchObject({
      action: 'org.member.remove',
      name: 'bobby',
      actor_name: 'alice',
    });
    expect((await remove('removeorg', 'bobby', jwts.alice)).statusCode).toBe(404);
  });

  it('lets a member leave with a password session, not with a PAT, and never the last owner', async () => {
    await setUpOrg(t, 'leaveorg', { members: ['bobby', 'daisy'] });
    const viaPat = await remove('leaveorg', 'bobby', await patSession('bobby'));
    expect(viaPat.statusCode).toBe(403);
    expect(viaPat.json().detail).toBe('token issued from personal access token is not allowed');
    expect((await remove('leaveorg', 'daisy', jwts.bobby)).statusCode).toBe(403);
    expect((await remove('leaveorg', 'bobby', jwts.bobby)).statusCode).toBe(204);
    expect((await remove('leaveorg', 'carol', jwts.carol)).statusCode).toBe(403);
    const lastLeaving = await remove('leaveorg', 'alice', jwts.alice);
    expect(lastLeaving.statusCode).toBe(409);
    expect(lastLeaving.json().errinfo).toEqual({ code: 'LAST_OWNER' });
    expect((await setRole('leaveorg', 'daisy', 'owner', jwts.alice)).statusCode).toBe(200);
    expect((await remove('leaveorg', 'alice', jwts.daisy)).statusCode).toBe(204);
    expect((await remove('leaveorg', 'daisy', jwts.daisy)).statusCode).toBe(409);
  });

  it('two owners demoting each other through the API never leave zero owners', async () => {
    await setUpOrg(t, 'raceorg', { members: ['bobby'] });
    await setRole('raceorg', 'bobby', 'owner', jwts.alice);
    const results = await Promise.all([
      setRole('raceorg', 'alice', 'member', jwts.bobby),
      setRole('raceorg', 'bobby', 'member', jwts.alice),
    ]);
    // The loser is refused either by the last-owner check (409) or, when the winner committed before
    // its authorization ran, as no longer an owner (403).
    const [winner, loser] = results.map((r) => r.statusCode).sort();
    expect(winner).toBe(200);
    expect([403, 409]).toContain(loser);
    const owners = (await members('raceorg', jwts.bobby))
      .json()
      .results.filter((m: { role: string }) => m.role === 'Owner');
    expect(owners).toHaveLength(1);
  });
});

describe('security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  beforeAll(async () => {
    await setUpOrg(t, 'suiteorg', { members: ['bobby'] });
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/orgs/suiteorg/members',
    allows: ['password', 'pat', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'PUT',
    url: '/v2/orgs/suiteorg/members/bobby',
    body: { role: 'member' },
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/orgs/suiteorg/members/bobby',
    allows: ['password', 'oat'],
  });
});

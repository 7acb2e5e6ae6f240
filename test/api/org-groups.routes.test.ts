import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../../src/core/organization-rules.ts';
import { createTestApp, type InjectOptions, type TestApp } from '../support/app-harness.ts';
import { oatSession, setUpOrg } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

const _operator = { id: null, name: 'operator' };

let t: TestApp;
let password: string;
const jwts: Record<string, string> = {};
let acme: Organization;

const call = (method: InjectOptions['method'], url: string, jwt?: string, body?: unknown) =>
  t.inject({ method, url, jwt, body });

async function groupAudit(org: Organization) {
  return t.database.db
    .selectFrom('audit_events')
    .select(['action', 'name', 'actor_name', 'data'])
    .where('account_id', '=', org.id)
    .where('action', 'like', 'org.team.%')
    .execute();
}

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  for (const name of ['bobby', 'carol', 'daisy']) await t.signUp(name);
  for (const name of ['alice', 'bobby', 'carol', 'daisy']) jwts[name] = await t.login(name, password);
  acme = await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby', 'daisy'] });
});
afterAll(async () => t.close());

describe('groups', () => {
  it('creates, lists (by name, with member counts) and deletes groups', async () => {
    const created = await call('POST', '/v2/orgs/acme/groups', jwts.alice, {
      name: 'Devs',
      description: 'the developers',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(Number),
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'devs',
      description: 'the developers',
      created_at: '2026-03-01T12:00:00.000Z',
      member_count: 0,
    });
    expect((await call('POST', '/v2/orgs/acme/groups', jwts.alice, { name: 'a.b_c-9' })).statusCode).toBe(
      201,
    );
    const duplicate = await call('POST', '/v2/orgs/acme/groups', jwts.alice, { name: 'devs' });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toEqual({
      errinfo: { code: 'GROUP_EXISTS' },
      detail: 'acme already has a group named devs',
      message: 'acme already has a group named devs',
    });
    const list = await call('GET', '/v2/orgs/acme/groups', jwts.bobby);
    expect(list.json()).toMatchObject({ count: 2, next: null, previous: null });
    expect(list.json().results.map((g: { name: string }) => g.name)).toEqual(['a.b_c-9', 'devs']);
    expect((await call('DELETE', '/v2/orgs/acme/groups/a.b_c-9', jwts.alice)).statusCode).toBe(204);
    const gone = await call('DELETE', '/v2/orgs/acme/groups/a.b_c-9', jwts.alice);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().errinfo).toEqual({ code: 'GROUP_NOT_FOUND' });
    expect((await groupAudit(acme)).map((e) => [e.action, e.name])).toEqual([
      ['org.team.create', 'devs'],
      ['org.team.create', 'a.b_c-9'],
      ['org.team.delete', 'a.b_c-9'],
    ]);
  });

  it.each([[''], ['-devs'], ['dev team'], ['x'.repeat(65)], ['dévs']])(
    'refuses the name %j with a 400',
    async (name) => {
      const res = await call('POST', '/v2/orgs/acme/groups', jwts.alice, { name });
      expect(res.statusCode).toBe(400);
      expect(res.json().fields).toHaveProperty('name');
    },
  );
});

describe('group members', () => {
  it('adds organization members, lists and removes them', async () => {
    await call('POST', '/v2/orgs/acme/groups', jwts.alice, { name: 'web' });
    // Docker Hub's body is {member}; tokenhub's earlier {username} still works.
    const added = await call('POST', '/v2/orgs/acme/groups/web/members', jwts.alice, { member: 'Bobby' });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toMatchObject({
      username: 'bobby',
      role: 'Member',
      type: 'User',
      email: 'bobby@example.com',
    });
    await call('POST', '/v2/orgs/acme/groups/web/members', jwts.alice, { username: 'alice' });
    const again = await call('POST', '/v2/orgs/acme/groups/web/members', jwts.alice, { member: 'bobby' });
    expect(again.statusCode).toBe(409);
    expect(again.json().errinfo).toEqual({ code: 'ALREADY_GROUP_MEMBER' });
    const list = await call('GET', '/v2/orgs/acme/groups/web/members', jwts.daisy);
    expect(list.json()).toMatchObject({ count: 2, next: null, previous: null });
    // A member sees no addresses; an owner does.
    expect(list.json().results).toEqual([
      expect.objectContaining({ username: 'alice', role: 'Owner', id: expect.any(String), full_name: '' }),
      expect.objectContaining({ username: 'bobby', role: 'Member' }),
    ]);
    expect(list.json().results[0].email).toBeUndefined();
    const asOwner = await call('GET', '/v2/orgs/acme/groups/web/members/', jwts.alice);
    expect(asOwner.json().results[0].email).toBe('alice@example.com');
    // hub-tool (by its user agent, without page parameters) decodes a plain array.
    const plain = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acme/groups/web/members/',
      jwt: jwts.daisy,
      headers: { 'user-agent': 'hub-tool/v0.4.6' },
    });
    expect(plain.json().map((m: { username: string }) => m.username)).toEqual(['alice', 'bobby']);
    const paged = await t.inject({
      method: 'GET',
      url: '/v2/orgs/acme/groups/web/members?page=1&page_size=1',
      jwt: jwts.daisy,
      headers: { 'user-agent': 'hub-tool/v0.4.6' },
    });
    expect(paged.json()).toMatchObject({ count: 2, next: expect.stringContaining('page=2') });
    const neither = await call('POST', '/v2/orgs/acme/groups/web/members', jwts.alice, {});
    expect(neither.statusCode).toBe(400);
    expect(neither.json().fields).toHaveProperty('member');
    expect((await call('DELETE', '/v2/orgs/acme/groups/web/members/bobby', jwts.alice)).statusCode).toBe(204);
    const notIn = await call('DELETE', '/v2/orgs/acme/groups/web/members/bobby', jwts.alice);
    expect(notIn.statusCode).toBe(404);
    expect(notIn.json().errinfo).toEqual({ code: 'GROUP_MEMBER_NOT_FOUND' });
    expect((await groupAudit(acme)).filter((e) => e.action.startsWith('org.team.member'))).toEqual([
      { action: 'org.team.member.add', name: 'bobby', actor_name: 'alice', data: '{"group":"web"}' },
      { action: 'org.team.member.add', name: 'alice', actor_name: 'alice', data: '{"group":"web"}' },
      { action: 'org.team.member.remove', name: 'bobby', actor_name: 'alice', data: '{"group":"web"}' },
    ]);
  });

  it('says clearly when the user is not in the organization, or does not exist', async () => {
    const outsider = await call('POST', '/v2/orgs/acme/groups/web/members', jwts.alice, {
      username: 'carol',
    });
    expect(outsider.statusCode).toBe(404);
    expect(outsider.json()).toMatchObject({
      errinfo: { code: 'MEMBER_NOT_FOUND' },
      message: 'carol is not a member of acme; invite them to the organization first',
    });
    const unknown = await call('POST', '/v2/orgs/acme/groups/web/members', jwts.alice, {
      username: 'nobody99',
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({
      errinfo: { code: 'USER_NOT_FOUND' },
      message: 'no user named nobody99',
    });
    const noGroup = await call('POST', '/v2/orgs/acme/groups/nope/members', jwts.alice, {
      username: 'bobby',
    });
    expect(noGroup.statusCode).toBe(404);
    expect(noGroup.json().errinfo).toEqual({ code: 'GROUP_NOT_FOUND' });
    expect((await call('POST', '/v2/orgs/acme/groups/web/members', jwts.alice, {})).statusCode).toBe(400);
  });
});

describe('group repository permissions', () => {
  it('sets, replaces, lists and removes a permission; the registry grant follows', async () => {
    await call('POST', '/v2/orgs/acme/groups', jwts.alice, { name: 'pushers' });
    await call('POST', '/v2/orgs/acme/groups/pushers/members', jwts.alice, { username: 'daisy' });
    const url = '/v2/orgs/acme/groups/pushers/repositories';
    const grant = async () => {
      const res = await t.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry&scope=repository:acme/api:pull,push,delete',
        headers: { authorization: `Basic ${Buffer.from(`daisy:${password}`).toString('base64')}` },
      });
      return JSON.parse(Buffer.from(res.json().token.split('.')[1], 'base64url').toString()).access[0]
        .actions;
    };
    expect(await grant()).toEqual([]);
    const set = await call('PUT', `${url}/api`, jwts.alice, { permission: 'read' });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ repository: 'api', permission: 'read' });
    expect(await grant()).toEqual(['pull']);
    expect((await call('PUT', `${url}/api`, jwts.alice, { permission: 'write' })).json().permission).toBe(
      'write',
    );
    expect(await grant()).toEqual(['pull', 'push']);
    expect((await call('PUT', `${url}/team%2Fweb`, jwts.alice, { permission: 'admin' })).statusCode).toBe(
      200,
    );
    const list = await call('GET', url, jwts.bobby);
    expect(list.json()).toEqual({
      count: 2,
      next: null,
      previous: null,
      results: [
        { repository: 'api', permission: 'write' },
        { repository: 'team/web', permission: 'admin' },
      ],
    });
    expect((await call('DELETE', `${url}/api`, jwts.alice)).statusCode).toBe(204);
    expect(await grant()).toEqual([]);
    const none = await call('DELETE', `${url}/api`, jwts.alice);
    expect(none.statusCode).toBe(404);
    expect(none.json().errinfo).toEqual({ code: 'GROUP_REPOSITORY_NOT_FOUND' });
    const permissions = (await groupAudit(acme)).filter((e) => e.action === 'org.team.repository.permission');
    expect(permissions.map((e) => [e.name, JSON.parse(e.data).permission])).toEqual([
      ['acme/api', 'read'],
      ['acme/api', 'write'],
      ['acme/team/web', 'admin'],
      ['acme/api', null],
    ]);
  });

  it('refuses bad repository names and permissions with 400, unknown groups with 404', async () => {
    const url = '/v2/orgs/acme/groups/pushers/repositories';
    for (const repo of ['API', 'a..b', '-x', 'a%2F%2Fb']) {
      const res = await call('PUT', `${url}/${repo}`, jwts.alice, { permission: 'read' });
      expect(res.statusCode).toBe(400);
      expect(res.json().fields).toHaveProperty('repo');
    }
    expect((await call('PUT', `${url}/api`, jwts.alice, { permission: 'owner' })).statusCode).toBe(400);
    // `acme/` + 250 characters is the longest repository name (255); one more is a 400.
    const longest = await call('PUT', `${url}/${'a'.repeat(250)}`, jwts.alice, { permission: 'read' });
    expect(longest.statusCode).toBe(200);
    const tooLong = await call('PUT', `${url}/${'a'.repeat(251)}`, jwts.alice, { permission: 'read' });
    expect(tooLong.statusCode).toBe(400);
    const noGroup = await call('PUT', '/v2/orgs/acme/groups/nope/repositories/api', jwts.alice, {
      permission: 'read',
    });
    expect(noGroup.statusCode).toBe(404);
    expect((await call('GET', '/v2/orgs/acme/groups/nope/repositories', jwts.alice)).statusCode).toBe(404);
  });
});

describe("one group, Docker Hub's way", () => {
  it('reads, renames (PUT) and describes (PATCH) a group, keeping its number', async () => {
    const created = (await call('POST', '/v2/orgs/acme/groups/', jwts.alice, { name: 'qa' })).json();
    const read = await call('GET', '/v2/orgs/acme/groups/qa/', jwts.bobby);
    expect(read.json()).toEqual({ ...created, member_count: 0 });
    const put = await call('PUT', '/v2/orgs/acme/groups/qa/', jwts.alice, {
      name: 'Testers',
      description: 'QA',
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      id: created.id,
      uuid: created.uuid,
      name: 'testers',
      description: 'QA',
    });
    const patch = await call('PATCH', '/v2/orgs/acme/groups/testers', jwts.alice, { description: 'quality' });
    expect(patch.json()).toMatchObject({ id: created.id, name: 'testers', description: 'quality' });
    expect((await call('GET', '/v2/orgs/acme/groups/qa', jwts.alice)).statusCode).toBe(404);
    const taken = await call('PATCH', '/v2/orgs/acme/groups/testers', jwts.alice, { name: 'devs' });
    expect(taken.statusCode).toBe(409);
    expect(
      (await call('PUT', '/v2/orgs/acme/groups/testers', jwts.alice, { description: 'x' })).statusCode,
    ).toBe(400);
    expect((await groupAudit(acme)).filter((e) => e.action === 'org.team.update').map((e) => e.name)).toEqual(
      ['testers', 'testers'],
    );
  });

  it('filters the list by a name part and by a member', async () => {
    const search = (await call('GET', '/v2/orgs/acme/groups?search=TEST', jwts.alice)).json();
    expect(search.results.map((g: { name: string }) => g.name)).toEqual(['testers']);
    const ofDaisy = (await call('GET', '/v2/orgs/acme/groups?username=daisy', jwts.alice)).json();
    expect(ofDaisy.results.map((g: { name: string }) => g.name)).toEqual(['pushers']);
    expect((await call('GET', '/v2/orgs/acme/groups?username=nobody9', jwts.alice)).json().count).toBe(0);
  });

  it('sets, reads, changes and removes permissions through /v2/repositories/{ns}/{repo}/groups', async () => {
    const group = (await call('GET', '/v2/orgs/acme/groups/testers', jwts.alice)).json();
    const url = '/v2/repositories/acme/site/groups';
    const created = await call('POST', `${url}/`, jwts.alice, {
      group_id: group.id,
      group_name: '',
      permission: 'read',
    });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({ group_name: 'testers', permission: 'read', group_id: group.id });
    const read = await call('GET', `${url}/${group.id}/`, jwts.bobby);
    expect(read.json()).toEqual({ group_name: 'testers', permission: 'read', group_id: group.id });
    const patched = await call('PATCH', `${url}/${group.id}/`, jwts.alice, {
      group_id: 0,
      group_name: '',
      permission: 'admin',
    });
    expect(patched.json()).toMatchObject({ permission: 'admin' });
    const viaGroup = (await call('GET', '/v2/orgs/acme/groups/testers/repositories', jwts.alice)).json();
    expect(viaGroup.results).toEqual([{ repository: 'site', permission: 'admin' }]);
    expect((await call('DELETE', `${url}/${group.id}/`, jwts.alice)).statusCode).toBe(204);
    expect((await call('GET', `${url}/${group.id}`, jwts.alice)).statusCode).toBe(404);
    expect((await call('PATCH', `${url}/${group.id}`, jwts.alice, { permission: 'read' })).statusCode).toBe(
      404,
    );
    expect((await call('POST', url, jwts.alice, { group_id: 999999, permission: 'read' })).statusCode).toBe(
      404,
    );
    expect(
      (
        await call('POST', '/v2/repositories/alice/app/groups', jwts.alice, {
          group_id: group.id,
          permission: 'read',
        })
      ).statusCode,
    ).toBe(404);
    expect((await call('POST', url, jwts.bobby, { group_id: group.id, permission: 'read' })).statusCode).toBe(
      403,
    );
  });
});

describe('authorization', () => {
  it('members and PAT sessions read only; outsiders and other organizations are refused', async () => {
    const patOf = async (who: string) =>
      t.login(who, (await t.createPat(jwts[who] ?? '', { scopes: ['repo:admin'] })).token);
    const bobbyPat = await patOf('bobby');
    for (const jwt of [jwts.bobby, bobbyPat]) {
      expect((await call('GET', '/v2/orgs/acme/groups', jwt)).statusCode).toBe(200);
      expect((await call('GET', '/v2/orgs/acme/groups/web/members', jwt)).statusCode).toBe(200);
      expect((await call('GET', '/v2/orgs/acme/groups/pushers/repositories', jwt)).statusCode).toBe(200);
    }
    const memberEdit = await call('POST', '/v2/orgs/acme/groups', jwts.bobby, { name: 'mine' });
    expect(memberEdit.statusCode).toBe(403);
    expect(memberEdit.json().errinfo).toEqual({ code: 'ORG_FORBIDDEN' });
    for (const jwt of [bobbyPat, await patOf('alice')]) {
      const res = await call('PUT', '/v2/orgs/acme/groups/web/repositories/api', jwt, {
        permission: 'admin',
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toBe('token issued from personal access token is not allowed');
    }
    expect((await call('GET', '/v2/orgs/acme/groups', jwts.carol)).statusCode).toBe(403);
    expect((await call('GET', '/v2/orgs/nosuchorg/groups', jwts.alice)).statusCode).toBe(404);
  });

  it('an OAT needs scope-group-read to read and scope-group-edit to change, in its own organization', async () => {
    const reader = await oatSession(t, acme, ['scope-group-read']);
    expect((await call('GET', '/v2/orgs/acme/groups', reader)).statusCode).toBe(200);
    const readOnly = await call('POST', '/v2/orgs/acme/groups', reader, { name: 'bots' });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json().message).toContain('scope-group-edit');
    expect(
      (await call('GET', '/v2/orgs/acme/groups', await oatSession(t, acme, ['scope-member-edit'])))
        .statusCode,
    ).toBe(403);
    const editor = await oatSession(t, acme, ['scope-group-edit'], 'group-bot');
    expect((await call('POST', '/v2/orgs/acme/groups', editor, { name: 'bots' })).statusCode).toBe(201);
    expect((await call('GET', '/v2/orgs/acme/groups/bots/members', editor)).statusCode).toBe(200);
    expect((await groupAudit(acme)).at(-1)).toMatchObject({
      action: 'org.team.create',
      actor_name: 'group-bot',
    });
    const rival = await setUpOrg(t, 'rival', { owner: 'carol', members: [] });
    const foreign = await oatSession(t, rival, ['scope-group-edit']);
    expect((await call('GET', '/v2/orgs/acme/groups', foreign)).statusCode).toBe(403);
    expect((await call('DELETE', '/v2/orgs/acme/groups/bots', foreign)).statusCode).toBe(403);
  });
});

describe('security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/orgs/acme/groups',
    body: { name: 'suite' },
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'PUT',
    url: '/v2/orgs/acme/groups/devs/repositories/api',
    body: { permission: 'read' },
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/orgs/acme/groups/devs/members/bobby',
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/orgs/acme/groups',
    allows: ['password', 'pat', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/orgs/acme/groups/devs/members',
    allows: ['password', 'pat', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/orgs/acme/groups/devs/members',
    body: { username: 'daisy' },
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/orgs/acme/groups/devs/repositories',
    allows: ['password', 'pat', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/orgs/acme/groups/devs/repositories/api',
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/orgs/acme/groups/suite',
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/orgs/acme/groups/devs',
    allows: ['password', 'pat', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'PATCH',
    url: '/v2/orgs/acme/groups/devs',
    body: { description: 'suite' },
    allows: ['password', 'oat'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/repositories/acme/api/groups',
    body: { group_id: 1, permission: 'read' },
    allows: ['password', 'oat'],
    org: 'acme',
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/repositories/acme/api/groups/1',
    allows: ['password', 'pat', 'oat'],
    org: 'acme',
  });
});

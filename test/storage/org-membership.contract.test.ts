/**
 * The membership storage contract (members, groups, repository permissions, invites) and the
 * last-owner race, on SQLite and on PostgreSQL (when TOKENHUB_TEST_PG_URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/core/account-rules.ts';
import { AppError } from '../../src/core/errors.ts';
import type { Organization, OrgGroup } from '../../src/core/organization-rules.ts';
import { changeMemberRole, removeMember } from '../../src/services/orgs/org-member.service.ts';
import { createOrganization } from '../../src/services/orgs/organization.service.ts';
import {
  insertRepositoryIfAbsent,
  listNamespaceRepositories,
} from '../../src/storage/image-repository.repository.ts';
import {
  deleteGroupMember,
  deleteGroupRepository,
  deleteOrgGroup,
  findOrgGroup,
  findOrgGroupByNumber,
  insertGroupMember,
  insertOrgGroup,
  listGroupMembers,
  listGroupRepositories,
  listOrgGroups,
  updateOrgGroup,
  upsertGroupRepository,
} from '../../src/storage/org-group.repository.ts';
import {
  findInviteForUser,
  insertOrgInvite,
  listInvitesAddressedTo,
  listOrgInvites,
} from '../../src/storage/org-invite.repository.ts';
import {
  countOrgOwners,
  deleteOrgMember,
  findRepositoryMembership,
  insertOrgMember,
  listGroupNamesOfMembers,
  listOrgMembers,
  setOrgMemberRole,
} from '../../src/storage/org-member.repository.ts';
import { findOrganizationByName, insertOrganization } from '../../src/storage/organization.repository.ts';
import { findUserByUsername, findUserIdsByEmail, insertUser } from '../../src/storage/user.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';

const at = '2026-01-01T00:00:00.000Z';
const page = { limit: 10, offset: 0 };

function user(username: string, email = `${username}@example.com`): User {
  return {
    id: crypto.randomUUID(),
    username,
    email,
    passwordHash: '$argon2id$...',
    isAdmin: false,
    createdAt: at,
    updatedAt: at,
    sessionsValidAfter: null,
  };
}

function org(name: string): Organization {
  return { id: crypto.randomUUID(), name, tier: 'free', createdAt: at, updatedAt: at, createdBy: null };
}

function group(orgId: string, name: string): Omit<OrgGroup, 'number'> {
  return { id: crypto.randomUUID(), orgId, name, description: '', createdAt: at };
}

describe.each(testDialects('org membership contract'))('org membership storage on %s', (dialect) => {
  let database: TestDatabase;
  const users = { ann: user('annie'), ben: user('benny'), cat: user('catty', 'Cat@Example.COM') };
  const acme = org('acme');
  const other = org('other');

  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    const { db } = database;
    for (const row of Object.values(users)) await insertUser(db, row);
    for (const row of [acme, other]) await insertOrganization(db, row);
    await insertOrgMember(db, { orgId: acme.id, userId: users.ben.id, role: 'member', createdAt: at });
    await insertOrgMember(db, { orgId: acme.id, userId: users.ann.id, role: 'owner', createdAt: at });
    await insertOrgMember(db, { orgId: other.id, userId: users.ben.id, role: 'owner', createdAt: at });
  });
  afterAll(async () => database.close());

  it('members: listed by username with a total; owners counted; roles changed', async () => {
    const { db } = database;
    const { members, total } = await listOrgMembers(db, acme.id, {}, page);
    expect(total).toBe(2);
    expect(members.map((r) => [r.username, r.role])).toEqual([
      ['annie', 'owner'],
      ['benny', 'member'],
    ]);
    expect(
      (await listOrgMembers(db, acme.id, {}, { limit: 1, offset: 1 })).members.map((r) => r.username),
    ).toEqual(['benny']);
    const searched = await listOrgMembers(db, acme.id, { search: 'NN' }, page);
    expect([searched.total, searched.members.map((r) => r.username)]).toEqual([2, ['annie', 'benny']]);
    const owners = await listOrgMembers(db, acme.id, { role: 'owner', search: 'ann' }, page);
    expect([owners.total, owners.members.map((r) => r.username)]).toEqual([1, ['annie']]);
    expect((await listOrgMembers(db, acme.id, { search: '_' }, page)).total).toBe(0);
    expect(await countOrgOwners(db, acme.id)).toBe(1);
    await setOrgMemberRole(db, acme.id, users.ben.id, 'owner');
    expect(await countOrgOwners(db, acme.id)).toBe(2);
    await setOrgMemberRole(db, acme.id, users.ben.id, 'member');
  });

  it('groups: unique per organization, listed with member counts, deleted with their rows', async () => {
    const { db } = database;
    const devs = group(acme.id, 'devs');
    expect(await insertOrgGroup(db, devs)).toMatchObject({ id: devs.id, number: 1 });
    expect(await insertOrgGroup(db, group(acme.id, 'devs'))).toBeUndefined();
    expect(await insertOrgGroup(db, group(other.id, 'devs'))).toMatchObject({ number: 2 });
    const ops = group(acme.id, 'ops');
    await insertOrgGroup(db, ops);
    expect(await findOrgGroupByNumber(db, acme.id, 3)).toMatchObject({ id: ops.id, name: 'ops' });
    expect(await findOrgGroupByNumber(db, other.id, 3)).toBeUndefined();
    expect(await insertGroupMember(db, devs.id, users.ben.id)).toBe(true);
    expect(await insertGroupMember(db, devs.id, users.ben.id)).toBe(false);
    await insertGroupMember(db, devs.id, users.ann.id);
    const listed = await listOrgGroups(db, acme.id, {}, page);
    expect(listed.total).toBe(2);
    expect(listed.groups.map((r) => [r.name, r.memberCount, r.number])).toEqual([
      ['devs', 2, 1],
      ['ops', 0, 3],
    ]);
    const searched = await listOrgGroups(db, acme.id, { search: 'P' }, page);
    expect([searched.total, searched.groups.map((r) => r.name)]).toEqual([1, ['ops']]);
    expect((await listOrgGroups(db, acme.id, { search: '%' }, page)).total).toBe(0);
    const annsGroups = await listOrgGroups(db, acme.id, { userId: users.ann.id }, page);
    expect(annsGroups.groups.map((r) => [r.name, r.memberCount])).toEqual([['devs', 2]]);
    const members = await listGroupMembers(db, acme.id, devs.id, page);
    expect(members.total).toBe(2);
    expect(members.members.map((m) => [m.username, m.role, m.userId])).toEqual([
      ['annie', 'owner', users.ann.id],
      ['benny', 'member', users.ben.id],
    ]);
    expect(await updateOrgGroup(db, ops.id, { name: 'devs' })).toBe(false);
    expect(await updateOrgGroup(db, ops.id, { name: 'operations', description: 'on call' })).toBe(true);
    expect(await findOrgGroup(db, acme.id, 'operations')).toMatchObject({
      number: 3,
      description: 'on call',
    });
    expect(await deleteGroupMember(db, devs.id, users.ann.id)).toBe(true);
    expect(await deleteGroupMember(db, devs.id, users.ann.id)).toBe(false);

    await upsertGroupRepository(db, ops.id, { repository: 'api', permission: 'read' });
    await insertGroupMember(db, ops.id, users.ben.id);
    await deleteOrgGroup(db, ops.id);
    expect(await findOrgGroup(db, acme.id, 'ops')).toBeUndefined();
    expect(await listGroupRepositories(db, ops.id, page)).toEqual({ permissions: [], total: 0 });
  });

  it('group numbers stay unique when groups are created at once in many organizations', async () => {
    const { db } = database;
    const orgs = Array.from({ length: 12 }, (_, i) => org(`race${i}`));
    for (const o of orgs) await insertOrganization(db, o);
    const created = await Promise.all(orgs.map((o) => insertOrgGroup(db, group(o.id, 'team'))));
    const numbers = created.map((g) => g?.number);
    expect(new Set(numbers).size).toBe(orgs.length);
    expect(numbers.every((n) => Number.isInteger(n))).toBe(true);
  });

  it('repository permissions: set, replaced (previous returned), read by the grant, removed', async () => {
    const { db } = database;
    const devs = await findOrgGroup(db, acme.id, 'devs');
    if (!devs) throw new Error('no group');
    expect(await upsertGroupRepository(db, devs.id, { repository: 'api', permission: 'read' })).toBe(
      undefined,
    );
    expect(await upsertGroupRepository(db, devs.id, { repository: 'api', permission: 'write' })).toBe('read');
    await upsertGroupRepository(db, devs.id, { repository: 'team/web', permission: 'admin' });
    expect((await listGroupRepositories(db, devs.id, page)).permissions).toEqual([
      { repository: 'api', permission: 'write' },
      { repository: 'team/web', permission: 'admin' },
    ]);
    expect(await findRepositoryMembership(db, 'acme', users.ben.id, 'api')).toEqual({
      role: 'member',
      groupPermissions: ['write'],
    });
    // A user's namespace is no organization: no membership to read.
    expect(await findRepositoryMembership(db, 'annie', users.ben.id, 'api')).toBeUndefined();
    expect(await deleteGroupRepository(db, devs.id, 'team/web')).toBe('admin');
    expect(await deleteGroupRepository(db, devs.id, 'team/web')).toBeUndefined();
  });

  it('lists an organization’s public repositories plus the private ones a member’s groups grant', async () => {
    const { db } = database;
    const repository = (namespace: string, name: string, isPrivate: boolean) => ({
      id: crypto.randomUUID(),
      namespace,
      name,
      isPrivate,
      description: '',
      createdAt: at,
      updatedAt: at,
      createdBy: null,
    });
    for (const [name, isPrivate] of [
      ['api', true],
      ['secret', true],
      ['docs', false],
      ['team/web', true],
    ] as const) {
      await insertRepositoryIfAbsent(db, repository('acme', name, isPrivate));
    }
    // `team/web` lost its grant above; a grant in another organization never opens a repository of
    // the same name in this one.
    await insertRepositoryIfAbsent(db, repository('other', 'secret', true));
    const crew = group(other.id, 'grantors');
    await insertOrgGroup(db, crew);
    await insertGroupMember(db, crew.id, users.ben.id);
    await upsertGroupRepository(db, crew.id, { repository: 'secret', permission: 'read' });

    const view = (userId: string, limit = 10, offset = 0) =>
      listNamespaceRepositories(db, 'acme', {
        publicOnly: true,
        privateGrantedTo: { orgId: acme.id, userId },
        limit,
        offset,
      });
    const names = (rows: { name: string }[]) => rows.map((row) => row.name);
    const ben = await view(users.ben.id);
    expect({ names: names(ben.repositories), total: ben.total }).toEqual({
      names: ['api', 'docs'],
      total: 2,
    });
    const second = await view(users.ben.id, 1, 1);
    expect({ names: names(second.repositories), total: second.total }).toEqual({ names: ['docs'], total: 2 });
    const ann = await view(users.ann.id);
    expect({ names: names(ann.repositories), total: ann.total }).toEqual({ names: ['docs'], total: 1 });
    await deleteOrgGroup(db, crew.id);
  });

  it('removing a member takes them out of that organization’s groups only', async () => {
    const { db } = database;
    const otherGroup = group(other.id, 'crew');
    await insertOrgGroup(db, otherGroup);
    await insertGroupMember(db, otherGroup.id, users.ben.id);
    expect((await listGroupNamesOfMembers(db, acme.id, [users.ben.id])).get(users.ben.id)).toEqual(['devs']);
    await deleteOrgMember(db, acme.id, users.ben.id);
    expect(await findRepositoryMembership(db, 'acme', users.ben.id, 'api')).toEqual({
      role: undefined,
      groupPermissions: [],
    });
    const devs = await findOrgGroup(db, acme.id, 'devs');
    expect((await listGroupMembers(db, acme.id, devs?.id ?? '', page)).total).toBe(0);
    expect((await listGroupNamesOfMembers(db, other.id, [users.ben.id])).get(users.ben.id)).toEqual(['crew']);
  });

  it('invites: one per invitee text, found by user id or lowercased email', async () => {
    const { db } = database;
    const invite = (invitee: string, userId: string | null) => ({
      id: crypto.randomUUID(),
      orgId: acme.id,
      invitee,
      inviteeUserId: userId,
      role: 'member' as const,
      invitedBy: users.ann.id,
      createdAt: at,
    });
    expect(await findUserIdsByEmail(db, 'cat@example.com')).toEqual([users.cat.id]);
    expect(await insertOrgInvite(db, invite('benny', users.ben.id))).toBe(true);
    expect(await insertOrgInvite(db, invite('benny', users.ben.id))).toBe(false);
    expect(await insertOrgInvite(db, invite('cat@example.com', null))).toBe(true);
    expect((await findInviteForUser(db, acme.id, users.ben.id))?.invitee).toBe('benny');
    const listed = await listOrgInvites(db, acme.id, page);
    expect(listed.total).toBe(2);
    expect(listed.invites[0]).toMatchObject({ orgName: 'acme', invitedByName: 'annie' });
    const cats = await listInvitesAddressedTo(db, users.cat.id, 'cat@example.com');
    expect(cats.map((r) => r.invitee)).toEqual(['cat@example.com']);
  });
});

describe.each(testDialects('org last-owner race'))('last owner under concurrency on %s', (dialect) => {
  let t: TestApp;
  const meta = { ip: '127.0.0.1', userAgent: 'race' };

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.signUp('owner1');
    await t.signUp('owner2');
  });
  afterAll(async () => t.close());

  async function twoOwnerOrg(name: string) {
    const ctx = t.app.services;
    const [a, b] = await Promise.all([
      findUserByUsername(ctx.db, 'owner1'),
      findUserByUsername(ctx.db, 'owner2'),
    ]);
    if (!a || !b) throw new Error('setup failed');
    const created = await createOrganization(ctx, a, name, meta);
    await insertOrgMember(ctx.db, { orgId: created.id, userId: b.id, role: 'owner', createdAt: at });
    return { org: created, a: { id: a.id, name: a.username }, b: { id: b.id, name: b.username } };
  }

  const outcome = (result: PromiseSettledResult<unknown>) =>
    result.status === 'fulfilled'
      ? 'ok'
      : result.reason instanceof AppError
        ? result.reason.code
        : String(result.reason);

  it('two owners demoting each other at once never leave zero owners', async () => {
    const ctx = t.app.services;
    for (let round = 0; round < 15; round++) {
      const { org: o, a, b } = await twoOwnerOrg(`demote${round}`);
      const results = await Promise.allSettled([
        changeMemberRole(ctx, o, 'owner2', 'member', a, meta),
        changeMemberRole(ctx, o, 'owner1', 'member', b, meta),
      ]);
      expect(results.map(outcome).sort()).toEqual(['LAST_OWNER', 'ok']);
      expect(await countOrgOwners(ctx.db, o.id)).toBe(1);
    }
  });

  it('two owners removing each other (or leaving) at once never leave zero owners', async () => {
    const ctx = t.app.services;
    for (let round = 0; round < 15; round++) {
      const { org: o, a, b } = await twoOwnerOrg(`remove${round}`);
      const results = await Promise.allSettled([
        removeMember(ctx, o, 'owner2', a, meta),
        removeMember(ctx, o, 'owner2', b, meta, { leaving: true }),
        removeMember(ctx, o, 'owner1', b, meta),
      ]);
      for (const result of results.map(outcome))
        expect(['ok', 'LAST_OWNER', 'MEMBER_NOT_FOUND']).toContain(result);
      expect(await countOrgOwners(ctx.db, o.id)).toBe(1);
      expect((await findOrganizationByName(ctx.db, o.name))?.id).toBe(o.id);
    }
  });
});

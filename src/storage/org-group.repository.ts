/**
 * Groups of organizations (Docker Hub's teams) with their members and repository permissions.
 * Task-shaped, the db or a transaction first. Writes that must not race run in a transaction that
 * has called `lockOrganization` first; the services do that, these functions do not lock.
 */
import type { GroupPermission, OrgGroup, OrgRole } from '../core/organization-rules.ts';
import type { Db, PageWindow } from './database.ts';
import type { OrgGroupsTable } from './schema.ts';

/** A group's permission on one repository of its organization (`repository`: the name below it). */
export interface GroupRepositoryPermission {
  repository: string;
  permission: GroupPermission;
}

function groupFromRow(row: OrgGroupsTable): OrgGroup {
  return { id: row.id, orgId: row.org_id, name: row.name, createdAt: row.created_at };
}

const countOf = (value: string | number | bigint | undefined) => Number(value ?? 0);

/** Inserts a group; false when the organization already has a group of that name. */
export async function insertOrgGroup(db: Db, group: OrgGroup): Promise<boolean> {
  const result = await db
    .insertInto('org_groups')
    .values({ id: group.id, org_id: group.orgId, name: group.name, created_at: group.createdAt })
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findOrgGroup(db: Db, orgId: string, name: string): Promise<OrgGroup | undefined> {
  const row = await db
    .selectFrom('org_groups')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row && groupFromRow(row);
}

/** One page of groups ordered by name, each with its member count. */
export async function listOrgGroups(
  db: Db,
  orgId: string,
  page: PageWindow,
): Promise<{ groups: Array<OrgGroup & { memberCount: number }>; total: number }> {
  const rows = await db
    .selectFrom('org_groups as g')
    .leftJoin('org_group_members as gm', 'gm.group_id', 'g.id')
    .select(['g.id', 'g.org_id', 'g.name', 'g.created_at'])
    .select((eb) => eb.fn.count<string | number>('gm.user_id').as('member_count'))
    .where('g.org_id', '=', orgId)
    .groupBy(['g.id', 'g.org_id', 'g.name', 'g.created_at'])
    .orderBy('g.name')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('org_groups')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return {
    groups: rows.map((row) => ({ ...groupFromRow(row), memberCount: countOf(row.member_count) })),
    total: countOf(total),
  };
}

/** Deletes a group with its members and repository permissions. */
export async function deleteOrgGroup(db: Db, groupId: string): Promise<void> {
  await db.deleteFrom('org_group_members').where('group_id', '=', groupId).execute();
  await db.deleteFrom('org_group_repositories').where('group_id', '=', groupId).execute();
  await db.deleteFrom('org_groups').where('id', '=', groupId).execute();
}

/** Adds a user to a group; false when they are already in it. */
export async function insertGroupMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const result = await db
    .insertInto('org_group_members')
    .values({ group_id: groupId, user_id: userId })
    .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** False when the user was not in the group. */
export async function deleteGroupMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('org_group_members')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** One page of a group's members ordered by username, with their organization role. */
export async function listGroupMembers(
  db: Db,
  orgId: string,
  groupId: string,
  page: PageWindow,
): Promise<{ members: Array<{ username: string; role: OrgRole }>; total: number }> {
  const rows = await db
    .selectFrom('org_group_members as gm')
    .innerJoin('users as u', 'u.id', 'gm.user_id')
    .innerJoin('org_members as m', (join) =>
      join.onRef('m.user_id', '=', 'gm.user_id').on('m.org_id', '=', orgId),
    )
    .select(['u.username', 'm.role'])
    .where('gm.group_id', '=', groupId)
    .orderBy('u.username')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('org_group_members')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return { members: rows, total: countOf(total) };
}

/** Sets (inserts or replaces) a group's permission on a repository; returns the previous one. */
export async function upsertGroupRepository(
  db: Db,
  groupId: string,
  grant: GroupRepositoryPermission,
): Promise<GroupPermission | undefined> {
  const previous = await db
    .selectFrom('org_group_repositories')
    .select('permission')
    .where('group_id', '=', groupId)
    .where('repository', '=', grant.repository)
    .executeTakeFirst();
  await db
    .insertInto('org_group_repositories')
    .values({ group_id: groupId, repository: grant.repository, permission: grant.permission })
    .onConflict((oc) => oc.columns(['group_id', 'repository']).doUpdateSet({ permission: grant.permission }))
    .execute();
  return previous?.permission;
}

export async function listGroupRepositories(
  db: Db,
  groupId: string,
  page: PageWindow,
): Promise<{ permissions: GroupRepositoryPermission[]; total: number }> {
  const rows = await db
    .selectFrom('org_group_repositories')
    .select(['repository', 'permission'])
    .where('group_id', '=', groupId)
    .orderBy('repository')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('org_group_repositories')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return { permissions: rows, total: countOf(total) };
}

/** Removes a group's permission on a repository; returns what it was, undefined when there was none. */
export async function deleteGroupRepository(
  db: Db,
  groupId: string,
  repository: string,
): Promise<GroupPermission | undefined> {
  const row = await db
    .deleteFrom('org_group_repositories')
    .where('group_id', '=', groupId)
    .where('repository', '=', repository)
    .returning('permission')
    .executeTakeFirst();
  return row?.permission;
}

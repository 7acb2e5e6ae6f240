/**
 * Membership management of organizations: member lists and roles, groups with their members and
 * repository permissions (invites are in org-invite.repository.ts). Task-shaped, the db or a
 * transaction first. Writes that must not race (last owner, the groups of a leaving member) run in
 * a transaction that has called `lockOrganization` first; the services do that, these functions
 * do not lock.
 */
import type { Db } from './database.ts';
import type { OrgGroupRepositoriesTable, OrgGroupsTable, OrgMembersTable } from './schema.ts';

export type OrgGroupRow = OrgGroupsTable;
export type OrgGroupRepositoryRow = OrgGroupRepositoriesTable;
export type OrgRoleName = OrgMembersTable['role'];

export interface PageWindow {
  limit: number;
  offset: number;
}

/** A member as the member list shows it. */
export interface MemberListing {
  user_id: string;
  username: string;
  email: string;
  role: OrgRoleName;
  created_at: string;
}

const countOf = (value: string | number | bigint | undefined) => Number(value ?? 0);

/** One page of members ordered by username, and the member count. */
export async function listOrgMembers(
  db: Db,
  orgId: string,
  page: PageWindow,
): Promise<{ rows: MemberListing[]; total: number }> {
  const rows = await db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.username', 'u.email', 'm.role', 'm.created_at'])
    .where('m.org_id', '=', orgId)
    .orderBy('u.username')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('org_members')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { rows, total: countOf(total) };
}

/** The names of the organization's groups each of `userIds` is in, sorted. */
export async function listGroupNamesOfMembers(
  db: Db,
  orgId: string,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return names;
  const rows = await db
    .selectFrom('org_group_members as gm')
    .innerJoin('org_groups as g', 'g.id', 'gm.group_id')
    .select(['gm.user_id', 'g.name'])
    .where('g.org_id', '=', orgId)
    .where('gm.user_id', 'in', userIds)
    .orderBy('g.name')
    .execute();
  for (const row of rows) names.get(row.user_id)?.push(row.name);
  return names;
}

export async function countOrgOwners(db: Db, orgId: string): Promise<number> {
  const { total } = await db
    .selectFrom('org_members')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return countOf(total);
}

export async function setOrgMemberRole(
  db: Db,
  orgId: string,
  userId: string,
  role: OrgRoleName,
): Promise<void> {
  await db
    .updateTable('org_members')
    .set({ role })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .execute();
}

/** Removes a member and their places in the organization's groups (their group rights go with them). */
export async function deleteOrgMember(db: Db, orgId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('org_group_members')
    .where('user_id', '=', userId)
    .where('group_id', 'in', (eb) => eb.selectFrom('org_groups').select('id').where('org_id', '=', orgId))
    .execute();
  await db.deleteFrom('org_members').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
}

/** Inserts a group; false when the organization already has a group of that name. */
export async function insertOrgGroup(db: Db, row: OrgGroupRow): Promise<boolean> {
  const result = await db
    .insertInto('org_groups')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findOrgGroup(db: Db, orgId: string, name: string): Promise<OrgGroupRow | undefined> {
  return db
    .selectFrom('org_groups')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** One page of groups ordered by name, each with its member count. */
export async function listOrgGroups(
  db: Db,
  orgId: string,
  page: PageWindow,
): Promise<{ rows: Array<OrgGroupRow & { member_count: number }>; total: number }> {
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
    rows: rows.map((row) => ({ ...row, member_count: countOf(row.member_count) })),
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
): Promise<{ rows: Array<{ username: string; role: OrgRoleName }>; total: number }> {
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
  return { rows, total: countOf(total) };
}

/** Sets (inserts or replaces) a group's permission on a repository; returns the previous one. */
export async function upsertGroupRepository(
  db: Db,
  row: OrgGroupRepositoryRow,
): Promise<OrgGroupRepositoryRow['permission'] | undefined> {
  const previous = await db
    .selectFrom('org_group_repositories')
    .select('permission')
    .where('group_id', '=', row.group_id)
    .where('repository', '=', row.repository)
    .executeTakeFirst();
  await db
    .insertInto('org_group_repositories')
    .values(row)
    .onConflict((oc) => oc.columns(['group_id', 'repository']).doUpdateSet({ permission: row.permission }))
    .execute();
  return previous?.permission;
}

export async function listGroupRepositories(
  db: Db,
  groupId: string,
  page: PageWindow,
): Promise<{ rows: OrgGroupRepositoryRow[]; total: number }> {
  const rows = await db
    .selectFrom('org_group_repositories')
    .selectAll()
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
  return { rows, total: countOf(total) };
}

/** Removes a group's permission on a repository; returns what it was, undefined when there was none. */
export async function deleteGroupRepository(
  db: Db,
  groupId: string,
  repository: string,
): Promise<OrgGroupRepositoryRow['permission'] | undefined> {
  const row = await db
    .deleteFrom('org_group_repositories')
    .where('group_id', '=', groupId)
    .where('repository', '=', repository)
    .returning('permission')
    .executeTakeFirst();
  return row?.permission;
}

/**
 * Groups of organizations (Docker Hub's teams) with their members and repository permissions.
 * Task-shaped, the db or a transaction first. Writes that must not race run in a transaction that
 * has called `lockOrganization` first; the services do that, these functions do not lock.
 */
import { sql } from 'kysely';
import type { GroupPermission, OrgGroup, OrgRole } from '../core/organization-rules.ts';
import type { Db, PageWindow } from './database.ts';
import type { OrgGroupsTable } from './schema.ts';
import { containsText } from './text-match.ts';
import { isUniqueViolation } from './unique-violation.ts';

/** A group's permission on one repository of its organization (`repository`: the name below it). */
export interface GroupRepositoryPermission {
  repository: string;
  permission: GroupPermission;
}

function groupFromRow(row: OrgGroupsTable): OrgGroup {
  return {
    id: row.id,
    number: Number(row.number),
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
  };
}

/** A member of a group as the group member list shows them. */
export interface GroupMember {
  userId: string;
  username: string;
  email: string;
  role: OrgRole;
  /** When the account was created (Docker Hub's `date_joined`). */
  userCreatedAt: string;
}

const countOf = (value: string | number | bigint | undefined) => Number(value ?? 0);

/** Attempts at a group number before giving up (only concurrent creations on PostgreSQL collide). */
const numberAttempts = 20;

/**
 * Inserts a group with the next group number (one more than the highest, unique across the
 * instance), computed in the insert itself. On PostgreSQL concurrent creations may still read the
 * same highest number: the unique index refuses all but one, and the others retry.
 * @returns the stored group, or undefined when the organization already has a group of that name.
 */
export async function insertOrgGroup(db: Db, group: Omit<OrgGroup, 'number'>): Promise<OrgGroup | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const row = await db
        .insertInto('org_groups')
        .values((eb) => ({
          id: group.id,
          number: eb.selectFrom('org_groups').select(sql<number>`coalesce(max(number), 0) + 1`.as('next')),
          org_id: group.orgId,
          name: group.name,
          description: group.description,
          created_at: group.createdAt,
        }))
        .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
        .returning('number')
        .executeTakeFirst();
      return row && { ...group, number: Number(row.number) };
    } catch (error) {
      if (attempt < numberAttempts && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

/** Renames a group or changes its description; false when the new name is another group's. */
export async function updateOrgGroup(
  db: Db,
  groupId: string,
  changes: { name?: string; description?: string },
): Promise<boolean> {
  try {
    await db
      .updateTable('org_groups')
      .set({
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
      })
      .where('id', '=', groupId)
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function findOrgGroupByNumber(
  db: Db,
  orgId: string,
  number: number,
): Promise<OrgGroup | undefined> {
  const row = await db
    .selectFrom('org_groups')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('number', '=', number)
    .executeTakeFirst();
  return row && groupFromRow(row);
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

/** Which groups a list shows: those whose name contains `search`, those `userId` is in. */
export interface GroupFilter {
  search?: string;
  userId?: string;
}

/** One page of groups ordered by name, each with its member count, and how many match. */
export async function listOrgGroups(
  db: Db,
  orgId: string,
  filter: GroupFilter,
  page: PageWindow,
): Promise<{ groups: Array<OrgGroup & { memberCount: number }>; total: number }> {
  let base = db.selectFrom('org_groups as g').where('g.org_id', '=', orgId);
  if (filter.search) base = base.where(containsText('g.name', filter.search));
  if (filter.userId) {
    const userId = filter.userId;
    base = base.where('g.id', 'in', (eb) =>
      eb.selectFrom('org_group_members').select('group_id').where('user_id', '=', userId),
    );
  }
  const rows = await base
    .leftJoin('org_group_members as gm', 'gm.group_id', 'g.id')
    .select(['g.id', 'g.number', 'g.org_id', 'g.name', 'g.description', 'g.created_at'])
    .select((eb) => eb.fn.count<string | number>('gm.user_id').as('member_count'))
    .groupBy(['g.id', 'g.number', 'g.org_id', 'g.name', 'g.description', 'g.created_at'])
    .orderBy('g.name')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await base
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirstOrThrow();
  return {
    groups: rows.map((row) => ({ ...groupFromRow(row), memberCount: countOf(row.member_count) })),
    total: countOf(total),
  };
}

export async function countGroupMembers(db: Db, groupId: string): Promise<number> {
  const { total } = await db
    .selectFrom('org_group_members')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return countOf(total);
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
): Promise<{ members: GroupMember[]; total: number }> {
  const rows = await db
    .selectFrom('org_group_members as gm')
    .innerJoin('users as u', 'u.id', 'gm.user_id')
    .innerJoin('org_members as m', (join) =>
      join.onRef('m.user_id', '=', 'gm.user_id').on('m.org_id', '=', orgId),
    )
    .select(['u.id', 'u.username', 'u.email', 'u.created_at', 'm.role'])
    .where('gm.group_id', '=', groupId)
    .orderBy('u.username')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    members: rows.map((row) => ({
      userId: row.id,
      username: row.username,
      email: row.email,
      role: row.role,
      userCreatedAt: row.created_at,
    })),
    total: await countGroupMembers(db, groupId),
  };
}

/** A group's permission on one repository of its organization, if it has one. */
export async function findGroupRepository(
  db: Db,
  groupId: string,
  repository: string,
): Promise<GroupPermission | undefined> {
  const row = await db
    .selectFrom('org_group_repositories')
    .select('permission')
    .where('group_id', '=', groupId)
    .where('repository', '=', repository)
    .executeTakeFirst();
  return row?.permission;
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

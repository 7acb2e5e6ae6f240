/**
 * Members of organizations and their roles, and the membership facts the permission rules need.
 * Task-shaped, the db or a transaction first. Writes that must not race (last owner, the groups of
 * a leaving member) run in a transaction that has called `lockOrganization` first; the services do
 * that, these functions do not lock.
 */

import type { Organization, OrgMember, OrgRole } from '../core/organization-rules.ts';
import type { MembershipFacts } from '../core/repository-access.ts';
import type { Db, PageWindow } from './database.ts';
import { organizationFromRow } from './organization.repository.ts';
import { containsText } from './text-match.ts';

export async function insertOrgMember(
  db: Db,
  member: { orgId: string; userId: string; role: OrgRole; createdAt: string },
): Promise<void> {
  await db
    .insertInto('org_members')
    .values({ org_id: member.orgId, user_id: member.userId, role: member.role, created_at: member.createdAt })
    .execute();
}

/** A user's role in an organization; undefined when they are not a member. */
export async function findOrgRole(db: Db, orgId: string, userId: string): Promise<OrgRole | undefined> {
  const row = await db
    .selectFrom('org_members')
    .select('role')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

/**
 * What a user is in the organization named `orgName`, and the permissions their groups give on one
 * of its repositories (`repository` is the name below the organization): what the permission rules
 * need. Undefined when no organization has that name (a user's namespace).
 */
export async function findRepositoryMembership(
  db: Db,
  orgName: string,
  userId: string,
  repository: string,
): Promise<MembershipFacts | undefined> {
  const member = await db
    .selectFrom('organizations as o')
    .leftJoin('org_members as m', (join) => join.onRef('m.org_id', '=', 'o.id').on('m.user_id', '=', userId))
    .select(['o.id', 'm.role'])
    .where('o.name', '=', orgName)
    .executeTakeFirst();
  if (!member) return undefined;
  if (!member.role) return { role: undefined, groupPermissions: [] };
  const rows = await db
    .selectFrom('org_group_repositories as r')
    .innerJoin('org_groups as g', 'g.id', 'r.group_id')
    .innerJoin('org_group_members as m', 'm.group_id', 'r.group_id')
    .select('r.permission')
    .where('g.org_id', '=', member.id)
    .where('m.user_id', '=', userId)
    .where('r.repository', '=', repository)
    .execute();
  return { role: member.role, groupPermissions: rows.map((row) => row.permission) };
}

/** The organizations a user belongs to, by name, with their role (one page of them with `page`). */
export async function listUserOrganizations(
  db: Db,
  userId: string,
  page?: PageWindow,
): Promise<Array<Organization & { role: OrgRole }>> {
  let query = db
    .selectFrom('org_members as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .selectAll('o')
    .select('m.role')
    .where('m.user_id', '=', userId)
    .orderBy('o.name');
  if (page) query = query.limit(page.limit).offset(page.offset);
  const rows = await query.execute();
  return rows.map((row) => ({ ...organizationFromRow(row), role: row.role }));
}

export async function countUserOrganizations(db: Db, userId: string): Promise<number> {
  const { total } = await db
    .selectFrom('org_members')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(total);
}

/** Which members a list shows: usernames containing `search`, members of `role`. */
export interface MemberFilter {
  search?: string;
  role?: OrgRole;
}

/** One page of members ordered by username, and how many match. */
export async function listOrgMembers(
  db: Db,
  orgId: string,
  filter: MemberFilter,
  page: PageWindow,
): Promise<{ members: OrgMember[]; total: number }> {
  let base = db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .where('m.org_id', '=', orgId);
  if (filter.search) base = base.where(containsText('u.username', filter.search));
  if (filter.role) base = base.where('m.role', '=', filter.role);
  const rows = await base
    .select(['m.user_id', 'u.username', 'u.email', 'm.role', 'm.created_at'])
    .orderBy('u.username')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await base
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .executeTakeFirstOrThrow();
  return {
    members: rows.map((row) => ({
      userId: row.user_id,
      username: row.username,
      email: row.email,
      role: row.role,
      createdAt: row.created_at,
    })),
    total: Number(total),
  };
}

/** One member with their username and email; undefined when the user is not a member. */
export async function findOrgMember(db: Db, orgId: string, userId: string): Promise<OrgMember | undefined> {
  const row = await db
    .selectFrom('org_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.username', 'u.email', 'm.role', 'm.created_at'])
    .where('m.org_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  return (
    row && {
      userId: row.user_id,
      username: row.username,
      email: row.email,
      role: row.role,
      createdAt: row.created_at,
    }
  );
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
  return Number(total);
}

export async function setOrgMemberRole(db: Db, orgId: string, userId: string, role: OrgRole): Promise<void> {
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

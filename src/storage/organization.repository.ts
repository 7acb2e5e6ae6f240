/**
 * Organizations and the membership facts the permission rules need. Membership management (member
 * lists, groups, invites) lives in org-membership.repository.ts.
 */
import { type Db, dialectOf } from './database.ts';
import type { OrganizationsTable, OrgMembersTable } from './schema.ts';

export type OrganizationRow = OrganizationsTable;
export type OrgMemberRow = OrgMembersTable;

export async function insertOrganization(db: Db, row: OrganizationRow): Promise<void> {
  await db.insertInto('organizations').values(row).execute();
}

export async function findOrganizationByName(db: Db, name: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function findOrganizationById(db: Db, id: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setOrganizationTier(
  db: Db,
  id: string,
  tier: OrganizationRow['tier'],
  at: string,
): Promise<void> {
  await db.updateTable('organizations').set({ tier, updated_at: at }).where('id', '=', id).execute();
}

/**
 * Inside a transaction, serialises work on one organization (limits, last-owner checks): on
 * PostgreSQL a row lock (`SELECT … FOR UPDATE`); SQLite transactions are already serialised by its
 * single writer connection.
 */
export async function lockOrganization(tx: Db, id: string): Promise<OrganizationRow | undefined> {
  const select = tx.selectFrom('organizations').selectAll().where('id', '=', id);
  return (dialectOf(tx) === 'postgres' ? select.forUpdate() : select).executeTakeFirst();
}

export async function insertOrgMember(db: Db, row: OrgMemberRow): Promise<void> {
  await db.insertInto('org_members').values(row).execute();
}

export async function findOrgMember(
  db: Db,
  orgId: string,
  userId: string,
): Promise<OrgMemberRow | undefined> {
  return db
    .selectFrom('org_members')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/**
 * What a user is in an organization, and the permissions their groups give on one repository
 * (`repository` is the name below the organization): what the registry grant needs, in one round trip
 * per question.
 */
export async function findRepositoryMembership(
  db: Db,
  orgId: string,
  userId: string,
  repository: string,
): Promise<{ role: OrgMemberRow['role'] | undefined; groupPermissions: Array<'read' | 'write' | 'admin'> }> {
  const member = await findOrgMember(db, orgId, userId);
  if (!member) return { role: undefined, groupPermissions: [] };
  const rows = await db
    .selectFrom('org_group_repositories as r')
    .innerJoin('org_groups as g', 'g.id', 'r.group_id')
    .innerJoin('org_group_members as m', 'm.group_id', 'r.group_id')
    .select('r.permission')
    .where('g.org_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .where('r.repository', '=', repository)
    .execute();
  return { role: member.role, groupPermissions: rows.map((row) => row.permission) };
}

/** The organizations a user belongs to, by name, with their role. */
export async function listUserOrganizations(
  db: Db,
  userId: string,
): Promise<Array<{ id: string; name: string; tier: OrganizationRow['tier']; role: OrgMemberRow['role'] }>> {
  return db
    .selectFrom('org_members as m')
    .innerJoin('organizations as o', 'o.id', 'm.org_id')
    .select(['o.id', 'o.name', 'o.tier', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('o.name')
    .execute();
}

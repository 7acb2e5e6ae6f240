/**
 * Organizations. Their members are in org-member.repository.ts, groups in org-group.repository.ts,
 * invites in org-invite.repository.ts.
 */
import type { Organization, OrgTier } from '../core/organization-rules.ts';
import { type Db, dialectOf } from './database.ts';
import type { OrganizationsTable } from './schema.ts';

export function organizationFromRow(row: OrganizationsTable): Organization {
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
  };
}

export async function insertOrganization(db: Db, org: Organization): Promise<void> {
  await db
    .insertInto('organizations')
    .values({
      id: org.id,
      name: org.name,
      tier: org.tier,
      created_at: org.createdAt,
      updated_at: org.updatedAt,
      created_by: org.createdBy,
    })
    .execute();
}

export async function findOrganizationByName(db: Db, name: string): Promise<Organization | undefined> {
  const row = await db.selectFrom('organizations').selectAll().where('name', '=', name).executeTakeFirst();
  return row && organizationFromRow(row);
}

export async function findOrganizationById(db: Db, id: string): Promise<Organization | undefined> {
  const row = await db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && organizationFromRow(row);
}

export async function setOrganizationTier(db: Db, id: string, tier: OrgTier, at: string): Promise<void> {
  await db.updateTable('organizations').set({ tier, updated_at: at }).where('id', '=', id).execute();
}

/**
 * Inside a transaction, serialises work on one organization (limits, last-owner checks): on
 * PostgreSQL a row lock (`SELECT … FOR UPDATE`); SQLite transactions are already serialised by its
 * single writer connection.
 */
export async function lockOrganization(tx: Db, id: string): Promise<Organization | undefined> {
  const select = tx.selectFrom('organizations').selectAll().where('id', '=', id);
  const row = await (dialectOf(tx) === 'postgres' ? select.forUpdate() : select).executeTakeFirst();
  return row && organizationFromRow(row);
}

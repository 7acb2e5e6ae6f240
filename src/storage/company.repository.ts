/**
 * Companies, their owners and their organizations. Task-shaped, the db or a transaction first.
 * Writes that must not race (the last owner, a company emptied while an organization joins) run in
 * a transaction that has called `lockCompany` first; the services do that, these functions do not.
 */
import type { AccessTokenWithCreator, OrgAccessToken } from '../core/access-token-rules.ts';
import type { Company, CompanyOrganization, CompanyOwner } from '../core/company-rules.ts';
import type { OrgRole } from '../core/organization-rules.ts';
import { accessTokenFromRow } from './access-token.repository.ts';
import { type Db, dialectOf } from './database.ts';
import type { CompaniesTable } from './schema.ts';
import { listTokenAddresses } from './token-address.repository.ts';

function companyFromRow(row: CompaniesTable): Company {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
  };
}

export async function insertCompany(db: Db, company: Company): Promise<void> {
  await db
    .insertInto('companies')
    .values({
      id: company.id,
      name: company.name,
      created_at: company.createdAt,
      updated_at: company.updatedAt,
      created_by: company.createdBy,
    })
    .execute();
}

export async function findCompanyByName(db: Db, name: string): Promise<Company | undefined> {
  const row = await db.selectFrom('companies').selectAll().where('name', '=', name).executeTakeFirst();
  return row && companyFromRow(row);
}

/**
 * Inside a transaction, serialises work on one company: on PostgreSQL a row lock (`SELECT … FOR
 * UPDATE`); SQLite transactions are already serialised by its single writer connection.
 */
export async function lockCompany(tx: Db, id: string): Promise<Company | undefined> {
  const select = tx.selectFrom('companies').selectAll().where('id', '=', id);
  const row = await (dialectOf(tx) === 'postgres' ? select.forUpdate() : select).executeTakeFirst();
  return row && companyFromRow(row);
}

export async function renameCompany(db: Db, id: string, name: string, at: string): Promise<void> {
  await db.updateTable('companies').set({ name, updated_at: at }).where('id', '=', id).execute();
}

/** Deletes a company and its owners (its organizations must be gone: the service checks). */
export async function deleteCompany(db: Db, id: string): Promise<void> {
  await db.deleteFrom('company_owners').where('company_id', '=', id).execute();
  await db.deleteFrom('companies').where('id', '=', id).execute();
}

export async function insertCompanyOwner(
  db: Db,
  owner: { companyId: string; userId: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('company_owners')
    .values({ company_id: owner.companyId, user_id: owner.userId, created_at: owner.createdAt })
    .execute();
}

export async function deleteCompanyOwner(db: Db, companyId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('company_owners')
    .where('company_id', '=', companyId)
    .where('user_id', '=', userId)
    .execute();
}

export async function isCompanyOwner(db: Db, companyId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('company_owners')
    .select('user_id')
    .where('company_id', '=', companyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countCompanyOwners(db: Db, companyId: string): Promise<number> {
  const { total } = await db
    .selectFrom('company_owners')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('company_id', '=', companyId)
    .executeTakeFirstOrThrow();
  return Number(total);
}

/** The owners by username. */
export async function listCompanyOwners(db: Db, companyId: string): Promise<CompanyOwner[]> {
  const rows = await db
    .selectFrom('company_owners as o')
    .innerJoin('users as u', 'u.id', 'o.user_id')
    .select(['o.user_id', 'u.username', 'u.email', 'o.created_at'])
    .where('o.company_id', '=', companyId)
    .orderBy('u.username')
    .execute();
  return rows.map((row) => ({
    userId: row.user_id,
    username: row.username,
    email: row.email,
    createdAt: row.created_at,
  }));
}

/** Puts an organization in a company; false when it already is in one (this or another). */
export async function insertCompanyOrganization(
  db: Db,
  entry: { companyId: string; orgId: string; addedAt: string },
): Promise<boolean> {
  const result = await db
    .insertInto('company_organizations')
    .values({ company_id: entry.companyId, org_id: entry.orgId, added_at: entry.addedAt })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Takes an organization out of a company; false when it was not in it. */
export async function deleteCompanyOrganization(db: Db, companyId: string, orgId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('company_organizations')
    .where('company_id', '=', companyId)
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The company an organization is in, if any. */
export async function findCompanyOfOrganization(db: Db, orgId: string): Promise<Company | undefined> {
  const row = await db
    .selectFrom('company_organizations as co')
    .innerJoin('companies as c', 'c.id', 'co.company_id')
    .selectAll('c')
    .where('co.org_id', '=', orgId)
    .executeTakeFirst();
  return row && companyFromRow(row);
}

export async function countCompanyOrganizations(db: Db, companyId: string): Promise<number> {
  const { total } = await db
    .selectFrom('company_organizations')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('company_id', '=', companyId)
    .executeTakeFirstOrThrow();
  return Number(total);
}

/** The company's organizations by name, with their tiers and member counts, in one query. */
export async function listCompanyOrganizations(db: Db, companyId: string): Promise<CompanyOrganization[]> {
  const rows = await db
    .selectFrom('company_organizations as co')
    .innerJoin('organizations as o', 'o.id', 'co.org_id')
    .select((eb) => [
      'o.id',
      'o.name',
      'o.tier',
      'co.added_at',
      eb
        .selectFrom('org_members as m')
        .select(eb.fn.countAll<string | number>().as('n'))
        .whereRef('m.org_id', '=', 'o.id')
        .as('member_count'),
    ])
    .where('co.company_id', '=', companyId)
    .orderBy('o.name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    tier: row.tier,
    memberCount: Number(row.member_count ?? 0),
    addedAt: row.added_at,
  }));
}

/** The companies a user owns, by name. */
export async function listUserCompanies(db: Db, userId: string): Promise<Company[]> {
  const rows = await db
    .selectFrom('company_owners as o')
    .innerJoin('companies as c', 'c.id', 'o.company_id')
    .selectAll('c')
    .where('o.user_id', '=', userId)
    .orderBy('c.name')
    .execute();
  return rows.map(companyFromRow);
}

/** One membership of a user in one of the company's organizations. */
export interface CompanyMembershipRow {
  userId: string;
  username: string;
  email: string;
  orgName: string;
  role: 'owner' | 'editor' | 'member';
}

/** Every membership in the company's organizations, by username then organization name. */
export async function listCompanyMemberships(db: Db, companyId: string): Promise<CompanyMembershipRow[]> {
  const rows = await db
    .selectFrom('company_organizations as co')
    .innerJoin('organizations as o', 'o.id', 'co.org_id')
    .innerJoin('org_members as m', 'm.org_id', 'co.org_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.username', 'u.email', 'o.name', 'm.role'])
    .where('co.company_id', '=', companyId)
    .orderBy('u.username')
    .orderBy('o.name')
    .execute();
  return rows.map((row) => ({
    userId: row.id,
    username: row.username,
    email: row.email,
    orgName: row.name,
    role: row.role,
  }));
}

/** The ids of the company's organizations (the company-wide activity reads their logs). */
export async function listCompanyOrganizationIds(db: Db, companyId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('company_organizations')
    .select('org_id')
    .where('company_id', '=', companyId)
    .execute();
  return rows.map((row) => row.org_id);
}

/**
 * Every organization access token of the company's organizations, with its organization's name,
 * its creator's username and its recent addresses, newest first, in two queries.
 */
export async function listCompanyOrgTokens(
  db: Db,
  companyId: string,
): Promise<Array<{ orgName: string; token: AccessTokenWithCreator<OrgAccessToken> }>> {
  const rows = await db
    .selectFrom('company_organizations as co')
    .innerJoin('organizations as o', 'o.id', 'co.org_id')
    .innerJoin('access_tokens as t', (join) =>
      join.onRef('t.owner_id', '=', 'co.org_id').on('t.owner_kind', '=', 'org'),
    )
    .leftJoin('users as creator', 'creator.id', 't.created_by')
    .selectAll('t')
    .select(['o.name as org_name', 'creator.username as creator_name'])
    .where('co.company_id', '=', companyId)
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .execute();
  const addresses = await listTokenAddresses(
    db,
    rows.map((row) => row.id),
  );
  return rows.map(({ org_name, creator_name, ...row }) => ({
    orgName: org_name,
    token: {
      ...(accessTokenFromRow(row) as OrgAccessToken),
      creatorName: creator_name,
      addresses: addresses.get(row.id) ?? [],
    },
  }));
}

/**
 * A user's standing in an organization, in one query: their own role there, and the name of the
 * organization's company when they own it (undefined for either when not).
 */
export async function findOrgStanding(
  db: Db,
  orgId: string,
  userId: string,
): Promise<{ role: OrgRole | undefined; company: string | undefined }> {
  const row = await db
    .selectFrom('organizations as o')
    .leftJoin('org_members as m', (join) => join.onRef('m.org_id', '=', 'o.id').on('m.user_id', '=', userId))
    .leftJoin('company_organizations as co', 'co.org_id', 'o.id')
    .leftJoin('company_owners as cw', (join) =>
      join.onRef('cw.company_id', '=', 'co.company_id').on('cw.user_id', '=', userId),
    )
    .leftJoin('companies as c', 'c.id', 'cw.company_id')
    .select(['m.role', 'c.name'])
    .where('o.id', '=', orgId)
    .executeTakeFirst();
  return { role: row?.role ?? undefined, company: row?.name ?? undefined };
}

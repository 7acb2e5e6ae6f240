/**
 * Organization token policies (core/token-policy.ts): one row per organization that set one; an
 * organization without a row has no policy.
 */
import { noOrgTokenPolicy, type OrgTokenPolicy } from '../core/token-policy.ts';
import type { Db } from './database.ts';
import type { OrgTokenPoliciesTable } from './schema.ts';

function policyFromRow(row: OrgTokenPoliciesTable): OrgTokenPolicy {
  return {
    oatMaxLifetimeDays: row.oat_max_lifetime_days === null ? null : Number(row.oat_max_lifetime_days),
    patMaxLifetimeDays: row.pat_max_lifetime_days === null ? null : Number(row.pat_max_lifetime_days),
    requireFineGrainedPats: Number(row.require_fine_grained_pats) === 1,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export async function findOrgTokenPolicy(db: Db, orgId: string): Promise<OrgTokenPolicy> {
  const row = await db
    .selectFrom('org_token_policies')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row ? policyFromRow(row) : noOrgTokenPolicy;
}

/**
 * The policy of the organization that owns `namespace`, by name (the registry names repositories,
 * not organizations); the empty policy for a user's namespace or an unknown one.
 */
export async function findTokenPolicyOfNamespace(db: Db, namespace: string): Promise<OrgTokenPolicy> {
  const row = await db
    .selectFrom('org_token_policies as p')
    .innerJoin('organizations as o', 'o.id', 'p.org_id')
    .selectAll('p')
    .where('o.name', '=', namespace)
    .executeTakeFirst();
  return row ? policyFromRow(row) : noOrgTokenPolicy;
}

/** Sets an organization's policy whole (insert or replace). */
export async function saveOrgTokenPolicy(
  db: Db,
  orgId: string,
  policy: Omit<OrgTokenPolicy, 'updatedAt' | 'updatedBy'> & { updatedAt: string; updatedBy: string | null },
): Promise<void> {
  const values = {
    oat_max_lifetime_days: policy.oatMaxLifetimeDays,
    pat_max_lifetime_days: policy.patMaxLifetimeDays,
    require_fine_grained_pats: policy.requireFineGrainedPats ? 1 : 0,
    updated_at: policy.updatedAt,
    updated_by: policy.updatedBy,
  };
  await db
    .insertInto('org_token_policies')
    .values({ org_id: orgId, ...values })
    .onConflict((oc) => oc.column('org_id').doUpdateSet(values))
    .execute();
}

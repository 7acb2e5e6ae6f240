/**
 * Token policies (core/token-policy.ts) as use cases: an organization owner reads and sets the
 * organization's policy; token creation checks the policies that will apply to the new token, so
 * a token is never made only to be refused.
 */
import type { AccountRef } from '../../core/account-rules.ts';
import { fieldError } from '../../core/errors.ts';
import type { Organization } from '../../core/organization-rules.ts';
import { type PatResource, resourceNamespace } from '../../core/pat-resources.ts';
import {
  instancePolicyBreach,
  type OrgTokenPolicy,
  orgPolicyBreach,
  type PolicyFacts,
  policyLifetimeBounds,
  policyViolation,
} from '../../core/token-policy.ts';
import { findNamespace } from '../../storage/namespace.repository.ts';
import { findOrgRole } from '../../storage/org-member.repository.ts';
import { findOrgTokenPolicy, saveOrgTokenPolicy } from '../../storage/token-policy.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

export async function getOrgTokenPolicy(ctx: ServiceContext, org: Organization): Promise<OrgTokenPolicy> {
  return findOrgTokenPolicy(ctx.db, org.id);
}

/** A whole policy as an owner sends it; an absent field keeps its current value. */
export interface OrgTokenPolicyInput {
  oatMaxLifetimeDays?: number | null;
  patMaxLifetimeDays?: number | null;
  requireFineGrainedPats?: boolean;
}

function checkedDays(field: string, days: number | null): number | null {
  if (days === null) return null;
  const [min, max] = policyLifetimeBounds;
  if (!Number.isInteger(days) || days < min || days > max) {
    throw fieldError(
      field,
      `${field} must be a whole number of days from ${min} to ${max}, or null for no cap`,
    );
  }
  return days;
}

/**
 * Changes an organization's token policy (audited). Existing tokens are not touched: those outside
 * the new policy are refused on the organization's repositories from the next request on.
 * @throws AppError VALIDATION_FAILED naming the bad field.
 */
export async function setOrgTokenPolicy(
  ctx: ServiceContext,
  org: Organization,
  actor: AccountRef,
  input: OrgTokenPolicyInput,
  meta: RequestMeta,
): Promise<OrgTokenPolicy> {
  const oat =
    input.oatMaxLifetimeDays === undefined
      ? undefined
      : checkedDays('oat_max_lifetime_days', input.oatMaxLifetimeDays);
  const pat =
    input.patMaxLifetimeDays === undefined
      ? undefined
      : checkedDays('pat_max_lifetime_days', input.patMaxLifetimeDays);
  const updatedAt = isoNow(ctx);
  const policy = await inTransaction(ctx.db, async (tx) => {
    const current = await findOrgTokenPolicy(tx, org.id);
    const next: OrgTokenPolicy = {
      oatMaxLifetimeDays: oat === undefined ? current.oatMaxLifetimeDays : oat,
      patMaxLifetimeDays: pat === undefined ? current.patMaxLifetimeDays : pat,
      requireFineGrainedPats: input.requireFineGrainedPats ?? current.requireFineGrainedPats,
      updatedAt,
      updatedBy: actor.username,
    };
    await saveOrgTokenPolicy(tx, org.id, { ...next, updatedAt });
    await recordAudit(
      { clock: ctx.clock, db: tx },
      {
        account: { id: org.id, name: org.name },
        action: 'org.token_policy.update',
        name: org.name,
        actor: { id: actor.id, name: actor.username },
        meta,
        data: {
          oat_max_lifetime_days: next.oatMaxLifetimeDays,
          pat_max_lifetime_days: next.patMaxLifetimeDays,
          require_fine_grained_pats: next.requireFineGrainedPats,
        },
      },
    );
    return next;
  });
  return policy;
}

/**
 * The organizations a PAT's resources name, after checking that its owner may reach each
 * namespace: their own, or an organization they belong to.
 * @throws AppError VALIDATION_FAILED naming the first namespace that is not reachable.
 */
export async function reachableResourceOrgs(
  ctx: ServiceContext,
  account: AccountRef,
  resources: readonly PatResource[],
): Promise<Array<{ id: string; name: string }>> {
  const orgs = new Map<string, { id: string; name: string }>();
  const seen = new Set<string>();
  for (const resource of resources) {
    const namespace = resourceNamespace(resource.path);
    if (namespace === undefined || namespace === account.username || seen.has(namespace)) continue;
    seen.add(namespace);
    const claim = await findNamespace(ctx.db, namespace);
    const reachable = claim?.kind === 'org' && (await findOrgRole(ctx.db, claim.ownerId, account.id));
    if (!claim || !reachable) {
      throw fieldError(
        'resources',
        `resources: namespace ${namespace} is neither yours nor an organization you belong to`,
      );
    }
    orgs.set(namespace, { id: claim.ownerId, name: namespace });
  }
  return [...orgs.values()];
}

/**
 * Refuses a new token that breaks a policy that will apply to it: the instance's lifetime cap
 * (not for auto-generated tokens) and the token policies of `orgs` (an OAT's organization, the
 * organizations a PAT's resources name).
 * @throws AppError TOKEN_POLICY_VIOLATION naming the policy.
 */
export async function assertCreationWithinPolicies(
  ctx: ServiceContext,
  token: PolicyFacts & { generatedBy?: 'manual' | 'auto' },
  orgs: ReadonlyArray<{ id: string; name: string }>,
): Promise<void> {
  if (token.generatedBy !== 'auto') {
    const breach = instancePolicyBreach(ctx.config.tokenPolicy.maxLifetimeDays, token);
    if (breach) throw policyViolation("this instance's token policy", breach);
  }
  for (const org of orgs) {
    const breach = orgPolicyBreach(await findOrgTokenPolicy(ctx.db, org.id), token);
    if (breach) throw policyViolation(`the token policy of organization ${org.name}`, breach);
  }
}

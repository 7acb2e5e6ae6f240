/**
 * Token policies, as plain rules. An organization owner may cap the lifetime of the organization's
 * access tokens and of personal tokens used on its repositories, and may require such personal
 * tokens to be fine-grained (to list resources). The instance administrator caps every token's
 * lifetime (`TOKENHUB_TOKEN_MAX_LIFETIME_DAYS`). A lifetime is `expires_at − created_at`; a token
 * that never expires has an unbounded one.
 *
 * Creating a token that breaks a policy is refused (`TOKEN_POLICY_VIOLATION`, 400); a token that a
 * later policy leaves outside is refused where that policy applies (`TOKEN_POLICY_REFUSED`) and
 * never deleted. Every message names the policy.
 */
import type { AccessToken } from './access-token-rules.ts';
import { AppError } from './errors.ts';

export interface OrgTokenPolicy {
  /** Longest lifetime of the organization's access tokens, in days; null: no cap. */
  oatMaxLifetimeDays: number | null;
  /** Longest lifetime of personal tokens used on the organization's repositories, in days; null: no cap. */
  patMaxLifetimeDays: number | null;
  /** Personal tokens used on the organization's repositories must list resources. */
  requireFineGrainedPats: boolean;
  updatedAt: string | null;
  /** Username of the owner who last changed it. */
  updatedBy: string | null;
}

/** The policy of an organization that never set one. */
export const noOrgTokenPolicy: OrgTokenPolicy = Object.freeze({
  oatMaxLifetimeDays: null,
  patMaxLifetimeDays: null,
  requireFineGrainedPats: false,
  updatedAt: null,
  updatedBy: null,
});

/** Bounds of a lifetime cap, in days (the one-year rule of every token's expiry is the upper one). */
export const policyLifetimeBounds = [1, 366] as const;

const dayMs = 86_400_000;

/** What of a token the policies look at. */
export type PolicyFacts = Pick<AccessToken, 'kind' | 'createdAt' | 'expiresAt'> & { fineGrained: boolean };

/** Whether a token lives longer than `maxDays` (one that never expires always does). */
export function outlivesCap(token: Pick<AccessToken, 'createdAt' | 'expiresAt'>, maxDays: number): boolean {
  if (token.expiresAt === null) return true;
  return Date.parse(token.expiresAt) - Date.parse(token.createdAt) > maxDays * dayMs;
}

function lifetimeWords(token: Pick<AccessToken, 'createdAt' | 'expiresAt'>): string {
  if (token.expiresAt === null) return 'this one never expires';
  const days = Math.ceil((Date.parse(token.expiresAt) - Date.parse(token.createdAt)) / dayMs);
  return `this one lives ${days} days`;
}

/**
 * What an organization's policy says of a token used on its repositories: undefined when the
 * token is within it, else the words naming the rule it breaks.
 * @example orgPolicyBreach({ ...policy, patMaxLifetimeDays: 30 }, { kind: 'pat', createdAt, expiresAt: null, fineGrained: true })
 *   // 'personal access tokens may live at most 30 days (this one never expires)'
 */
export function orgPolicyBreach(policy: OrgTokenPolicy, token: PolicyFacts): string | undefined {
  if (token.kind === 'pat') {
    if (policy.requireFineGrainedPats && !token.fineGrained) {
      return 'personal access tokens must be fine-grained (list the repositories they may use in resources)';
    }
    const max = policy.patMaxLifetimeDays;
    if (max !== null && outlivesCap(token, max)) {
      return `personal access tokens may live at most ${max} days (${lifetimeWords(token)})`;
    }
    return undefined;
  }
  const max = policy.oatMaxLifetimeDays;
  if (max !== null && outlivesCap(token, max)) {
    return `organization access tokens may live at most ${max} days (${lifetimeWords(token)})`;
  }
  return undefined;
}

/** The instance cap's words, or undefined within it (`maxDays` 0: no cap). */
export function instancePolicyBreach(
  maxDays: number,
  token: Pick<AccessToken, 'createdAt' | 'expiresAt'>,
): string | undefined {
  if (maxDays === 0 || !outlivesCap(token, maxDays)) return undefined;
  return `tokens may live at most ${maxDays} days (${lifetimeWords(token)})`;
}

/** The 400 of a creation that breaks `policy` (`"the token policy of organization acme"`). */
export function policyViolation(policy: string, breach: string): AppError {
  const message = `${policy}: ${breach}`;
  return new AppError('TOKEN_POLICY_VIOLATION', message, { fields: { expires_at: [message] } });
}

/** The refusal of a token outside `policy` where it applies. */
export function policyRefusal(policy: string, breach: string): AppError {
  return new AppError('TOKEN_POLICY_REFUSED', `access token refused by ${policy}: ${breach}`);
}

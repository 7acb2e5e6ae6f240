/**
 * What is checked of a token at every use, once its secret matched its owner (beside expiry and
 * activity, services/sign-in/credentials.service.ts): its address allowlist, and the instance's
 * lifetime cap. Both doors that take a token secret, `/token` and the Hub login routes, and the
 * Hub sessions made from a token, go through here.
 *
 * A refusal of the address says that the caller's address is not allowed, never which ones are;
 * it is audited at most once an hour per token and address, so a retrying client cannot flood the
 * log.
 */
import type { AccessToken } from '../../core/access-token-rules.ts';
import { addressAllowed } from '../../core/address-allowlist.ts';
import { AppError } from '../../core/errors.ts';
import { instancePolicyBreach, policyRefusal } from '../../core/token-policy.ts';
import { type AuditAccount, recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';

const refusalReportedAt = new Map<string, number>();
const refusalReportIntervalMs = 3_600_000;

/**
 * @throws AppError TOKEN_ADDRESS_REFUSED (audited) when the token has an allowlist without `meta.ip`.
 */
export async function assertAddressAllowed(
  ctx: ServiceContext,
  token: AccessToken,
  owner: AuditAccount,
  meta: RequestMeta,
): Promise<void> {
  if (addressAllowed(token.allowedCidrs, meta.ip)) return;
  const key = `${token.id} ${meta.ip}`;
  const now = ctx.clock.now().getTime();
  if (now - (refusalReportedAt.get(key) ?? Number.NEGATIVE_INFINITY) >= refusalReportIntervalMs) {
    if (refusalReportedAt.size > 10_000) refusalReportedAt.clear();
    refusalReportedAt.set(key, now);
    await recordAudit(ctx, {
      account: owner,
      action:
        token.kind === 'oat' ? 'org.access_token.address_refused' : 'account.access_token.address_refused',
      name: token.label,
      actor: { id: null, name: token.label },
      meta,
      data: { uuid: token.id, ip: meta.ip.slice(0, 64) },
    });
  }
  throw new AppError(
    'TOKEN_ADDRESS_REFUSED',
    `this access token may not be used from address ${meta.ip.slice(0, 64)}: it is not in the token's allowed networks`,
  );
}

/**
 * The instance's lifetime cap (`TOKENHUB_TOKEN_MAX_LIFETIME_DAYS`), for tokens made before it was
 * set; auto-generated tokens follow the sign-in lifetime instead.
 * @throws AppError TOKEN_POLICY_REFUSED naming the instance policy.
 */
export function assertWithinInstancePolicy(ctx: Pick<ServiceContext, 'config'>, token: AccessToken): void {
  if (token.generatedBy === 'auto') return;
  const breach = instancePolicyBreach(ctx.config.tokenPolicy.maxLifetimeDays, token);
  if (breach) throw policyRefusal("this instance's token policy", breach);
}

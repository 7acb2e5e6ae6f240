/**
 * Failed sign-ins in the audit log, bounded: the failures of one client address against one account
 * name within a window are one event, `account.login.failure`, whose `data.count` grows (one
 * update per failure), instead of one row each. With the per-address failure limit in front
 * (docs/limits.md), a flood of wrong passwords or forged tokens writes one row per window per
 * process and address, not one per request.
 */

import { clientAddressKey } from '../../core/client-address.ts';
import type { AppError } from '../../core/errors.ts';
import { updateAuditEventData } from '../../storage/audit.repository.ts';
import { type AuditAccount, recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';

/** The aggregation window, in milliseconds (the default failure window). */
export const failureAuditWindowMs = 15 * 60_000;
/** Aggregates kept at most; past it the map starts again (each key then writes one more row). */
const maxAggregates = 10_000;

interface Aggregate {
  window: number;
  eventId: string;
  count: number;
  reasons: Set<string>;
}

const aggregates = new Map<string, Aggregate>();

/**
 * Records a failed sign-in of `account` from `meta.ip`: a new event for the first failure of the
 * window, else one more in the count of that event.
 */
export async function recordSignInFailure(
  ctx: ServiceContext,
  account: AuditAccount,
  error: AppError,
  meta: RequestMeta,
): Promise<void> {
  const window = Math.floor(ctx.clock.now().getTime() / failureAuditWindowMs);
  const address = clientAddressKey(meta.ip, ctx.config.security.ipv6PrefixLength);
  const key = `${address}\n${account.id}`;
  const known = aggregates.get(key);
  if (known && known.window === window) {
    known.count += 1;
    known.reasons.add(error.code);
    const reason = known.reasons.size === 1 ? error.code : [...known.reasons].join(',');
    await updateAuditEventData(ctx.db, known.eventId, { reason, count: known.count });
    return;
  }
  if (aggregates.size >= maxAggregates) aggregates.clear();
  const eventId = await recordAudit(ctx, {
    account,
    action: 'account.login.failure',
    name: account.name,
    actor: { id: null, name: account.name },
    meta,
    data: { reason: error.code, count: 1 },
  });
  aggregates.set(key, { window, eventId, count: 1, reasons: new Set([error.code]) });
}

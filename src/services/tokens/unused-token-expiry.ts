/**
 * Unused tokens expire automatically (`TOKENHUB_TOKEN_UNUSED_EXPIRY_DAYS`, off by default; GitHub
 * uses a year): an hourly maintenance task sets `expires_at` of every active token not used for
 * that long (never used: made that long ago) to now. Nothing is deleted; the owner sees the token
 * as expired and may delete it. Each expiry is audited in the owner's log and, when mail is on,
 * mailed to the owners (services/mail/unused-token-notices.ts).
 *
 * The last-used writer is buffered by seconds, so a token used within the last flush interval is
 * never taken for one unused for days.
 */
import { expireTokensUnusedSince } from '../../storage/unused-token.repository.ts';
import { queueUnusedTokenNotices } from '../mail/unused-token-notices.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { MaintenanceTask } from '../shared/maintenance.ts';

const systemMeta = { ip: '', userAgent: 'tokenhub maintenance' };

export const unusedTokenExpiry: MaintenanceTask = async function unusedTokenExpiry(ctx) {
  const days = ctx.config.tokenPolicy.unusedExpiryDays;
  if (days === 0) return;
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const expired = await expireTokensUnusedSince(ctx.db, cutoff, now.toISOString());
  for (const token of expired) {
    await recordAudit(ctx, {
      account: { id: token.ownerId, name: token.ownerName },
      action: token.kind === 'oat' ? 'org.access_token.expire_unused' : 'account.access_token.expire_unused',
      name: token.label,
      actor: { id: null, name: 'tokenhub' },
      meta: systemMeta,
      data: { uuid: token.id, unused_days: days, last_used: token.lastUsedAt },
    });
  }
  if (expired.length > 0) {
    ctx.log.info({ count: expired.length, days }, 'unused tokens expired');
    await queueUnusedTokenNotices(ctx, expired, days);
  }
};

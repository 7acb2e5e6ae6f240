/**
 * Token expiry notices (docs/mail.md), a maintenance task every process runs (at start, then
 * hourly). On each UTC day, every account that must hear of a token expiring in one of
 * `TOKENHUB_EXPIRY_NOTICE_DAYS` days (default 7, 1 and 0: the day itself) gets one digest naming
 * those tokens: a PAT's owner, and every owner of an organization for its OATs. The digest's
 * dedupe key (`expiry:<user id>:<day>`) makes it exist once per recipient and day, however many
 * processes run the task at once. Only verified addresses of accounts that kept notices on are
 * mailed. Counting days by UTC dates, a token expiring at 2026-03-08T09:00Z is "7 days" away all
 * through 2026-03-01.
 */
import {
  type ExpiringToken,
  findNoticeRecipients,
  listTokensExpiringBetween,
} from '../../storage/expiry-notice.repository.ts';
import type { MaintenanceTask } from '../shared/maintenance.ts';
import { escapeHtml } from './mail-templates.ts';
import { mailEnabled, queueMail } from './outbox.service.ts';

const dayMs = 86_400_000;

interface Notice {
  token: ExpiringToken;
  daysLeft: number;
}

function describe(notice: Notice, publicUrl: string) {
  const { token, daysLeft } = notice;
  const kind =
    token.kind === 'oat' ? `organization access token of ${token.orgName ?? '?'}` : 'personal access token';
  const when = daysLeft === 0 ? 'today' : daysLeft === 1 ? 'tomorrow' : `in ${daysLeft} days`;
  const page =
    token.kind === 'oat' ? `${publicUrl}/orgs/${token.orgName ?? ''}/tokens` : `${publicUrl}/settings/tokens`;
  const lastUsed = token.lastUsedAt ? `last used ${token.lastUsedAt}` : 'never used';
  return {
    text: `- "${token.label}" (${kind}) expires ${when}, at ${token.expiresAt}; ${lastUsed}\n  ${page}`,
    html: `<li><strong>${escapeHtml(token.label)}</strong> (${escapeHtml(kind)}) expires ${when}, at ${escapeHtml(token.expiresAt)}; ${escapeHtml(lastUsed)}. <a href="${escapeHtml(page)}">Open</a></li>`,
  };
}

export const expiryNotices: MaintenanceTask = async (ctx) => {
  const days = ctx.config.mail.expiryNoticeDays;
  if (!mailEnabled(ctx) || days.length === 0) return;
  const now = ctx.clock.now();
  const today = now.toISOString().slice(0, 10);
  const midnight = Date.parse(`${today}T00:00:00.000Z`);
  const byRecipient = new Map<string, Notice[]>();
  for (const daysLeft of days) {
    const from = new Date(Math.max(midnight + daysLeft * dayMs, now.getTime())).toISOString();
    const to = new Date(midnight + (daysLeft + 1) * dayMs).toISOString();
    for (const token of await listTokensExpiringBetween(ctx.db, from, to)) {
      for (const id of token.recipientIds)
        byRecipient.set(id, [...(byRecipient.get(id) ?? []), { token, daysLeft }]);
    }
  }
  const recipients = await findNoticeRecipients(ctx.db, [...byRecipient.keys()]);
  for (const recipient of recipients) {
    if (!recipient.verified || !recipient.expiryNotices) continue;
    const lines = (byRecipient.get(recipient.id) ?? []).map((notice) =>
      describe(notice, ctx.config.publicUrl),
    );
    await queueMail(ctx, ctx.db, {
      to: recipient.email,
      template: 'expiry-digest',
      values: {
        username: recipient.username,
        tokens: lines.map((line) => line.text).join('\n'),
        tokens_html: lines.map((line) => line.html).join(''),
        link: `${ctx.config.publicUrl}/settings/tokens`,
      },
      dedupeKey: `expiry:${recipient.id}:${today}`,
    });
  }
};

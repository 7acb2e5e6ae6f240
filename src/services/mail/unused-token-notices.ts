/**
 * The notice of tokens expired for being unused (services/tokens/unused-token-expiry.ts): one mail
 * per recipient and run naming their tokens: a personal token's owner, and every owner of an
 * organization for its organization tokens. Only verified addresses of accounts that kept expiry
 * notices on are mailed; nothing when mail is off.
 */
import { findNoticeRecipients, listOwnersOfOrgs } from '../../storage/expiry-notice.repository.ts';
import type { ExpiredUnusedToken } from '../../storage/unused-token.repository.ts';
import type { ServiceContext } from '../shared/context.ts';
import { escapeHtml } from './mail-templates.ts';
import { mailEnabled, queueMail } from './outbox.service.ts';

export async function queueUnusedTokenNotices(
  ctx: ServiceContext,
  expired: readonly ExpiredUnusedToken[],
  days: number,
): Promise<void> {
  if (!mailEnabled(ctx) || expired.length === 0) return;
  const owners = await listOwnersOfOrgs(
    ctx.db,
    expired.filter((token) => token.ownerKind === 'org').map((token) => token.ownerId),
  );
  const byRecipient = new Map<string, ExpiredUnusedToken[]>();
  for (const token of expired) {
    const recipients =
      token.ownerKind === 'user'
        ? [token.ownerId]
        : owners.filter((owner) => owner.org_id === token.ownerId).map((owner) => owner.user_id);
    for (const id of recipients) byRecipient.set(id, [...(byRecipient.get(id) ?? []), token]);
  }
  const { publicUrl } = ctx.config;
  for (const recipient of await findNoticeRecipients(ctx.db, [...byRecipient.keys()])) {
    if (!recipient.verified || !recipient.expiryNotices) continue;
    const lines = (byRecipient.get(recipient.id) ?? []).map((token) => {
      const kind =
        token.ownerKind === 'org'
          ? `organization access token of ${token.ownerName}`
          : 'personal access token';
      const lastUsed = token.lastUsedAt ? `last used ${token.lastUsedAt}` : 'never used';
      const page =
        token.ownerKind === 'org'
          ? `${publicUrl}/orgs/${token.ownerName}/tokens`
          : `${publicUrl}/settings/tokens`;
      return {
        text: `- "${token.label}" (${kind}); ${lastUsed}\n  ${page}`,
        html: `<li><strong>${escapeHtml(token.label)}</strong> (${escapeHtml(kind)}); ${escapeHtml(lastUsed)}. <a href="${escapeHtml(page)}">Open</a></li>`,
      };
    });
    await queueMail(ctx, ctx.db, {
      to: recipient.email,
      template: 'unused-expiry',
      values: {
        username: recipient.username,
        days: String(days),
        tokens: lines.map((line) => line.text).join('\n'),
        tokens_html: lines.map((line) => line.html).join(''),
        link: `${publicUrl}/settings/tokens`,
      },
    });
  }
}

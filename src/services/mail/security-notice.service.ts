/**
 * Security notices (docs/mail.md): a mail to the account's verified address when something
 * changed that its owner should know of — a personal access token created, two-factor sign-in
 * turned off, the password changed or reset, a device sign-in approved. An unverified address
 * gets nothing. Queued in the caller's transaction when it passes one.
 */
import type { User } from '../../core/account-rules.ts';
import type { Db } from '../../storage/database.ts';
import { findEmailState } from '../../storage/user-email.repository.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { queueMail } from './outbox.service.ts';

export const securityEvents = {
  'token-created': 'A new personal access token was created',
  '2fa-disabled': 'Two-factor authentication was turned off',
  'password-changed': 'Your password was changed',
  'password-reset': 'Your password was reset',
  'device-approved': 'A sign-in from a device was approved',
} as const;
export type SecurityEvent = keyof typeof securityEvents;

export async function queueSecurityNotice(
  ctx: ServiceContext,
  user: Pick<User, 'id' | 'username'>,
  event: SecurityEvent,
  meta: RequestMeta,
  options: { detail?: string; db?: Db } = {},
): Promise<void> {
  const db = options.db ?? ctx.db;
  const state = await findEmailState(db, user.id);
  if (!state?.verifiedAt) return;
  await queueMail(ctx, db, {
    to: state.email,
    template: 'security-notice',
    values: {
      username: user.username,
      event: securityEvents[event],
      at: ctx.clock.now().toISOString(),
      ip: meta.ip,
      user_agent: meta.userAgent.slice(0, 200),
      detail: options.detail ?? '',
      link: `${ctx.config.publicUrl}/settings/security`,
    },
  });
}

/**
 * Verified addresses (docs/mail.md). Sign-up mails a verification link (24 h, single use); the
 * account works before, but until the address is verified it receives nothing but verification
 * mail, cannot sign in by address and cannot take invites addressed to it. Changing the address
 * needs the password and a link followed from the new address; the address changes only then, and
 * the old address is told. At most one account holds a verified address.
 */
import type { User } from '../../core/account-rules.ts';
import { isMailableAddress } from '../../core/email-address.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { verifyPassword } from '../../core/password-hashing.ts';
import type { Db } from '../../storage/database.ts';
import { isEmailCodeUsable, spendEmailCode } from '../../storage/email-code.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { findUserById } from '../../storage/user.repository.ts';
import {
  findEmailState,
  findUserIdsByVerifiedEmail,
  setExpiryNotices,
  setVerifiedEmail,
} from '../../storage/user-email.repository.ts';
import { hashEmailCode, issueEmailLink, looksLikeEmailCode } from '../mail/email-links.ts';
import { mailEnabled, queueMail } from '../mail/outbox.service.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import { incorrectPassword } from '../sign-in/reauthentication.ts';

/** What the account API and the console show of an account's address. */
export interface EmailStatus {
  email: string;
  verified: boolean;
  expiryNotices: boolean;
}

export async function emailStatus(ctx: ServiceContext, userId: string): Promise<EmailStatus> {
  const state = await findEmailState(ctx.db, userId);
  if (!state) throw new AppError('USER_NOT_FOUND');
  return { email: state.email, verified: state.verifiedAt !== null, expiryNotices: state.expiryNotices };
}

/** Queues a verification link for `email` (the account's address, or the one it changes to) in `tx`. */
async function queueVerification(
  ctx: ServiceContext,
  tx: Db,
  user: Pick<User, 'id' | 'username'>,
  email: string,
) {
  const link = await issueEmailLink(ctx, tx, { userId: user.id, purpose: 'verify-email', email });
  await queueMail(ctx, tx, {
    to: email,
    template: 'verify-email',
    values: { username: user.username, email, link },
  });
}

/** After sign-up: mails the verification link, when this instance sends mail. */
export async function sendSignUpVerification(ctx: ServiceContext, user: User): Promise<void> {
  if (!mailEnabled(ctx)) return;
  await inTransaction(ctx.db, (tx) => queueVerification(ctx, tx, user, user.email));
}

/**
 * Mails a new verification link for the account's address (older links stop working).
 * @throws AppError MAIL_DISABLED, EMAIL_ALREADY_VERIFIED.
 */
export async function resendVerification(ctx: ServiceContext, user: User): Promise<void> {
  if (!mailEnabled(ctx)) throw new AppError('MAIL_DISABLED');
  const state = await findEmailState(ctx.db, user.id);
  if (state?.verifiedAt) throw new AppError('EMAIL_ALREADY_VERIFIED');
  await inTransaction(ctx.db, (tx) => queueVerification(ctx, tx, user, state?.email ?? user.email));
}

/**
 * Asks to change the address: checks the password and mails a verification link to the new
 * address; the account keeps its current address until the link is followed.
 * @throws AppError MAIL_DISABLED, CURRENT_PASSWORD_INCORRECT, VALIDATION_FAILED, EMAIL_TAKEN.
 */
export async function requestEmailChange(
  ctx: ServiceContext,
  userId: string,
  input: { password: string; email: string },
): Promise<void> {
  if (!mailEnabled(ctx)) throw new AppError('MAIL_DISABLED');
  const email = input.email.trim();
  if (!isMailableAddress(email)) throw fieldError('email', 'email must be a valid address');
  const user = await findUserById(ctx.db, userId);
  if (!user || !(await verifyPassword(user.passwordHash, input.password))) {
    throw incorrectPassword();
  }
  const holders = await findUserIdsByVerifiedEmail(ctx.db, email.toLowerCase());
  if (holders.some((id) => id !== user.id)) throw new AppError('EMAIL_TAKEN');
  await inTransaction(ctx.db, (tx) => queueVerification(ctx, tx, user, email));
}

/** Whether a verification link's code can still be used (its page asks before spending it). */
export async function isVerificationCodeUsable(ctx: ServiceContext, code: string): Promise<boolean> {
  return (
    looksLikeEmailCode(code) && isEmailCodeUsable(ctx.db, hashEmailCode(code), 'verify-email', isoNow(ctx))
  );
}

/**
 * Follows a verification link: the address it was sent to becomes the account's verified address.
 * When it replaces another address, that address is told.
 * @returns the account's username and the verified address.
 * @throws AppError EMAIL_CODE_INVALID (unknown, expired or used code), EMAIL_TAKEN.
 */
export async function verifyEmail(
  ctx: ServiceContext,
  code: string,
  meta: RequestMeta,
): Promise<{ username: string; email: string }> {
  if (!looksLikeEmailCode(code)) throw new AppError('EMAIL_CODE_INVALID');
  const now = isoNow(ctx);
  const result = await inTransaction(ctx.db, async (tx) => {
    const spent = await spendEmailCode(tx, hashEmailCode(code), 'verify-email', now);
    const user = spent && (await findUserById(tx, spent.userId));
    if (!spent || !user) throw new AppError('EMAIL_CODE_INVALID');
    const holders = await findUserIdsByVerifiedEmail(tx, spent.email.toLowerCase());
    if (holders.some((id) => id !== user.id)) throw new AppError('EMAIL_TAKEN');
    const oldEmail = user.email;
    await setVerifiedEmail(tx, user.id, spent.email, now);
    const changed = oldEmail.toLowerCase() !== spent.email.toLowerCase();
    if (changed) {
      await queueMail(ctx, tx, {
        to: oldEmail,
        template: 'email-changed',
        values: { username: user.username, old_email: oldEmail, new_email: spent.email, at: now },
      });
    }
    return { user, email: spent.email, oldEmail, changed };
  });
  const { user, email, oldEmail, changed } = result;
  await recordAudit(ctx, {
    account: { id: user.id, name: user.username },
    action: changed ? 'account.email.change' : 'account.email.verify',
    name: user.username,
    actor: { id: user.id, name: user.username },
    meta,
    data: changed ? { from: oldEmail, to: email } : { email },
  });
  return { username: user.username, email };
}

/** Turns token expiry notices on or off for the account. */
export async function setExpiryNoticePreference(ctx: ServiceContext, userId: string, on: boolean) {
  await setExpiryNotices(ctx.db, userId, on, isoNow(ctx));
}

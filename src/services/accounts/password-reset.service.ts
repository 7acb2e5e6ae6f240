/**
 * Account recovery by mail (docs/mail.md). Asking for a reset answers the same whether or not an
 * account has the address: when exactly one account has it verified (and its per-account budget
 * allows), a link (30 min, single use) is mailed. Following it sets a new password, which ends
 * every password session and refresh token of the account (access tokens keep working), is
 * audited, and is mailed as a security notice. The operator can make the same link, or set a
 * password, with `tokenhub admin reset-password`.
 */
import { normalizeUsername, passwordProblem, type User } from '../../core/account-rules.ts';
import { isMailableAddress } from '../../core/email-address.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { hashPassword } from '../../core/password-hashing.ts';
import type { Db } from '../../storage/database.ts';
import { isEmailCodeUsable, spendEmailCode } from '../../storage/email-code.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { findUserById, findUserByUsername, updateUserPassword } from '../../storage/user.repository.ts';
import { findEmailState, findUserIdsByVerifiedEmail } from '../../storage/user-email.repository.ts';
import { hashEmailCode, issueEmailLink, looksLikeEmailCode } from '../mail/email-links.ts';
import { mailEnabled, queueMail } from '../mail/outbox.service.ts';
import { queueSecurityNotice } from '../mail/security-notice.service.ts';
import { type AuditActor, recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

/**
 * The address a reset request names, checked without any I/O (so the answer cannot depend on
 * whether an account has it), lowercased.
 * @throws AppError MAIL_DISABLED, VALIDATION_FAILED (not an address).
 */
export function resetAddressOf(ctx: ServiceContext, email: string): string {
  if (!mailEnabled(ctx)) throw new AppError('MAIL_DISABLED');
  const address = email.trim().toLowerCase();
  if (!isMailableAddress(address)) throw fieldError('email', 'email must be a valid address');
  return address;
}

/** The account a reset request names, if any: the one account whose verified address is `address`. */
export async function findResetAccount(ctx: ServiceContext, address: string): Promise<User | undefined> {
  const ids = await findUserIdsByVerifiedEmail(ctx.db, address);
  return ids.length === 1 && ids[0] ? findUserById(ctx.db, ids[0]) : undefined;
}

/** Mails a reset link to the account's verified address (older reset links stop working). */
export async function sendPasswordReset(ctx: ServiceContext, user: User): Promise<void> {
  const state = await findEmailState(ctx.db, user.id);
  if (!state?.verifiedAt) return;
  await inTransaction(ctx.db, async (tx) => {
    const link = await issueEmailLink(ctx, tx, {
      userId: user.id,
      purpose: 'password-reset',
      email: state.email,
    });
    await queueMail(ctx, tx, {
      to: state.email,
      template: 'password-reset',
      values: { username: user.username, link },
    });
  });
}

/** A one-time reset link for the operator to hand over (`tokenhub admin reset-password`); no mail. */
export async function createResetLink(
  ctx: ServiceContext,
  username: string,
): Promise<{ user: User; link: string }> {
  const user = await findUserByUsername(ctx.db, normalizeUsername(username));
  if (!user) throw new AppError('USER_NOT_FOUND', `no user named ${username.slice(0, 64)}`);
  const link = await inTransaction(ctx.db, (tx) =>
    issueEmailLink(ctx, tx, { userId: user.id, purpose: 'password-reset', email: user.email }),
  );
  return { user, link };
}

export async function isResetCodeUsable(ctx: ServiceContext, code: string): Promise<boolean> {
  return (
    looksLikeEmailCode(code) && isEmailCodeUsable(ctx.db, hashEmailCode(code), 'password-reset', isoNow(ctx))
  );
}

/**
 * Sets the new password of the account (ending its sessions and refresh tokens), audits the
 * change and mails a notice. `findAccount` runs in the same transaction (spending a link's code)
 * and refuses with undefined.
 */
async function replacePassword(
  ctx: ServiceContext,
  newPassword: string,
  findAccount: (tx: Db) => Promise<User | undefined>,
  audit: { action: 'account.password.reset' | 'account.password.admin_reset'; actor?: AuditActor },
  meta: RequestMeta,
): Promise<User> {
  const problem = passwordProblem(newPassword);
  if (problem) throw fieldError('new_password', problem);
  const hash = await hashPassword(newPassword);
  const now = isoNow(ctx);
  const user = await inTransaction(ctx.db, async (tx) => {
    const found = await findAccount(tx);
    if (!found) return undefined;
    await updateUserPassword(tx, found.id, hash, now);
    await queueSecurityNotice(ctx, found, 'password-reset', meta, { db: tx });
    return found;
  });
  if (!user) throw new AppError('EMAIL_CODE_INVALID');
  await recordAudit(ctx, {
    account: { id: user.id, name: user.username },
    action: audit.action,
    name: user.username,
    actor: audit.actor ?? { id: user.id, name: user.username },
    meta,
  });
  return user;
}

/**
 * Follows a reset link: sets `newPassword` and spends the code.
 * @throws AppError VALIDATION_FAILED (a bad password; the link still works), EMAIL_CODE_INVALID.
 */
export async function resetPasswordWithCode(
  ctx: ServiceContext,
  code: string,
  newPassword: string,
  meta: RequestMeta,
): Promise<User> {
  if (!looksLikeEmailCode(code)) throw new AppError('EMAIL_CODE_INVALID');
  const codeHash = hashEmailCode(code);
  // Refuse a dead link before the slow hash.
  if (!(await isEmailCodeUsable(ctx.db, codeHash, 'password-reset', isoNow(ctx)))) {
    throw new AppError('EMAIL_CODE_INVALID');
  }
  return replacePassword(
    ctx,
    newPassword,
    async (tx) => {
      const spent = await spendEmailCode(tx, codeHash, 'password-reset', isoNow(ctx));
      return spent && findUserById(tx, spent.userId);
    },
    { action: 'account.password.reset' },
    meta,
  );
}

/** The operator sets a password (`tokenhub admin reset-password <user> --password-stdin`). */
export async function setPasswordByOperator(
  ctx: ServiceContext,
  username: string,
  newPassword: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<User> {
  const user = await findUserByUsername(ctx.db, normalizeUsername(username));
  if (!user) throw new AppError('USER_NOT_FOUND', `no user named ${username.slice(0, 64)}`);
  return replacePassword(
    ctx,
    newPassword,
    (tx) => findUserById(tx, user.id),
    {
      action: 'account.password.admin_reset',
      actor,
    },
    meta,
  );
}

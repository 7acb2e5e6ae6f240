/**
 * Accounts: sign-up, the operator's create-user, password checks and password change.
 */
import {
  assertValidNewAccount,
  normalizeUsername,
  passwordProblem,
  type User,
} from '../../core/account-rules.ts';
import { isMailableAddress } from '../../core/email-address.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../core/password-hashing.ts';
import { isReservedName } from '../../core/reserved-names.ts';
import { claimNamespace } from '../../storage/namespace.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import {
  findUserById,
  findUserByUsername,
  insertUser,
  updateUserPassword,
} from '../../storage/user.repository.ts';
import { findUserIdsByVerifiedEmail } from '../../storage/user-email.repository.ts';
import { queueSecurityNotice } from '../mail/security-notice.service.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import { sendSignUpVerification } from './email-verification.service.ts';

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  isAdmin?: boolean;
}

/**
 * Creates an account. A reserved name (`TOKENHUB_RESERVED_NAMES`) is refused unless the operator
 * asks (`options.operator`).
 * @throws AppError VALIDATION_FAILED (bad fields, a reserved name), USERNAME_TAKEN.
 */
export async function createAccount(
  ctx: ServiceContext,
  input: NewAccount,
  meta: RequestMeta,
  options: { operator?: boolean } = {},
): Promise<User> {
  const username = normalizeUsername(input.username);
  const email = input.email.trim();
  assertValidNewAccount({ username, email, password: input.password });
  if (!options.operator && isReservedName(username, ctx.config.security.reservedNames))
    throw fieldError('username', `the name ${username} is reserved`);
  const now = isoNow(ctx);
  const user: User = {
    id: newId(),
    username,
    email,
    passwordHash: await hashPassword(input.password),
    isAdmin: input.isAdmin === true,
    createdAt: now,
    updatedAt: now,
    sessionsValidAfter: null,
  };
  // Usernames and organization names share one space; the namespace row decides races.
  await inTransaction(ctx.db, async (tx) => {
    if (!(await claimNamespace(tx, { name: username, kind: 'user', ownerId: user.id }))) {
      throw new AppError('USERNAME_TAKEN');
    }
    await insertUser(tx, user);
  });
  await recordAudit(ctx, {
    account: { id: user.id, name: username },
    action: 'account.create',
    name: username,
    actor: { id: user.id, name: username },
    meta,
  });
  await sendSignUpVerification(ctx, user);
  return user;
}

/**
 * The account an identifier names: a username, or a verified email address (as Docker Hub signs
 * in with either; an unverified address names no account).
 */
export async function findAccountByIdentifier(
  ctx: ServiceContext,
  identifier: string,
): Promise<User | undefined> {
  const name = normalizeUsername(identifier);
  if (!name.includes('@')) return findUserByUsername(ctx.db, name);
  if (!isMailableAddress(name)) return undefined;
  const ids = await findUserIdsByVerifiedEmail(ctx.db, name);
  return ids.length === 1 && ids[0] ? findUserById(ctx.db, ids[0]) : undefined;
}

/**
 * Checks a username (or verified email address) and password. Unknown users cost the same argon2
 * time as known ones.
 * @returns the user, or undefined when either is wrong.
 */
export async function checkPassword(
  ctx: ServiceContext,
  identifier: string,
  password: string,
): Promise<User | undefined> {
  const user = await findAccountByIdentifier(ctx, identifier);
  if (!user) return verifyAgainstDummy(password).then(() => undefined);
  return (await verifyPassword(user.passwordHash, password)) ? user : undefined;
}

/**
 * Changes the password after checking the current one, and ends older Hub sessions.
 * @throws AppError CURRENT_PASSWORD_INCORRECT (a 403 naming the field: the session stays valid),
 *   VALIDATION_FAILED.
 */
export async function changePassword(
  ctx: ServiceContext,
  userId: string,
  input: { currentPassword: string; newPassword: string },
  meta: RequestMeta,
): Promise<void> {
  const user = await findUserById(ctx.db, userId);
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('CURRENT_PASSWORD_INCORRECT', 'the current password is incorrect', {
      fields: { current_password: ['the current password is incorrect'] },
    });
  }
  const problem = passwordProblem(input.newPassword);
  if (problem) throw fieldError('new_password', problem);
  await updateUserPassword(ctx.db, user.id, await hashPassword(input.newPassword), isoNow(ctx));
  await recordAudit(ctx, {
    account: { id: user.id, name: user.username },
    action: 'account.password.change',
    name: user.username,
    actor: { id: user.id, name: user.username },
    meta,
  });
  await queueSecurityNotice(ctx, user, 'password-changed', meta);
}

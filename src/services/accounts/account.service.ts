/**
 * Accounts: sign-up, the operator's create-user, password checks and password change.
 */
import {
  assertValidNewAccount,
  normalizeUsername,
  passwordProblem,
  type User,
} from '../../core/account-rules.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../core/password-hashing.ts';
import { claimNamespace } from '../../storage/namespace.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import {
  findUserById,
  findUserByUsername,
  insertUser,
  updateUserPassword,
} from '../../storage/user.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  isAdmin?: boolean;
}

/**
 * Creates an account.
 * @throws AppError VALIDATION_FAILED (bad fields), USERNAME_TAKEN.
 */
export async function createAccount(
  ctx: ServiceContext,
  input: NewAccount,
  meta: RequestMeta,
): Promise<User> {
  const username = normalizeUsername(input.username);
  const email = input.email.trim();
  assertValidNewAccount({ username, email, password: input.password });
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
  return user;
}

/**
 * Checks a username and password. Unknown users cost the same argon2 time as known ones.
 * @returns the user, or undefined when either is wrong.
 */
export async function checkPassword(
  ctx: ServiceContext,
  identifier: string,
  password: string,
): Promise<User | undefined> {
  const user = await findUserByUsername(ctx.db, normalizeUsername(identifier));
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
}

/**
 * Two-factor sign-in with TOTP (PROTOCOLS.md §1): setup → enable with a code (returns 10 recovery
 * codes, once) → password logins then need a second step; disable with password and a code.
 *
 * - The TOTP secret is sealed with the server key (core/secret-box.ts); recovery codes are stored
 *   as SHA-256 of 80-bit codes.
 * - A code is never accepted twice (the last used time step is claimed atomically), nor is a
 *   recovery code or a login_2fa_token (single use, 5 minutes, at most 5 wrong codes).
 */
import type { User } from '../../core/account-rules.ts';
import { sha256Hex } from '../../core/digest.ts';
import { AppError, errorMessages } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { verifyPassword } from '../../core/password-hashing.ts';
import { randomUrlSafe } from '../../core/random.ts';
import { openSecret, sealSecret } from '../../core/secret-box.ts';
import {
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  totpUri,
} from '../../core/totp.ts';
import { inTransaction } from '../../storage/transaction.ts';
import {
  claimRecoveryCode,
  claimTotpStep,
  clearPendingTotp,
  consumeLoginChallenge,
  countChallengeAttempt,
  countUnusedRecoveryCodes,
  deleteExpiredLoginChallenges,
  disableTotp,
  enableTotp,
  findLoginChallenge,
  findUserTotp,
  insertLoginChallenge,
  savePendingTotp,
} from '../../storage/two-factor.repository.ts';
import { findUserById } from '../../storage/user.repository.ts';
import { queueSecurityNotice } from '../mail/security-notice.service.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

export const loginChallengeTtlSeconds = 300;
export const maxChallengeAttempts = 5;
const totpIssuer = 'tokenhub';

export async function isTwoFactorEnabled(ctx: ServiceContext, userId: string): Promise<boolean> {
  return Boolean((await findUserTotp(ctx.db, userId))?.enabledAt);
}

/** Whether two-factor sign-in is on, and how many recovery codes are left. */
export async function twoFactorState(
  ctx: ServiceContext,
  userId: string,
): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
  return {
    enabled: await isTwoFactorEnabled(ctx, userId),
    recoveryCodesLeft: await countUnusedRecoveryCodes(ctx.db, userId),
  };
}

/**
 * Step 1: the pending secret, made on the first call and answered again by later ones until it is
 * confirmed (`enableTwoFactor`) or cancelled (`cancelTwoFactorSetup`), so an authenticator that
 * already scanned it keeps working across sign-ins. @throws AppError TWO_FACTOR_ALREADY_ENABLED
 */
export async function setUpTwoFactor(
  ctx: ServiceContext,
  user: User,
): Promise<{ secret: string; otpauthUri: string }> {
  const row = await findUserTotp(ctx.db, user.id);
  if (row?.enabledAt) throw new AppError('TWO_FACTOR_ALREADY_ENABLED');
  let secret: string;
  if (row?.pendingSecretSealed) {
    secret = openSecret(ctx.secretKey(), row.pendingSecretSealed);
  } else {
    secret = newTotpSecret();
    await savePendingTotp(ctx.db, user.id, sealSecret(ctx.secretKey(), secret));
  }
  return { secret, otpauthUri: totpUri(secret, user.username, totpIssuer) };
}

/** Forgets a pending (never confirmed) secret; nothing to do when there is none. */
export async function cancelTwoFactorSetup(ctx: ServiceContext, user: User): Promise<void> {
  if (await isTwoFactorEnabled(ctx, user.id)) throw new AppError('TWO_FACTOR_ALREADY_ENABLED');
  await clearPendingTotp(ctx.db, user.id);
}

/** Whether a setup was started and not yet confirmed or cancelled. */
export async function isTwoFactorSetupPending(ctx: ServiceContext, userId: string): Promise<boolean> {
  const row = await findUserTotp(ctx.db, userId);
  return !row?.enabledAt && Boolean(row?.pendingSecretSealed);
}

/** Step 2: a code from the app turns 2FA on. @returns the recovery codes (shown once). */
export async function enableTwoFactor(
  ctx: ServiceContext,
  user: User,
  code: string,
  meta: RequestMeta,
): Promise<string[]> {
  const row = await findUserTotp(ctx.db, user.id);
  if (row?.enabledAt) throw new AppError('TWO_FACTOR_ALREADY_ENABLED');
  if (!row?.pendingSecretSealed) throw new AppError('TWO_FACTOR_NOT_SET_UP');
  const secret = openSecret(ctx.secretKey(), row.pendingSecretSealed);
  const step = matchTotp(secret, code.trim(), ctx.clock.now());
  if (step === undefined) throw incorrectCode('code');
  const codes = newRecoveryCodes();
  await inTransaction(ctx.db, async (tx) => {
    const hashes = codes.map((c) => ({ id: newId(), hash: sha256Hex(normalizeRecoveryCode(c)) }));
    await enableTotp(tx, user.id, row.pendingSecretSealed ?? '', step, isoNow(ctx), hashes);
  });
  await audit(ctx, user, 'account.2fa.enable', meta);
  return codes;
}

/**
 * A wrong code inside a signed-in session: a 403 naming the field, never the 401 of a failed
 * sign-in (the console would take that for an ended session).
 */
export function incorrectCode(
  field: string,
  message: string = errorMessages.TWO_FACTOR_CODE_INCORRECT,
): AppError {
  return new AppError('TWO_FACTOR_CODE_INCORRECT', message, { fields: { [field]: [message] } });
}

/** Turns 2FA off; needs the password and a current code (or a recovery code). */
export async function disableTwoFactor(
  ctx: ServiceContext,
  user: User,
  input: { password: string; code: string },
  meta: RequestMeta,
): Promise<void> {
  if (!(await isTwoFactorEnabled(ctx, user.id))) throw new AppError('TWO_FACTOR_NOT_ENABLED');
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    throw new AppError('CURRENT_PASSWORD_INCORRECT', undefined, {
      fields: { password: [errorMessages.CURRENT_PASSWORD_INCORRECT] },
    });
  }
  try {
    await assertSecondFactor(ctx, user, input.code, meta);
  } catch (error) {
    if (error instanceof AppError && error.code === 'TWO_FACTOR_CODE_INVALID') {
      throw incorrectCode('code', error.message);
    }
    throw error;
  }
  await disableTotp(ctx.db, user.id);
  await audit(ctx, user, 'account.2fa.disable', meta);
  await queueSecurityNotice(ctx, user, '2fa-disabled', meta);
}

/**
 * Checks a TOTP code or a recovery code and uses it up.
 * @throws AppError TWO_FACTOR_CODE_INVALID
 */
export async function assertSecondFactor(
  ctx: ServiceContext,
  user: User,
  rawCode: string,
  meta: RequestMeta,
): Promise<void> {
  const row = await findUserTotp(ctx.db, user.id);
  if (!row?.secretSealed) throw new AppError('TWO_FACTOR_NOT_ENABLED');
  const code = rawCode.trim();
  const step = matchTotp(openSecret(ctx.secretKey(), row.secretSealed), code, ctx.clock.now());
  if (step !== undefined) {
    if (await claimTotpStep(ctx.db, user.id, step)) return;
    throw new AppError('TWO_FACTOR_CODE_INVALID', 'this code was already used; wait for the next one');
  }
  const recovery = normalizeRecoveryCode(code);
  if (
    recovery.length === 16 &&
    (await claimRecoveryCode(ctx.db, user.id, sha256Hex(recovery), isoNow(ctx)))
  ) {
    await audit(ctx, user, 'account.recovery_code.use', meta);
    return;
  }
  throw new AppError('TWO_FACTOR_CODE_INVALID');
}

/** After a correct password: a single-use login_2fa_token for `POST /v2/users/2fa-login`. */
export async function startTwoFactorLogin(ctx: ServiceContext, user: User): Promise<string> {
  const now = ctx.clock.now();
  await deleteExpiredLoginChallenges(ctx.db, now.toISOString());
  const token = randomUrlSafe();
  await insertLoginChallenge(ctx.db, {
    tokenHash: sha256Hex(token),
    userId: user.id,
    expiresAt: new Date(now.getTime() + loginChallengeTtlSeconds * 1000).toISOString(),
    attempts: 0,
    createdAt: now.toISOString(),
  });
  return token;
}

/** The account a pending login_2fa_token belongs to (for per-account limits), if it is still valid. */
export async function twoFactorLoginUserId(
  ctx: ServiceContext,
  loginToken: string,
): Promise<string | undefined> {
  const challenge = await findLoginChallenge(ctx.db, sha256Hex(loginToken));
  if (!challenge || Date.parse(challenge.expiresAt) <= ctx.clock.now().getTime()) return undefined;
  return challenge.userId;
}

/**
 * The second step: the login_2fa_token and a code.
 * @returns the user, whose password was checked in the first step.
 * @throws AppError TWO_FACTOR_CHALLENGE_INVALID (unknown, expired, used, too many attempts), TWO_FACTOR_CODE_INVALID.
 */
export async function finishTwoFactorLogin(
  ctx: ServiceContext,
  loginToken: string,
  code: string,
  meta: RequestMeta,
): Promise<User> {
  const tokenHash = sha256Hex(loginToken);
  const challenge = await findLoginChallenge(ctx.db, tokenHash);
  const now = ctx.clock.now();
  if (!challenge || Date.parse(challenge.expiresAt) <= now.getTime())
    throw new AppError('TWO_FACTOR_CHALLENGE_INVALID');
  const user = await findUserById(ctx.db, challenge.userId);
  if (!user) throw new AppError('TWO_FACTOR_CHALLENGE_INVALID');
  try {
    await assertSecondFactor(ctx, user, code, meta);
  } catch (error) {
    if ((await countChallengeAttempt(ctx.db, tokenHash)) >= maxChallengeAttempts) {
      await consumeLoginChallenge(ctx.db, tokenHash);
    }
    await audit(ctx, user, 'account.login.2fa_failure', meta);
    throw error;
  }
  if (!(await consumeLoginChallenge(ctx.db, tokenHash))) throw new AppError('TWO_FACTOR_CHALLENGE_INVALID');
  return user;
}

async function audit(
  ctx: ServiceContext,
  user: User,
  action:
    | 'account.2fa.enable'
    | 'account.2fa.disable'
    | 'account.recovery_code.use'
    | 'account.login.2fa_failure',
  meta: RequestMeta,
): Promise<void> {
  await recordAudit(ctx, {
    account: { id: user.id, name: user.username },
    action,
    name: user.username,
    actor: { id: user.id, name: user.username },
    meta,
  });
}

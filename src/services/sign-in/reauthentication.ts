/**
 * Checking a signed-in user's password or second factor again, for account changes (changing the
 * password, turning two-factor sign-in off, regenerating recovery codes): the same failure limits
 * as signing in (sign-in-counters.ts), and every failure audited as a failed sign-in (aggregated per
 * address, failure-audit.ts). A stolen session therefore guesses no faster here than at the door.
 *
 * `requireRecentSignIn` guards the changes that would let a stolen session keep the account
 * (enabling two-factor sign-in and its first recovery codes, changing the email address): the
 * password again, or a sign-in within the last five minutes.
 */
import type { User } from '../../core/account-rules.ts';
import { AppError, errorMessages } from '../../core/errors.ts';
import { verifyPassword } from '../../core/password-hashing.ts';
import { limitFailures } from '../rate-limit/failure-limits.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { recordSignInFailure } from './failure-audit.ts';
import { passwordFailureCounters, secondFactorFailureCounters } from './sign-in-counters.ts';

/** What `check` verifies: the password, a second-factor code, or both. */
export type Proof = 'password' | 'code';

/** What a wrong proof throws inside a signed-in session: a 403 naming its field, never the 401 of a failed sign-in. */
const failureCodes: Record<Proof, string> = {
  password: 'CURRENT_PASSWORD_INCORRECT',
  code: 'TWO_FACTOR_CODE_INCORRECT',
};

/** A wrong password inside a signed-in session (the console shows it beside the field). */
export function incorrectPassword(): AppError {
  return new AppError('CURRENT_PASSWORD_INCORRECT', undefined, {
    fields: { password: [errorMessages.CURRENT_PASSWORD_INCORRECT] },
  });
}

/**
 * Runs `check` (which throws CURRENT_PASSWORD_INCORRECT for a wrong password,
 * TWO_FACTOR_CODE_INCORRECT for a wrong code) under the sign-in failure limits of `user` from `meta.ip`, and audits a failure.
 *
 * @example await reauthenticate(ctx, limiter, user, meta, ['password'], () => changePassword(ctx, user.id, input, meta));
 * @throws AppError RATE_LIMITED (429) before running `check` while a limit is reached, or what `check` throws.
 */
export async function reauthenticate<T>(
  ctx: ServiceContext,
  limiter: RateLimiter,
  user: User,
  meta: RequestMeta,
  proofs: readonly Proof[],
  check: () => Promise<T>,
): Promise<T> {
  const counters = [
    ...(proofs.includes('password') ? await passwordFailureCounters(ctx, user.username, meta.ip) : []),
    ...(proofs.includes('code') ? await secondFactorFailureCounters(ctx, user.id, meta.ip) : []),
  ];
  const codes = new Set(proofs.map((proof) => failureCodes[proof]));
  const isFailure = (error: unknown) => error instanceof AppError && codes.has(error.code);
  try {
    return await limitFailures(limiter, counters, check, {
      isFailure,
      message: 'too many failed password or code checks',
    });
  } catch (error) {
    if (isFailure(error))
      await recordSignInFailure(ctx, { id: user.id, name: user.username }, error as AppError, meta);
    throw error;
  }
}

/** How recent a sign-in spares the password (seconds). */
export const recentSignInSeconds = 300;

/**
 * Asks for the password again (checked as `reauthenticate` does) unless the session signed in
 * within the last {@link recentSignInSeconds}.
 * @param proof.signedInAt when the session's sign-in happened (its issue time), if known.
 * @throws AppError RECENT_SIGN_IN_REQUIRED without a password on an older session; as `reauthenticate`.
 */
export async function requireRecentSignIn(
  ctx: ServiceContext,
  limiter: RateLimiter,
  user: User,
  meta: RequestMeta,
  proof: { password?: string | undefined; signedInAt?: Date | undefined },
): Promise<void> {
  if (proof.password !== undefined) {
    const password = proof.password;
    await reauthenticate(ctx, limiter, user, meta, ['password'], async () => {
      if (!(await verifyPassword(user.passwordHash, password))) throw incorrectPassword();
    });
    return;
  }
  const ageMs = proof.signedInAt ? ctx.clock.now().getTime() - proof.signedInAt.getTime() : Infinity;
  if (ageMs > recentSignInSeconds * 1000) throw new AppError('RECENT_SIGN_IN_REQUIRED');
}

/**
 * Getting back in when a second factor is lost: an account regenerates its recovery codes (with
 * its password and a current code; the old codes stop working), and the operator turns two-factor
 * sign-in off for an account (`tokenhub admin disable-2fa`). Both are audited; turning it off is
 * mailed as a security notice.
 */
import { normalizeUsername, type User } from '../../core/account-rules.ts';
import { sha256Hex } from '../../core/digest.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { verifyPassword } from '../../core/password-hashing.ts';
import { newRecoveryCodes, normalizeRecoveryCode } from '../../core/totp.ts';
import { replaceRecoveryCodes } from '../../storage/recovery-code.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { disableTotp } from '../../storage/two-factor.repository.ts';
import { findUserByUsername } from '../../storage/user.repository.ts';
import { queueSecurityNotice } from '../mail/security-notice.service.ts';
import { type AuditActor, recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { incorrectPassword } from './reauthentication.ts';
import { assertSecondFactor, incorrectCode, isTwoFactorEnabled } from './two-factor.service.ts';

/**
 * New recovery codes (shown once); the previous ones stop working.
 * @throws AppError TWO_FACTOR_NOT_ENABLED, CURRENT_PASSWORD_INCORRECT, TWO_FACTOR_CODE_INCORRECT.
 */
export async function regenerateRecoveryCodes(
  ctx: ServiceContext,
  user: User,
  input: { password: string; code: string },
  meta: RequestMeta,
): Promise<string[]> {
  if (!(await isTwoFactorEnabled(ctx, user.id))) throw new AppError('TWO_FACTOR_NOT_ENABLED');
  if (!(await verifyPassword(user.passwordHash, input.password))) throw incorrectPassword();
  try {
    await assertSecondFactor(ctx, user, input.code, meta);
  } catch (error) {
    if (error instanceof AppError && error.code === 'TWO_FACTOR_CODE_INVALID')
      throw incorrectCode('code', error.message);
    throw error;
  }
  const codes = newRecoveryCodes();
  const hashes = codes.map((code) => ({ id: newId(), hash: sha256Hex(normalizeRecoveryCode(code)) }));
  await inTransaction(ctx.db, (tx) => replaceRecoveryCodes(tx, user.id, hashes));
  await recordAudit(ctx, {
    account: { id: user.id, name: user.username },
    action: 'account.recovery_code.regenerate',
    name: user.username,
    actor: { id: user.id, name: user.username },
    meta,
  });
  return codes;
}

/**
 * The operator turns two-factor sign-in off for `username` (its recovery codes go too).
 * @returns whether it was on.
 * @throws AppError USER_NOT_FOUND.
 */
export async function disableTwoFactorByOperator(
  ctx: ServiceContext,
  username: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<{ user: User; wasEnabled: boolean }> {
  const user = await findUserByUsername(ctx.db, normalizeUsername(username));
  if (!user) throw new AppError('USER_NOT_FOUND', `no user named ${username.slice(0, 64)}`);
  const wasEnabled = await isTwoFactorEnabled(ctx, user.id);
  if (!wasEnabled) return { user, wasEnabled };
  await inTransaction(ctx.db, async (tx) => {
    await disableTotp(tx, user.id);
    await queueSecurityNotice(ctx, user, '2fa-disabled', meta, {
      db: tx,
      detail: 'By the instance operator.',
    });
  });
  await recordAudit(ctx, {
    account: { id: user.id, name: user.username },
    action: 'account.2fa.admin_disable',
    name: user.username,
    actor,
    meta,
  });
  return { user, wasEnabled };
}

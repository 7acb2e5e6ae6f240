/**
 * Signing in at the Hub (the login routes and the web console): check the credential, start the
 * second step when two-factor sign-in is on, and audit successes and failures. Failures are logged
 * against the named account only when it exists (aggregated per address and window,
 * failure-audit.ts); callers never tell the client which.
 */
import { AppError } from '../../core/errors.ts';
import { findAccountByIdentifier } from '../accounts/account.service.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { authenticateCredentials, SecondFactorRequired } from './credentials.service.ts';
import { recordSignInFailure } from './failure-audit.ts';
import { startTwoFactorLogin } from './two-factor.service.ts';
import { auditActorOf, type Principal, principalAccount } from './who-asks.ts';

/** Who signed in, or the login_2fa_token of the second step. */
export type LoginOutcome = { principal: Principal } | { loginToken: string };

/** @throws AppError INVALID_CREDENTIALS, TOKEN_EXPIRED, TOKEN_INACTIVE (audited). */
export async function attemptLogin(
  ctx: ServiceContext,
  identifier: string,
  secret: string,
  meta: RequestMeta,
): Promise<LoginOutcome> {
  try {
    return { principal: (await authenticateCredentials(ctx, identifier, secret, meta)).principal };
  } catch (error) {
    if (error instanceof SecondFactorRequired)
      return { loginToken: await startTwoFactorLogin(ctx, error.user) };
    if (error instanceof AppError) await recordLoginFailure(ctx, identifier, error, meta);
    throw error;
  }
}

export async function recordLoginSuccess(
  ctx: ServiceContext,
  principal: Principal,
  meta: RequestMeta,
  twoFactor = false,
): Promise<void> {
  const account = principalAccount(principal);
  await recordAudit(ctx, {
    account,
    action: 'account.login.success',
    name: account.name,
    actor: auditActorOf(principal),
    meta,
    data: {
      method: principal.kind,
      ...(twoFactor ? { two_factor: true } : {}),
      ...(principal.kind === 'password' ? {} : { uuid: principal.token.id }),
    },
  });
}

async function recordLoginFailure(
  ctx: ServiceContext,
  identifier: string,
  error: AppError,
  meta: RequestMeta,
) {
  const user = await findAccountByIdentifier(ctx, identifier);
  if (!user) return;
  await recordSignInFailure(ctx, { id: user.id, name: user.username }, error, meta);
}

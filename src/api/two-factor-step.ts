/**
 * The second step of a password sign-in with two-factor on (PROTOCOLS.md §1), shared by the Hub
 * login routes and the web console.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../core/account-rules.ts';
import { AppError, errorMessages } from '../core/errors.ts';
import type { RequestMeta, ServiceContext } from '../services/shared/context.ts';
import { finishTwoFactorLogin, twoFactorLoginUserId } from '../services/sign-in/two-factor.service.ts';
import type { SecondStepRequired } from './contract/accounts.contract.ts';
import type { RouteThrottles } from './throttle.ts';

/** 401 with Docker Hub's message and the single-use `login_2fa_token` for the second step. */
export function secondStepReply(reply: FastifyReply, loginToken: string): FastifyReply {
  const message = errorMessages.TWO_FACTOR_REQUIRED;
  const body: SecondStepRequired = { detail: message, message, login_2fa_token: loginToken };
  return reply.status(401).send(body);
}

/**
 * Checks the code for a login_2fa_token, with wrong codes limited per account and address (on top
 * of the token's own five attempts; api/throttle.ts).
 * @throws AppError TWO_FACTOR_CHALLENGE_INVALID, TWO_FACTOR_CODE_INVALID, RATE_LIMITED.
 */
export async function finishSecondStep(
  ctx: ServiceContext,
  throttles: RouteThrottles,
  request: FastifyRequest,
  reply: FastifyReply,
  input: { loginToken: string; code: string },
  meta: RequestMeta,
): Promise<User> {
  const userId = await twoFactorLoginUserId(ctx, input.loginToken);
  if (!userId) throw new AppError('TWO_FACTOR_CHALLENGE_INVALID');
  return throttles.twoFactorAttempt(request, reply, userId, () =>
    finishTwoFactorLogin(ctx, input.loginToken, input.code, meta),
  );
}

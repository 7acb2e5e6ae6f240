import type { FastifyReply } from 'fastify';
import { errorCatalogue } from '../core/errors.ts';

/**
 * The answer to a correct password when two-factor sign-in is on (PROTOCOLS.md §1): 401 with
 * Docker Hub's message and the single-use `login_2fa_token` for the second step.
 */
export function secondStepReply(reply: FastifyReply, loginToken: string): FastifyReply {
  const message = errorCatalogue.TWO_FACTOR_REQUIRED.message;
  return reply.status(401).send({ detail: message, message, login_2fa_token: loginToken });
}

/**
 * Hub API authentication. Every route states which principal kinds it accepts:
 * `guard(['password'])` for account administration and token management, `guard(['password',
 * 'pat'])` where a PAT-derived session may act. Missing or bad credentials answer 401; a session of
 * a kind the route does not accept answers 403 with Docker Hub's message. The web console's cookie
 * session is accepted too (console-session.ts), with a CSRF check on state-changing requests.
 */
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { User } from '../core/account-rules.ts';
import { AppError } from '../core/errors.ts';
import { looksLikeTokenSecret } from '../core/token-secret.ts';
import type { HubSessions } from '../services/sign-in/hub-session.service.ts';
import type { Principal, PrincipalKind } from '../services/sign-in/who-asks.ts';
import { type ConsoleCsrf, consoleCookieName, csrfHeaderName } from './console-session.ts';
import { requestMeta } from './request-meta.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a `guard` pre-handler; routes without a guard never read it. */
    principal?: Principal;
  }
}

/** Reads the bearer JWT (`Authorization: Bearer <jwt>`, or Docker Hub's older `JWT <jwt>`). */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^(?:Bearer|JWT)\s+(\S+)$/i.exec(header);
  if (!match?.[1])
    throw new AppError('AUTHENTICATION_REQUIRED', 'the Authorization header must be "Bearer <token>"');
  return match[1];
}

export function createGuard(sessions: HubSessions, tokenPrefix: string, csrf: ConsoleCsrf) {
  /**
   * @param allowed principal kinds the route accepts.
   * @param options.optional the route also serves anonymous callers (`request.principal` unset);
   *   credentials that are sent must still be valid.
   */
  return function guard(
    allowed: readonly PrincipalKind[],
    options: { optional?: boolean } = {},
  ): preHandlerAsyncHookHandler {
    return async (request: FastifyRequest, _reply: FastifyReply) => {
      const bearer = bearerToken(request);
      // The console's cookie counts only without an Authorization header, and needs the CSRF token.
      const cookieJwt = bearer ? undefined : request.cookies?.[consoleCookieName];
      if (cookieJwt && !csrf.allows(request.method, cookieJwt, request.headers[csrfHeaderName])) {
        throw new AppError('CSRF_INVALID');
      }
      const jwt = bearer ?? cookieJwt;
      if (!jwt) {
        if (options.optional) return;
        throw new AppError('AUTHENTICATION_REQUIRED');
      }
      if (looksLikeTokenSecret(tokenPrefix, jwt)) {
        throw new AppError(
          'SESSION_INVALID',
          'an access token is not a session: exchange it at POST /v2/auth/token or /v2/users/login first',
        );
      }
      const principal = await sessions.verify(jwt, requestMeta(request));
      if (!allowed.includes(principal.kind)) {
        throw new AppError(deniedCode[principal.kind]);
      }
      request.principal = principal;
    };
  };
}

export type Guard = ReturnType<typeof createGuard>;

/** Docker Hub's refusals for a session of a kind the route does not accept. */
const deniedCode = {
  password: 'FORBIDDEN',
  pat: 'PAT_NOT_ALLOWED',
  oat: 'OAT_NOT_ALLOWED',
  oidc: 'OIDC_NOT_ALLOWED',
} as const;

/**
 * The signed-in account of a route whose guard accepts only account sessions (password, PAT);
 * throws if the guard let an OAT or OIDC session through (a bug, so a 500).
 */
export function accountOf(request: FastifyRequest): User {
  const principal = principalOf(request);
  if (principal.kind === 'oat' || principal.kind === 'oidc') {
    throw new Error(`route ${request.routeOptions.url} lets ${principal.kind} sessions in`);
  }
  return principal.user;
}

/** The principal a guard set; throws if a route forgot its guard (a bug, so a 500). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error(`route ${request.routeOptions.url} has no guard`);
  return request.principal;
}

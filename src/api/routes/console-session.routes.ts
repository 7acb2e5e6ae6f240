/**
 * Web console sign-in: the session lives in an HttpOnly cookie (console-session.ts), the reply
 * carries the CSRF token the console sends back on every change. Passwords only (a token as the
 * password is refused: the console manages tokens, which needs a password session), with the
 * two-factor step when it is on.
 *
 *   POST /v2/console/session {username, password}        → 200 {username, csrf_token} + cookie, or 401 {login_2fa_token}
 *   POST /v2/console/session/2fa {login_2fa_token, code}  → 200 {username, csrf_token} + cookie
 *   GET /v2/console/session                               → 200 {username, csrf_token, …} or 401
 *   DELETE /v2/console/session                            → 204, session ended on the server, cookie cleared
 */
import type { FastifyReply } from 'fastify';
import { decodeJwt } from 'jose';
import { Type } from 'typebox';
import type { User } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import type { RequestMeta } from '../../services/shared/context.ts';
import { endAccountSession } from '../../services/sign-in/account-session.service.ts';
import { attemptLogin, recordLoginSuccess } from '../../services/sign-in/hub-login.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { consoleCookieName, consoleCookieOptions } from '../console-session.ts';
import {
  type ConsoleSession,
  loginBody,
  secondStepBody,
  consoleSessionObject as sessionObject,
} from '../contract/accounts.contract.ts';
import { errorReplies } from '../contract/common.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { finishSecondStep, secondStepReply } from '../two-factor-step.ts';

/** The JWT of `Authorization: Bearer <jwt>`, if that is the header's shape. */
function bearerJwt(header: string | undefined): string | undefined {
  return header ? /^(?:Bearer|JWT)\s+(\S+)$/i.exec(header)?.[1] : undefined;
}

export async function consoleSessionRoutes(
  app: App,
  { ctx, sessions, csrf, guard, throttles }: RouteDeps,
): Promise<void> {
  const tags = ['web console'];
  const ttl = ctx.config.consoleSessionTtlSeconds;

  async function startSession(reply: FastifyReply, user: User, meta: RequestMeta, twoFactor: boolean) {
    const principal = { kind: 'password', user } as const;
    await recordLoginSuccess(ctx, principal, meta, twoFactor);
    const jwt = await sessions.start(principal, { kind: 'console', meta, ttlSeconds: ttl });
    reply.setCookie(consoleCookieName, jwt, consoleCookieOptions(ctx.config, ttl));
    return sessionReply(user, jwt, new Date(ctx.clock.now().getTime() + ttl * 1000));
  }

  function sessionReply(user: User, jwt: string, expiresAt: Date): ConsoleSession {
    return {
      username: user.username,
      email: user.email,
      is_admin: user.isAdmin,
      csrf_token: csrf.tokenFor(jwt),
      expires_at: expiresAt.toISOString(),
    };
  }

  app.post(
    '/v2/console/session',
    {
      schema: {
        tags,
        summary: 'Sign in to the web console with a password (sets the session cookie)',
        body: loginBody,
        response: { 200: sessionObject, ...errorReplies(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request);
      const { username, password } = request.body;
      const outcome = await throttles.loginAttempt(
        request,
        reply,
        { identifier: username, secret: password },
        () => attemptLogin(ctx, username, password, meta),
      );
      if ('loginToken' in outcome) return secondStepReply(reply, outcome.loginToken);
      if (outcome.principal.kind !== 'password') {
        throw new AppError(
          'INVALID_CREDENTIALS',
          'sign in to the console with your password, not an access token',
        );
      }
      return startSession(reply, outcome.principal.user, meta, false);
    },
  );

  app.post(
    '/v2/console/session/2fa',
    {
      schema: {
        tags,
        summary: 'Second step of a console sign-in with two-factor on',
        body: secondStepBody,
        response: { 200: sessionObject, ...errorReplies(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request);
      const { login_2fa_token: loginToken, code } = request.body;
      const user = await finishSecondStep(ctx, throttles, request, reply, { loginToken, code }, meta);
      return startSession(reply, user, meta, true);
    },
  );

  app.get(
    '/v2/console/session',
    {
      preHandler: guard(['password']),
      schema: {
        tags,
        summary: 'The console session (and its CSRF token) when the cookie is valid',
        response: { 200: sessionObject, ...errorReplies(401, 403) },
      },
    },
    async (request) => {
      const user = accountOf(request);
      const jwt = request.cookies[consoleCookieName];
      if (!jwt) throw new AppError('AUTHENTICATION_REQUIRED', 'no console session cookie');
      // The guard verified this cookie's session; its expiry is the JWT's own.
      return sessionReply(user, jwt, new Date((decodeJwt(jwt).exp ?? 0) * 1000));
    },
  );

  app.delete(
    '/v2/console/session',
    {
      schema: {
        tags,
        summary:
          'Sign out: ends the session of the cookie (or of the bearer JWT) on the server, and clears the cookie',
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      // No guard: signing out must work with an expired or already-ended cookie too.
      const jwt = bearerJwt(request.headers.authorization) ?? request.cookies[consoleCookieName];
      const current = jwt ? await sessions.sessionOf(jwt) : undefined;
      if (current) {
        await endAccountSession(ctx, current.user, current.sessionId, requestMeta(request)).catch(
          () => undefined,
        );
      }
      reply.clearCookie(consoleCookieName, { path: '/' });
      return reply.status(204).send(null);
    },
  );
}

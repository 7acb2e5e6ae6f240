/**
 * Password sessions on the server (tokenhub extension):
 *
 *   GET /v2/users/me/sessions               → 200 {results: [session…]}, the live ones, `current` marked
 *   DELETE /v2/users/me/sessions/{id}       → 204; that session's cookie or JWT is refused from now on
 *   DELETE /v2/users/me/sessions            → 204; every session but the caller's own ends
 *   POST /v2/auth/cli-session {device?}     → 201 {session_id, refresh_token, expires_at} (a password session)
 *   POST /v2/auth/refresh {refresh_token}   → 200 {access_token, session_id, expires_at}
 *
 * `tokenhub login` opens a CLI session and keeps only its refresh token (0600); each command trades
 * it for a short session JWT, so token management works without asking for the password again.
 */
import type { FastifyReply } from 'fastify';
import type { AccountSession } from '../../core/account-session.ts';
import {
  endAccountSession,
  endOtherAccountSessions,
  listAccountSessions,
  openAccountSession,
  redeemRefreshToken,
} from '../../services/sign-in/account-session.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf, principalOf } from '../auth.ts';
import {
  type AccountSessionObject,
  accountSessionList,
  cliSessionBody,
  cliSessionObject,
  refreshBody,
  refreshedSessionObject,
  sessionIdParam,
} from '../contract/account-sessions.contract.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

function sessionObject(session: AccountSession, currentId: string | undefined): AccountSessionObject {
  return {
    id: session.id,
    kind: session.kind,
    device: session.device,
    ip: session.ip,
    user_agent: session.userAgent,
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    expires_at: session.expiresAt,
    current: session.id === currentId,
  };
}

/** The caller's own session id, when it signed in with a server-side password session. */
function currentSessionId(principal: ReturnType<typeof principalOf>): string | undefined {
  return principal.kind === 'password' ? principal.sessionId : undefined;
}

/** Answers that carry a secret or a session are never cached. */
function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
}

export async function accountSessionRoutes(
  app: App,
  { ctx, guard, sessions, throttles }: RouteDeps,
): Promise<void> {
  const route = guardedRoute(guard(['password']), 'sessions');

  app.get(
    '/v2/users/me/sessions',
    route({
      summary: 'Your password sessions that have not ended: console, API logins and tokenhub login',
      response: { 200: accountSessionList, ...errorReplies(401, 403) },
    }),
    async (request) => {
      const current = currentSessionId(principalOf(request));
      const list = await listAccountSessions(ctx, accountOf(request));
      return { results: list.map((s) => sessionObject(s, current)) };
    },
  );

  app.delete(
    '/v2/users/me/sessions/:id',
    route({
      summary: 'End one of your sessions: its cookie, JWT or refresh token is refused from now on',
      params: sessionIdParam,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      await endAccountSession(ctx, accountOf(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/v2/users/me/sessions',
    route({
      summary: 'End every session but the one making this request',
      response: noContentReplies(401, 403),
    }),
    async (request, reply) => {
      await endOtherAccountSessions(
        ctx,
        accountOf(request),
        currentSessionId(principalOf(request)),
        requestMeta(request),
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v2/auth/cli-session',
    route({
      summary: 'Open a CLI session (tokenhub login): a refresh token, shown once, for short session JWTs',
      body: cliSessionBody,
      response: { 201: cliSessionObject, ...errorReplies(400, 401, 403) },
    }),
    async (request, reply) => {
      const { session, refreshToken } = await openAccountSession(ctx, accountOf(request), {
        kind: 'cli',
        ttlSeconds: ctx.config.sessions.cliTtlSeconds,
        meta: requestMeta(request),
        ...(request.body.device !== undefined ? { device: request.body.device } : {}),
      });
      noStore(reply);
      return reply.status(201).send({
        session_id: session.id,
        refresh_token: refreshToken ?? '',
        expires_at: session.expiresAt,
      });
    },
  );

  app.post(
    '/v2/auth/refresh',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Trade a CLI session refresh token for a session JWT (password session rights)',
        body: refreshBody,
        response: { 200: refreshedSessionObject, ...errorReplies(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { user, session } = await throttles.secretAttempt(request, reply, () =>
        redeemRefreshToken(ctx, request.body.refresh_token, requestMeta(request)),
      );
      noStore(reply);
      return {
        access_token: await sessions.issue({ kind: 'password', user, sessionId: session.id }),
        session_id: session.id,
        expires_at: session.expiresAt,
      };
    },
  );
}

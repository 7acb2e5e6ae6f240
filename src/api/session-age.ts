/**
 * When the session of a request signed in: the issue time of its JWT (`iat_ms`, else `iat`), which
 * is the moment of the sign-in, since sessions are only ever issued by signing in. Read after the
 * route's guard verified the JWT; undefined when there is none.
 */
import type { FastifyRequest } from 'fastify';
import { bearerToken } from './auth.ts';
import { consoleCookieName } from './console-session.ts';

export function sessionSignedInAt(request: FastifyRequest): Date | undefined {
  const jwt = bearerToken(request) ?? request.cookies?.[consoleCookieName];
  const payload = jwt?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof claims.iat_ms === 'number') return new Date(claims.iat_ms);
    return typeof claims.iat === 'number' ? new Date(claims.iat * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `Cache-Control: no-store` on every answer that does not choose its own caching (docs/security.md):
 * login and session answers, token secrets (PATs, OATs, desktop and device tokens, registry
 * tokens, OIDC exchanges), two-factor secrets and recovery codes, and every other API answer, so
 * that no browser, proxy or CDN keeps a copy. Only the console's static files set their own policy
 * (web-console.routes.ts), which replaces this one.
 */
import type { FastifyInstance } from 'fastify';

/** Set when the request arrives (one header, no hook on the way out); a route may replace it. */
export function registerNoStore(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store');
    done();
  });
}

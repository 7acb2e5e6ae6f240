/**
 * The options every guarded Hub route repeats: its guard as the pre-handler, its OpenAPI tag and
 * bearer security, and (for the organization routes) the organization error shape. The schema is
 * passed through with its types, so Fastify still infers each route's request from it.
 *
 * @example
 *   const route = guardedRoute(guard(['password']), 'personal access tokens');
 *   app.get('/v2/access-tokens', route({ summary, querystring, response }), handler);
 */
import type { FastifyContextConfig, FastifySchema, preHandlerAsyncHookHandler } from 'fastify';

export function guardedRoute(
  preHandler: preHandlerAsyncHookHandler,
  tag: string,
  config?: FastifyContextConfig,
) {
  return <S extends FastifySchema>(schema: S) => ({
    ...(config ? { config } : {}),
    preHandler,
    schema: { tags: [tag], security: [{ bearer: [] }], ...schema },
  });
}

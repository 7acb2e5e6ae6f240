import { sql } from 'kysely';
import { Type } from 'typebox';
import type { App, RouteDeps } from '../app.ts';

const statusReply = Type.Object({ status: Type.String() });

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers). */
export async function healthRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: statusReply } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['health'], response: { 200: statusReply, 503: statusReply } } },
    async (_request, reply) => {
      try {
        await sql`select 1`.execute(ctx.db);
        return { status: 'ready' };
      } catch (error) {
        ctx.log.warn({ err: error }, 'readiness check failed');
        return reply.status(503).send({ status: 'database unavailable' });
      }
    },
  );
}

import { sql } from 'kysely';
import { Type } from 'typebox';
import { storeFaultOf } from '../../storage/store-faults.ts';
import type { App, RouteDeps } from '../app.ts';

const statusReply = Type.Object({ status: Type.String() });

/**
 * Liveness (`/healthz`: the process answers, whatever the store does) and readiness (`/readyz`:
 * the store answers a read within `TOKENHUB_DATABASE_TIMEOUT_MS`; 503 naming the cause while it
 * does not). An outage is logged once where it is met (storage/store-health.ts), not per probe.
 */
export async function healthRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.get('/healthz', { schema: { tags: ['health'], response: { 200: statusReply } } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['health'], response: { 200: statusReply, 503: statusReply } } },
    async (request, reply) => {
      try {
        await sql`select 1`.execute(ctx.db);
        return { status: 'ready' };
      } catch (error) {
        const fault = storeFaultOf(error);
        if (!fault) request.log.warn({ err: error }, 'readiness check failed');
        const why = fault ? ` (${fault.reason})` : '';
        return reply.status(503).send({ status: `database unavailable${why}` });
      }
    },
  );
}

/**
 * Periodic housekeeping every process runs (idempotent, so several processes may run it at once):
 * audit retention and expired two-factor login tokens. Runs once at start and then every
 * `intervalMs` on an unref'd timer; failures are logged and retried at the next run.
 */
import { deleteAuditEventsBefore } from '../../storage/audit.repository.ts';
import { deleteExpiredLoginChallenges } from '../../storage/two-factor.repository.ts';
import type { ServiceContext } from './context.ts';

export type MaintenanceTask = (ctx: ServiceContext) => Promise<void>;

export const auditRetention: MaintenanceTask = async (ctx) => {
  if (ctx.config.auditRetentionDays === 0) return;
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.config.auditRetentionDays * 86_400_000);
  const deleted = await deleteAuditEventsBefore(ctx.db, cutoff.toISOString());
  if (deleted > 0) ctx.log.info({ deleted, cutoff }, 'audit retention: old events deleted');
};

export const expiredLoginChallenges: MaintenanceTask = async (ctx) => {
  await deleteExpiredLoginChallenges(ctx.db, ctx.clock.now().toISOString());
};

export async function runMaintenance(ctx: ServiceContext, tasks: readonly MaintenanceTask[]): Promise<void> {
  for (const task of tasks) {
    try {
      await task(ctx);
    } catch (error) {
      ctx.log.warn({ err: error, task: task.name }, 'maintenance task failed; will retry');
    }
  }
}

/** Starts the periodic run; returns a function that stops it. */
export function startMaintenance(
  ctx: ServiceContext,
  tasks: readonly MaintenanceTask[],
  intervalMs: number,
): () => void {
  const timer = setInterval(() => void runMaintenance(ctx, tasks), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

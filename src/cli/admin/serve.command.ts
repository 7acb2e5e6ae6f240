/**
 * `tokenhub serve`: migrate, build the app, listen; on SIGINT/SIGTERM stop accepting, flush the
 * buffered last-used writes, close the store. With more than one worker (`--workers`,
 * `TOKENHUB_WORKERS`) this process becomes a node:cluster primary (serve-cluster.ts) and each
 * worker, re-running the same command, takes the single-process path below.
 */

import cluster from 'node:cluster';
import { buildApp, createLogger, maintenanceTasks } from '../../api/app.ts';
import { loadConfig, redactUrl } from '../../config.ts';
import { runMaintenance } from '../../services/shared/maintenance.ts';
import { openDatabase } from '../../storage/database.ts';
import { migrateToLatest } from '../../storage/migrate.ts';
import { runClusterPrimary } from './serve-cluster.ts';

/** @param options.workers overrides `TOKENHUB_WORKERS`; 1 serves from this process. */
export async function serve(options: { workers?: number } = {}): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  let workers = cluster.isWorker ? 1 : (options.workers ?? config.workers);
  if (workers > 1 && config.database.dialect === 'sqlite' && config.database.path === ':memory:') {
    logger.warn({ workers }, 'an in-memory SQLite database cannot be shared: serving from one process');
    workers = 1;
  }
  if (workers > 1) {
    const store = openDatabase(config.database);
    await migrateToLatest(store);
    await store.destroy();
    process.exit(await runClusterPrimary({ workers, logger, nodeOptions: config.nodeOptions }));
  }
  const db = openDatabase(config.database);
  if (cluster.isPrimary) await migrateToLatest(db);
  const app = await buildApp({ config, db, logger });
  await runMaintenance(app.services, maintenanceTasks);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A worker whose primary is gone stops too (its buffered last-used times are still written).
  if (cluster.isWorker) process.on('disconnect', () => void stop('disconnect'));
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info(
    {
      address,
      ...(cluster.isWorker ? { worker: cluster.worker?.id } : {}),
      publicUrl: config.publicUrl,
      database: config.database.dialect === 'sqlite' ? config.database.path : redactUrl(config.database.url),
    },
    'tokenhub listening',
  );
}

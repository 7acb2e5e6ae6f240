/**
 * `tokenhub serve`: one serving process (`serve-process.ts`), or, with more than one worker
 * (`--workers`, `TOKENHUB_WORKERS`), a node:cluster primary that supervises them
 * (`serve-cluster.ts`); each worker re-runs this command and takes the serving path. The primary
 * loads neither the application nor the store drivers: it serves nothing and stays small.
 */
import cluster from 'node:cluster';
import { createLogger } from '../../api/logger.ts';
import { loadConfig } from '../../config.ts';

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
    const { runClusterPrimary } = await import('./serve-cluster.ts');
    runClusterPrimary({ config, workers, logger });
    return;
  }
  const { serveProcess } = await import('./serve-process.ts');
  await serveProcess({ config, logger });
}

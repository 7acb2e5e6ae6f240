/**
 * One serving process: `tokenhub serve --workers 1`, or a worker of a cluster (serve-cluster.ts).
 *
 * Start: open the store (bounded by `TOKENHUB_DATABASE_TIMEOUT_MS`), build the app, listen. When
 * the database cannot be reached, a single process logs it and tries again (restart-policy.ts)
 * until it can; a worker logs it and exits with `storeUnavailableExitCode`, and its primary starts
 * it again later. A single process migrates the schema first; a cluster's primary does that for
 * its workers before it starts them.
 *
 * A worker listens on a socket of its own (`exclusive`) with `SO_REUSEPORT`, on Linux: the kernel
 * spreads connections over the workers, and a connection belongs to its worker from the start, so
 * one that dies takes its connections with it (their clients see a reset) instead of leaving them
 * queued in the primary. Elsewhere workers share the primary's socket (node:cluster round robin).
 *
 * Stop (SIGTERM, SIGINT, or a worker's primary gone): stop accepting, let requests in flight
 * finish, write the buffered last-used times, close the store, exit 0. Still running after
 * `TOKENHUB_SHUTDOWN_GRACE_SECONDS`: exit 1.
 */
import cluster from 'node:cluster';
import type { FastifyListenOptions } from 'fastify';
import type { Logger } from 'pino';
import { type App, buildApp, type ClusterChannel, maintenanceTasks } from '../../api/app.ts';
import { type Config, redactUrl } from '../../config.ts';
import { runMaintenance } from '../../services/shared/maintenance.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { migrateToLatest } from '../../storage/migrate.ts';
import { storeFaultOf } from '../../storage/store-faults.ts';
import { retryDelayMs, sleep, storeUnavailableExitCode } from './restart-policy.ts';

/** A worker's message to its primary once it listens (the port, when the primary let it choose). */
export type ListeningMessage = { tokenhub: 'listening'; port: number };

export async function serveProcess({ config, logger }: { config: Readonly<Config>; logger: Logger }) {
  const inWorker = cluster.isWorker;
  let served: { app: App; db: Db } | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const graceSeconds = config.shutdownGraceSeconds;
    setTimeout(() => {
      logger.error(
        { graceSeconds },
        `still stopping after ${graceSeconds} s: exiting without waiting further`,
      );
      process.exit(1);
    }, graceSeconds * 1000).unref();
    try {
      await served?.app.close();
      await served?.db.destroy();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A worker whose primary is gone stops too (its buffered last-used times are still written).
  if (inWorker) process.on('disconnect', () => void stop('disconnect'));

  for (let attempt = 0; served === undefined; attempt++) {
    try {
      served = await start(config, logger, inWorker);
    } catch (error) {
      const fault = storeFaultOf(error);
      if (fault?.kind !== 'unavailable') {
        // Exit here: a worker's IPC channel would otherwise keep it running without serving.
        logger.fatal(
          { err: error },
          `cannot start: ${error instanceof Error ? error.message : String(error)}`,
        );
        process.exit(1);
      }
      const reason = `the database is unavailable (${fault.reason})`;
      if (inWorker) {
        logger.error({ err: error }, `worker cannot start: ${reason}; its primary will start it again`);
        process.exit(storeUnavailableExitCode);
      }
      const delay = retryDelayMs(attempt);
      logger.error(
        { err: error, retryInSeconds: delay / 1000 },
        `cannot start: ${reason}; trying again in ${delay / 1000} s`,
      );
      await sleep(delay);
    }
    if (stopping) return;
  }

  const { app } = served;
  // SO_REUSEPORT balances connections over the workers' own sockets on Linux only.
  const ownSocket = inWorker && process.platform === 'linux';
  const listen: FastifyListenOptions & { reusePort?: boolean } = {
    host: config.host,
    port: config.port,
    ...(ownSocket ? { exclusive: true, reusePort: true } : {}),
  };
  let address: string;
  try {
    address = await app.listen(listen);
  } catch (error) {
    logger.fatal(
      { err: error, host: config.host, port: config.port },
      `cannot listen: ${(error as Error).message}`,
    );
    process.exit(1);
  }
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : config.port;
  if (inWorker) process.send?.({ tokenhub: 'listening', port } satisfies ListeningMessage);
  logger.info(
    {
      address,
      ...(inWorker ? { worker: cluster.worker?.id } : {}),
      publicUrl: config.publicUrl,
      database: config.database.dialect === 'sqlite' ? config.database.path : redactUrl(config.database.url),
    },
    'tokenhub listening',
  );
}

/** Migrates (a single process), opens the store and builds the app; closes what it opened on failure. */
async function start(
  config: Readonly<Config>,
  logger: Logger,
  inWorker: boolean,
): Promise<{ app: App; db: Db }> {
  if (!inWorker) {
    const migrating = openDatabase(config.database, { connectTimeoutMs: config.databaseTimeoutMs });
    try {
      await migrateToLatest(migrating);
    } finally {
      await migrating.destroy();
    }
  }
  const db = openDatabase(config.database, { timeoutMs: config.databaseTimeoutMs, log: logger });
  try {
    const app = await buildApp({
      config,
      db,
      logger,
      ...(inWorker ? { cluster: process as unknown as ClusterChannel } : {}),
    });
    await runMaintenance(app.services, maintenanceTasks);
    return { app, db };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
}

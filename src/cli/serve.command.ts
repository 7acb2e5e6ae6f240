/**
 * `tokenhub serve`: migrate, build the app, listen; on SIGINT/SIGTERM stop accepting, flush the
 * buffered last-used writes, close the store.
 */

import { buildApp, createLogger, maintenanceTasks } from '../api/app.ts';
import { loadConfig, redactUrl } from '../config.ts';
import { runMaintenance } from '../services/maintenance.ts';
import { openDatabase } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';

export async function serve(env: NodeJS.ProcessEnv): Promise<void> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.database);
  await migrateToLatest(db);
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
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info(
    {
      address,
      publicUrl: config.publicUrl,
      database: config.database.dialect === 'sqlite' ? config.database.path : redactUrl(config.database.url),
    },
    'tokenhub listening',
  );
}

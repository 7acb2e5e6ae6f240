/**
 * The databases every storage-facing suite runs against: SQLite (a temp file, always) and
 * PostgreSQL when `TOKENHUB_TEST_PG_URL` is set (each opened database gets its own schema, dropped
 * afterwards, so parallel runs never collide). When PostgreSQL is not configured the suite says so
 * loudly, once per file, instead of passing silently.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogEvent } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../../src/config.ts';
import { type Db, openDatabase } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';

export interface TestDatabase {
  db: Db;
  config: DatabaseConfig;
  schema?: string;
  close(): Promise<void>;
}

export type DialectName = 'sqlite' | 'postgres';

export const postgresUrl = process.env.TOKENHUB_TEST_PG_URL;

/** Dialects to loop suites over; logs a SKIPPED line when PostgreSQL is not configured. */
export function testDialects(suite: string): DialectName[] {
  if (!postgresUrl) {
    console.warn(`[${suite}] PostgreSQL half SKIPPED: set TOKENHUB_TEST_PG_URL=postgres://... to run it`);
    return ['sqlite'];
  }
  return ['sqlite', 'postgres'];
}

/** Opens a fresh, migrated database of the given dialect. */
export async function openTestDatabase(
  dialect: DialectName,
  options: { onQuery?: (event: LogEvent) => void; log?: Logger; timeoutMs?: number } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tokenhub-test-'));
    const config: DatabaseConfig = { dialect: 'sqlite', path: join(dir, 'tokenhub.db') };
    const db = openDatabase(config, options);
    await migrateToLatest(db);
    return {
      db,
      config,
      async close() {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!postgresUrl) throw new Error('TOKENHUB_TEST_PG_URL is not set');
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const config: DatabaseConfig = { dialect: 'postgres', url: postgresUrl };
  const db = openDatabase(config, { ...options, schema });
  await migrateToLatest(db, { schema });
  return {
    db,
    config,
    schema,
    async close() {
      await db.destroy();
      const cleanup = new pg.Client({ connectionString: postgresUrl });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
}

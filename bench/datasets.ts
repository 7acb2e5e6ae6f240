/**
 * A seeded, throw-away database for one configuration: a SQLite file in a temp directory, or a
 * PostgreSQL database of its own (`tokenhub_bench_<random>`, created next to the one the URL
 * names and dropped afterwards). The schema comes from the service's migrations.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../src/config.ts';
import { openDatabase } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { type SeedPlan, type SeedResult, seed } from './seed.ts';
import { postgresSink, sqliteSink } from './seed-targets.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Dataset {
  dialect: Dialect;
  /** `TOKENHUB_DATABASE_URL` for the server. */
  databaseUrl: string;
  seeded: SeedResult;
  drop(): Promise<void>;
}

async function migrate(config: DatabaseConfig): Promise<void> {
  const db = openDatabase(config);
  await migrateToLatest(db);
  await db.destroy();
}

/** True when PostgreSQL answers at `url`. */
export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function createDataset(dialect: Dialect, plan: SeedPlan, pgUrl: string): Promise<Dataset> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tokenhub-bench-'));
    const path = join(dir, 'tokenhub.db');
    await migrate({ dialect: 'sqlite', path });
    const sink = sqliteSink(path);
    const seeded = await seed(sink, plan);
    sink.close();
    return {
      dialect,
      databaseUrl: `sqlite:${path}`,
      seeded,
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `tokenhub_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await migrate({ dialect: 'postgres', url: databaseUrl });
  const sink = await postgresSink(databaseUrl);
  const seeded = await seed(sink, plan);
  await sink.close();
  return {
    dialect,
    databaseUrl,
    seeded,
    async drop() {
      const cleanup = new pg.Client({ connectionString: pgUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * Opens the store named by the configuration: SQLite through better-sqlite3 (WAL mode, a file
 * under ./data by default, safe for several processes: sqlite-driver.ts) or PostgreSQL through pg
 * (a pool that survives the server going away: postgres-pool.ts). Both speak the same Kysely
 * schema, and both report faults and recoveries to the database's `StoreHealth`.
 */
import SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, Kysely, type LogEvent, PostgresAdapter, PostgresDialect } from 'kysely';
import type { Logger } from 'pino';
import type { DatabaseConfig } from '../config.ts';
import { openPostgresPool } from './postgres-pool.ts';
import type { Database } from './schema.ts';
import { SqliteStoreDialect, sqliteBusyTimeoutMs } from './sqlite-driver.ts';
import { narrowSqliteFiles, prepareSqliteFiles } from './sqlite-file-modes.ts';
import { cachingStatements, namingStatements } from './statement-cache.ts';
import { isSqliteBusy } from './store-faults.ts';
import { StoreHealth } from './store-health.ts';

export type Db = Kysely<Database>;

/** A page of a list, as SQL's LIMIT and OFFSET. */
export interface PageWindow {
  limit: number;
  offset: number;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL only: the schema to use (tests give each run its own). */
  schema?: string;
  /** Called for every query run; tests count writes with it. */
  onQuery?: (event: LogEvent) => void;
  /** PostgreSQL pool size per process. */
  poolSize?: number;
  /**
   * The longest a statement waits on the store (a PostgreSQL connection or answer, SQLite's write
   * lock) before its error goes up, in milliseconds. Serving processes pass
   * `TOKENHUB_DATABASE_TIMEOUT_MS`; unset, PostgreSQL waits are unbounded (migrations, operator
   * commands) and SQLite waits 5 s for its write lock.
   */
  timeoutMs?: number;
  /** PostgreSQL only: bounds opening a connection (or waiting for one) but not statements (migrations). */
  connectTimeoutMs?: number;
  /** Where outages are logged (once each, store-health.ts). */
  log?: Logger;
}

/** SQLite's write-lock budget when no timeout is given (operator commands). */
const defaultSqliteBusyBudgetMs = 5000;

export function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Db {
  const log = options.onQuery;
  if (config.dialect === 'sqlite') {
    if (config.path !== ':memory:') prepareSqliteFiles(config.path, options.log);
    const health = new StoreHealth(`SQLite ${config.path}`, options.log);
    const sqlite = new SqliteDatabase(config.path);
    sqlite.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
    sqlite.pragma('journal_mode = WAL');
    if (config.path !== ':memory:') narrowSqliteFiles(config.path, options.log);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const statements = cachingStatements(sqlite);
    const dialect = new SqliteStoreDialect(
      { database: statements },
      { sqlite, health, busyBudgetMs: options.timeoutMs ?? defaultSqliteBusyBudgetMs },
    );
    const db = new Kysely<Database>({ dialect, log });
    healths.set(db, health);
    directReaders.set(db, {
      read<Row>(sqlText: string, parameters: readonly unknown[]): Row[] | undefined {
        // Another flow's transaction is open (Kysely holds the connection across its awaits): a
        // read now would see its uncommitted writes, so this one waits its turn through Kysely.
        if (sqlite.inTransaction) return undefined;
        const statement = statements.prepare(sqlText);
        if (!statement.reader) return undefined;
        const started = performance.now();
        let rows: Row[];
        try {
          rows = statement.all(parameters) as Row[];
        } catch (error) {
          // A read meets SQLITE_BUSY only while another process recovers the WAL after a crash:
          // through Kysely it is retried on a timer.
          if (isSqliteBusy(error)) return undefined;
          throw error;
        }
        log?.({
          level: 'query',
          query: CompiledQuery.raw(sqlText, [...parameters]),
          queryDurationMillis: performance.now() - started,
        });
        return rows;
      },
    });
    return db;
  }
  const health = new StoreHealth('PostgreSQL', options.log);
  const pool = openPostgresPool({
    url: config.url,
    health,
    poolSize: options.poolSize ?? 10,
    ...(options.schema ? { schema: options.schema } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  namingStatements(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
  healths.set(db, health);
  return db;
}

const healths = new WeakMap<Db, StoreHealth>();

/** The health of a database opened by `openDatabase` (undefined for a transaction). */
export function storeHealthOf(db: Db): StoreHealth | undefined {
  return healths.get(db);
}

/**
 * SQLite only: a read answered at once on the connection, outside Kysely's connection queue.
 * better-sqlite3 runs a statement synchronously, so when no transaction is open nothing can be
 * half-done on the connection; queueing through Kysely's driver (a lock, promises, a connection
 * provider per query) cost more than SQLite took to answer `/token`'s two reads (bench/README.md).
 */
export interface DirectReader {
  /** The rows, or undefined when the read must go through Kysely (a transaction is open). */
  read<Row>(sqlText: string, parameters: readonly unknown[]): Row[] | undefined;
}

const directReaders = new WeakMap<Db, DirectReader>();

/** The database's direct reader: SQLite databases opened here have one, transactions do not. */
export function directReaderOf(db: Db): DirectReader | undefined {
  return directReaders.get(db);
}

export function dialectOf(db: Db): 'sqlite' | 'postgres' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

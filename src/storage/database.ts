/**
 * Opens the store named by the configuration: SQLite through better-sqlite3 (WAL mode, a file
 * under ./data by default) or PostgreSQL through pg. Both speak the same Kysely schema.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  type LogEvent,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config.ts';
import type { Database } from './schema.ts';
import { cachingStatements, namingStatements } from './statement-cache.ts';

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
}

export function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Db {
  const log = options.onQuery;
  if (config.dialect === 'sqlite') {
    if (config.path !== ':memory:') mkdirSync(dirname(config.path), { recursive: true });
    const sqlite = new SqliteDatabase(config.path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const statements = cachingStatements(sqlite);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }), log });
    directReaders.set(db, {
      read<Row>(sqlText: string, parameters: readonly unknown[]): Row[] | undefined {
        // Another flow's transaction is open (Kysely holds the connection across its awaits): a
        // read now would see its uncommitted writes, so this one waits its turn through Kysely.
        if (sqlite.inTransaction) return undefined;
        const statement = statements.prepare(sqlText);
        if (!statement.reader) return undefined;
        const started = performance.now();
        const rows = statement.all(parameters) as Row[];
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
  const pool = new pg.Pool({
    connectionString: config.url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${quoteSchema(options.schema)}` } : {}),
  });
  namingStatements(pool);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
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

function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  return schema;
}

export function dialectOf(db: Db): 'sqlite' | 'postgres' {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Kysely's SQLite dialect made safe for several processes on one database file (`serve
 * --workers N`, and operator commands run beside a server):
 *
 * - Every transaction that may write begins `IMMEDIATE`: it takes the write lock before its first
 *   read. A deferred transaction that reads and then writes cannot wait for the lock (its snapshot
 *   may be stale, so SQLite answers `SQLITE_BUSY_SNAPSHOT` at once); an immediate one waits. A
 *   read-only transaction (`inTransaction`'s `readOnlySnapshot`) begins deferred.
 * - Waiting is mostly asynchronous. better-sqlite3 is synchronous and SQLite's busy handler sleeps
 *   the thread, which stalls every request of the process; so its busy timeout is short
 *   (`sqliteBusyTimeoutMs`), and a statement that still meets `SQLITE_BUSY` while no transaction
 *   is open (a `BEGIN IMMEDIATE`, or a single-statement write) is tried again after a timer
 *   (2 ms doubling to 50 ms, jittered), until `busyBudgetMs` has passed. Past that the error goes
 *   up and the request gets 503 (store-faults.ts). Inside an immediate transaction the lock is
 *   already held, so statements there do not meet `SQLITE_BUSY`.
 * - A rollback after SQLite already rolled back (it does so itself on `SQLITE_FULL`, `SQLITE_IOERR`
 *   and some `SQLITE_BUSY`) is skipped, so the error that caused it is the one reported.
 * - Every fault and success is reported to the store's health (store-health.ts).
 */
import type SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type TransactionSettings,
} from 'kysely';
import { isSqliteBusy, storeFaultOf } from './store-faults.ts';
import { readsOnly, type StoreHealth } from './store-health.ts';

/** How long SQLite's own busy handler may sleep the thread per statement, in milliseconds. */
export const sqliteBusyTimeoutMs = 10;

const firstRetryDelayMs = 2;
const maxRetryDelayMs = 50;

export interface SqliteStoreOptions {
  sqlite: SqliteDatabase.Database;
  health: StoreHealth;
  /** How long a statement may keep waiting for the write lock, in all, before its error goes up. */
  busyBudgetMs: number;
}

export class SqliteStoreDialect extends SqliteDialect {
  readonly #options: SqliteStoreOptions;
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig, options: SqliteStoreOptions) {
    super(config);
    this.#config = config;
    this.#options = options;
  }

  override createDriver(): Driver {
    return new SqliteStoreDriver(this.#config, this.#options);
  }
}

class SqliteStoreDriver extends SqliteDriver {
  readonly #options: SqliteStoreOptions;
  #connection: DatabaseConnection | undefined;

  constructor(config: SqliteDialectConfig, options: SqliteStoreOptions) {
    super(config);
    this.#options = options;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    this.#connection ??= retryingBusy(await super.acquireConnection(), this.#options);
    return this.#connection;
  }

  /** A read-only transaction (an export's snapshot) begins deferred: it takes no write lock. */
  override async beginTransaction(
    connection: DatabaseConnection,
    settings?: TransactionSettings,
  ): Promise<void> {
    const begin = settings?.accessMode === 'read only' ? 'begin deferred' : 'begin immediate';
    await connection.executeQuery(CompiledQuery.raw(begin));
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.#options.sqlite.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The connection, with `SQLITE_BUSY` outside a transaction retried on a timer (see above). */
function retryingBusy(inner: DatabaseConnection, options: SqliteStoreOptions): DatabaseConnection {
  const { sqlite, health, busyBudgetMs } = options;
  const run = async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
    const started = performance.now();
    const reads = readsOnly(query.sql);
    for (let delay = firstRetryDelayMs; ; delay = Math.min(delay * 2, maxRetryDelayMs)) {
      try {
        const result = await inner.executeQuery<R>(query);
        if (reads) health.read();
        else health.succeeded();
        return result;
      } catch (error) {
        const retry =
          isSqliteBusy(error) && !sqlite.inTransaction && performance.now() - started + delay < busyBudgetMs;
        if (!retry) {
          const fault = storeFaultOf(error);
          if (fault) health.failed(fault, error);
          throw error;
        }
        await sleep(delay * (0.5 + Math.random()));
      }
    }
  };
  return {
    executeQuery: run,
    streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
  };
}

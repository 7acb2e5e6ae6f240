/**
 * The pg pool of a serving process, made to survive PostgreSQL going away and coming back:
 *
 * - Every `'error'` event is handled: the pool's (an idle connection dropped, e.g. 57P01 when the
 *   server shuts down) and each connection's (one checked out between two statements of a
 *   transaction). pg emits them with no listener of its own, and Node turns an unhandled one into
 *   a crash. The connection is then discarded by the pool; the next query opens a new one.
 * - Every wait is bounded by `timeoutMs`: opening a connection or waiting for a free one
 *   (`connectionTimeoutMillis`), a statement on the server (`statement_timeout`), and a server that
 *   answers nothing at all (a frozen host or a cut network), where a watchdog closes the socket
 *   `timeoutMs + 500` ms after a statement was sent. So a request meets the fault, and answers 503,
 *   within about `timeoutMs`.
 * - Faults and successes go to the store's health (store-health.ts), which logs once per outage.
 */
import pg from 'pg';
import { storeFaultOf } from './store-faults.ts';
import { readsOnly, type StoreHealth } from './store-health.ts';

export interface PostgresPoolOptions {
  url: string;
  health: StoreHealth;
  poolSize: number;
  /** `search_path` for every connection (tests give each run its own schema). */
  schema?: string;
  /** Bounds every wait (above); undefined leaves them unbounded (operator commands, migrations). */
  timeoutMs?: number;
  /** Bounds opening a connection (or waiting for a free one) only; `timeoutMs` implies it. */
  connectTimeoutMs?: number;
}

/** Time the server's own `statement_timeout` has to answer first, before the watchdog closes the socket. */
const watchdogGraceMs = 500;

type QueryFunction = (...args: unknown[]) => unknown;

export function openPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const { health, timeoutMs } = options;
  const connectTimeoutMs = timeoutMs ?? options.connectTimeoutMs;
  const settings = [
    ...(options.schema ? [`-c search_path=${quoteSchema(options.schema)}`] : []),
    ...(timeoutMs ? [`-c statement_timeout=${timeoutMs}`] : []),
  ];
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    keepAlive: true,
    ...(connectTimeoutMs ? { connectionTimeoutMillis: connectTimeoutMs } : {}),
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
  });
  const report = (error: unknown) => {
    const fault = storeFaultOf(error);
    if (fault) health.failed(fault, error);
  };
  pool.on('error', report);
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { connect: QueryFunction }).connect = (...args) => {
    const result = connect(...args);
    if (!(result instanceof Promise)) return result;
    return result.catch((error: unknown) => {
      report(error);
      throw error;
    });
  };
  pool.on('connect', (client) => {
    client.on('error', report);
    const query = client.query.bind(client) as QueryFunction;
    const guarded: QueryFunction = (...args) => {
      const result = query(...args);
      if (!(result instanceof Promise)) return result;
      const watchdog =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const stream = (client as unknown as { connection?: { stream?: { destroy(e: Error): void } } })
                .connection?.stream;
              stream?.destroy(new Error('no answer within the database timeout'));
            }, timeoutMs + watchdogGraceMs);
      const first = args[0] as string | { text?: string } | undefined;
      const reads = readsOnly(typeof first === 'string' ? first : (first?.text ?? ''));
      return result.then(
        (value) => {
          clearTimeout(watchdog);
          if (reads) health.read();
          else health.succeeded();
          return value;
        },
        (error: unknown) => {
          clearTimeout(watchdog);
          report(error);
          throw error;
        },
      );
    };
    (client as unknown as { query: QueryFunction }).query = guarded;
  });
  return pool;
}

function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  return schema;
}

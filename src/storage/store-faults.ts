/**
 * What a driver error says about the store, in words an operator and a client can act on. A
 * fault is temporary by nature: the request that met it gets 503 with `Retry-After`
 * (`api/error-reply.ts`), and the process keeps serving until the store is back.
 *
 * - `busy`: the store answered but could not take this write now (SQLite's write lock held past
 *   the database timeout, a PostgreSQL lock or statement timeout, a serialization failure or
 *   deadlock still failing after its retries);
 * - `unavailable`: no connection (refused, reset, terminated by a shutdown, timed out) or a
 *   database file that cannot be opened;
 * - `unwritable`: the store answers reads but refuses writes (disk full, read-only, I/O error).
 *
 * Anything else (a constraint, a bug) is not a fault: it stays an error of its own.
 */

export type StoreFaultKind = 'busy' | 'unavailable' | 'unwritable';

export interface StoreFault {
  kind: StoreFaultKind;
  /** Short and safe to show: `connection refused`, `disk full`. Never a host name or a query. */
  reason: string;
  /** What `Retry-After` says, in seconds. */
  retryAfterSeconds: number;
}

const retryAfterSeconds: Record<StoreFaultKind, number> = { busy: 1, unavailable: 5, unwritable: 10 };

const fault = (kind: StoreFaultKind, reason: string): StoreFault => ({
  kind,
  reason,
  retryAfterSeconds: retryAfterSeconds[kind],
});

/** PostgreSQL SQLSTATEs (appendix A of its manual), by class or by exact code. */
const postgresStates: ReadonlyArray<[RegExp, StoreFaultKind, string]> = [
  [/^08/, 'unavailable', 'connection failure'],
  [/^57P01$/, 'unavailable', 'the server is shutting down'],
  [/^57P02$/, 'unavailable', 'the server crashed'],
  [/^57P03$/, 'unavailable', 'the server is starting up or shutting down'],
  [/^53300$/, 'unavailable', 'too many connections'],
  [/^53100$/, 'unwritable', 'disk full'],
  [/^53/, 'unavailable', 'insufficient resources'],
  [/^25006$/, 'unwritable', 'read-only'],
  [/^57014$/, 'busy', 'a statement ran past the database timeout'],
  [/^55P03$/, 'busy', 'a lock was not available'],
  [/^40001$/, 'busy', 'serialization failure'],
  [/^40P01$/, 'busy', 'deadlock'],
];

/** Socket errors of a connection to a database server. */
const socketErrors: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** pg's own errors, which carry no code. */
const pgMessages: ReadonlyArray<[RegExp, string]> = [
  [
    /connection timeout|timeout exceeded when trying to connect/i,
    'no connection within the database timeout',
  ],
  [/Connection terminated/i, 'connection lost'],
  [/not queryable/i, 'connection lost'],
  [/no answer within the database timeout/i, 'no answer within the database timeout'],
];

/** SQLite result codes (better-sqlite3's `code`, extended codes included). */
function sqliteFault(code: string): StoreFault | undefined {
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return fault('busy', 'the write lock was held past the database timeout');
  }
  if (code === 'SQLITE_FULL') return fault('unwritable', 'disk full');
  if (code.startsWith('SQLITE_READONLY')) return fault('unwritable', 'read-only');
  if (code.startsWith('SQLITE_IOERR')) return fault('unwritable', 'I/O error');
  if (code.startsWith('SQLITE_CANTOPEN')) return fault('unavailable', 'the database file cannot be opened');
  return undefined;
}

function faultOfOne(error: unknown): StoreFault | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_')) return sqliteFault(code);
    const socket = socketErrors[code];
    if (socket) return fault('unavailable', socket);
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const state = postgresStates.find(([pattern]) => pattern.test(code));
      return state && fault(state[1], state[2]);
    }
  }
  const message = pgMessages.find(([pattern]) => pattern.test(error.message));
  return message && fault('unavailable', message[1]);
}

/**
 * The store fault an error is, looking through its `cause` chain (and an AggregateError's
 * errors), or undefined when it is not one.
 * @example storeFaultOf(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))
 *   // → { kind: 'unwritable', reason: 'disk full', retryAfterSeconds: 10 }
 */
export function storeFaultOf(error: unknown): StoreFault | undefined {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    const found = faultOfOne(current);
    if (found) return found;
    if (current instanceof AggregateError) {
      for (const inner of current.errors) {
        const innerFault = faultOfOne(inner);
        if (innerFault) return innerFault;
      }
    }
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/** PostgreSQL asks to run the transaction again: a serialization failure or a deadlock. */
export function isTransactionConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/** SQLite could not take a lock within its busy timeout. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

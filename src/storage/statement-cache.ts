/**
 * Statements parsed and planned once instead of on every query (bench/README.md, "What changed in
 * the hot path"). Kysely hands each driver the SQL text of every query anew:
 * - SQLite: its driver calls `db.prepare(sql)` per execution. Preparing was the largest single
 *   cost of `/token` in the profile; `cachingStatements` keeps prepared statements by SQL text,
 *   least recently used out first.
 * - PostgreSQL: pg sends an unnamed statement, which the server parses and plans per execution.
 *   `namingStatements` gives each SQL text with parameters a name, so each connection prepares it
 *   once (the extended protocol's named statements).
 *
 * Behind PgBouncer in transaction mode, named statements need PgBouncer 1.21 or later with
 * `max_prepared_statements` set.
 */
import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import type pg from 'pg';

/** Statements kept per SQLite connection; the application's SQL texts are far fewer. */
const sqliteCacheSize = 500;

/** A statement busy in an `iterate()` (a streamed query) is not shared: that call prepares its own. */
export function cachingStatements(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (!cached) {
        statements.set(sql, statement);
        if (statements.size > sqliteCacheSize) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      return statement;
    },
  };
}

/**
 * Distinct SQL texts given a name, at most; texts past it (queries built with a varying number of
 * parameters, such as long `in (…)` lists) run unnamed, so the server's per-connection statements
 * stay bounded.
 */
const postgresNamedLimit = 1000;

/** PostgreSQL's "cached plan must not change result type": a table changed under a statement. */
const planChangedCode = '0A000';

type QueryFunction = (...args: unknown[]) => unknown;

/**
 * Makes every client of `pool` send queries that have parameters as named statements. Queries
 * without parameters keep pg's simple protocol (they may hold several statements). When a
 * migration changes a table under a prepared statement, the query fails once with 0A000 and its
 * text gets a new name, which every connection then prepares afresh.
 */
export function namingStatements(pool: pg.Pool): void {
  const names = new Map<string, string>();
  let next = 0;
  const nameFor = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < postgresNamedLimit) {
      name = `tokenhub_${next++}`;
      names.set(text, name);
    }
    return name;
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFunction;
    const named: QueryFunction = (text, values, ...rest) => {
      const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 && nameFor(text);
      if (!name || rest.length > 0) return query(text, values, ...rest);
      return (query({ name, text, values }) as Promise<unknown>).catch((error: unknown) => {
        if ((error as { code?: string }).code === planChangedCode && names.get(text as string) === name) {
          names.delete(text as string);
        }
        throw error;
      });
    };
    (client as unknown as { query: QueryFunction }).query = named;
  });
}

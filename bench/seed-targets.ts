/**
 * Where the seeding writes: a SQLite file (better-sqlite3, prepared multi-row inserts) or a
 * PostgreSQL database (pg, one `INSERT … SELECT FROM unnest(…)` per table and batch). Each batch
 * is one transaction, committed at `checkpoint()`.
 */
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { SeedSink } from './seed.ts';

/** SQLite allows 32 766 parameters per statement; 400 rows of up to 16 columns stay well below. */
const sqliteRowsPerStatement = 400;

export function sqliteSink(path: string): SeedSink & { close(): void } {
  const db = new SqliteDatabase(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const statements = new Map<string, SqliteDatabase.Statement>();
  const statementFor = (table: string, columns: readonly string[], rows: number) => {
    const key = `${table}:${rows}`;
    let statement = statements.get(key);
    if (!statement) {
      const tuple = `(${columns.map(() => '?').join(',')})`;
      const values = Array.from({ length: rows }, () => tuple).join(',');
      statement = db.prepare(`insert into ${table} (${columns.join(',')}) values ${values}`);
      statements.set(key, statement);
    }
    return statement;
  };
  let open = false;
  return {
    async insert(table, columns, rows) {
      if (!open) {
        db.exec('begin');
        open = true;
      }
      for (let i = 0; i < rows.length; i += sqliteRowsPerStatement) {
        const chunk = rows.slice(i, i + sqliteRowsPerStatement);
        statementFor(table, columns, chunk.length).run(chunk.flat());
      }
    },
    async checkpoint() {
      if (open) db.exec('commit');
      open = false;
    },
    close() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

export async function postgresSink(url: string): Promise<SeedSink & { close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  let open = false;
  return {
    async insert(table, columns, rows) {
      const first = rows[0];
      if (!first) return;
      if (!open) {
        await client.query('begin');
        open = true;
      }
      const casts = first.map((value, i) => `$${i + 1}::${typeof value === 'number' ? 'int' : 'text'}[]`);
      const arrays = columns.map((_, i) => rows.map((row) => row[i]));
      await client.query(
        `insert into ${table} (${columns.join(',')}) select * from unnest(${casts.join(',')})`,
        arrays,
      );
    },
    async checkpoint() {
      if (open) await client.query('commit');
      open = false;
    },
    async close() {
      await client.query('analyze');
      await client.end();
    },
  };
}

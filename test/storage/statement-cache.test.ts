/**
 * Statements prepared once (src/storage/statement-cache.ts): the same answers as before, a cached
 * SQLite statement still usable after a streamed read stopped early, and a PostgreSQL table changed under a named
 * statement (a migration by another process) costing one failed query, not a broken connection.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';

describe.each(testDialects('statement cache'))('prepared statements on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    await sql`create table cache_probe (id integer primary key, label varchar(20) not null)`.execute(
      database.db,
    );
    await sql`insert into cache_probe (id, label) values (1, 'one'), (2, 'two'), (3, 'three')`.execute(
      database.db,
    );
  });
  afterAll(async () => database.close());

  const byId = (id: number) =>
    sql<{ id: number; label: string }>`select * from cache_probe where id = ${id}`.execute(database.db);

  it('answers a repeated query with each call’s own parameters', async () => {
    for (let round = 0; round < 3; round++) {
      for (const [id, label] of [
        [1, 'one'],
        [3, 'three'],
      ] as const) {
        expect((await byId(id)).rows).toEqual([{ id, label }]);
      }
    }
  });

  it.runIf(dialect === 'sqlite')('reuses a statement after a streamed read stopped early', async () => {
    const probe = database.db.withTables<{ cache_probe: { id: number; label: string } }>();
    const labels = () => probe.selectFrom('cache_probe').select('label').where('id', '>', 0).orderBy('id');
    for await (const row of labels().stream()) {
      expect(row.label).toBe('one');
      break;
    }
    expect(await labels().execute()).toEqual([{ label: 'one' }, { label: 'two' }, { label: 'three' }]);
  });

  it.runIf(dialect === 'postgres')('recovers once a table changed under a named statement', async () => {
    expect((await byId(2)).rows).toEqual([{ id: 2, label: 'two' }]);
    await sql`alter table cache_probe add column note varchar(20) not null default ''`.execute(database.db);
    // The pool's connections may each hold the old plan; every query either answers with the new
    // columns or fails with 0A000 once, after which the statement is prepared anew.
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      try {
        const { rows } = await byId(2);
        outcomes.push(JSON.stringify(rows));
      } catch (error) {
        outcomes.push(String((error as { code?: string }).code));
      }
    }
    expect(outcomes.at(-1)).toBe(JSON.stringify([{ id: 2, label: 'two', note: '' }]));
    expect(outcomes.filter((o) => o === '0A000').length).toBeLessThanOrEqual(1);
  });
});

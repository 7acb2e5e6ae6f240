/**
 * Backups (`tokenhub admin export`) read `dumpedTables`: every table the migrations create must be
 * there or in `undumpedTables` with its reason, so a new feature's table is never silently left out.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpedTables, dumpTables, undumpedTables } from '../../src/storage/table-dump.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';

async function tablesOf(database: TestDatabase): Promise<string[]> {
  const { rows } =
    database.config.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(database.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(database.db);
  return rows
    .map((row) => row.name)
    .filter((name) => !name.startsWith('kysely_') && !name.startsWith('sqlite_'))
    .sort();
}

describe.each(testDialects('table dump'))('backups on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
  });
  afterAll(async () => database.close());

  it('cover every table but the short-lived ones named with a reason', async () => {
    const covered = [...dumpedTables, ...Object.keys(undumpedTables)].sort();
    expect(await tablesOf(database)).toEqual(covered);
    for (const reason of Object.values(undumpedTables)) expect(reason).toMatch(/\w{3,}/);
  });

  it('read every dumped table of a fresh database', async () => {
    const { tables, migrations } = await dumpTables(database.db);
    expect(Object.keys(tables)).toEqual([...dumpedTables]);
    expect(migrations.length).toBeGreaterThan(0);
  });
});

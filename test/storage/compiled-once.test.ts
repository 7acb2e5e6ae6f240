/**
 * The hot-path reads compiled once (src/storage/compiled-once.ts), which on SQLite are answered
 * directly on the connection outside transactions (database.ts, `DirectReader`): the same rows as
 * a Kysely query, the caller's parameters every time, and never another flow's uncommitted writes.
 */
import type { LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directReaderOf } from '../../src/storage/database.ts';
import { findRepository, insertRepositoryIfAbsent } from '../../src/storage/image-repository.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';

const repository = (namespace: string, name: string) => ({
  id: `repo-${namespace}-${name}`,
  namespace,
  name,
  isPrivate: true,
  description: '',
  createdAt: '2026-11-24T00:00:00.000Z',
  updatedAt: '2026-11-24T00:00:00.000Z',
  createdBy: null,
});

describe.each(testDialects('compiled-once reads'))('reads compiled once on %s', (dialect) => {
  let database: TestDatabase;
  const queries: string[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(dialect, {
      onQuery: (event: LogEvent) => queries.push(event.query.sql),
    });
    await insertRepositoryIfAbsent(database.db, repository('alice', 'app'));
    await insertRepositoryIfAbsent(database.db, repository('bob', 'tool'));
  });
  afterAll(async () => database.close());

  it('answers with the row of each call’s parameters, and reports the query', async () => {
    queries.length = 0;
    expect((await findRepository(database.db, 'alice', 'app'))?.id).toBe('repo-alice-app');
    expect((await findRepository(database.db, 'bob', 'tool'))?.id).toBe('repo-bob-tool');
    expect(await findRepository(database.db, 'alice', 'tool')).toBeUndefined();
    expect(queries).toHaveLength(3);
    expect(queries.every((text) => text.includes('"repositories"'))).toBe(true);
  });

  it('never sees the uncommitted writes of a transaction open in another flow', async () => {
    let reachedInsert!: () => void;
    const inserted = new Promise<void>((resolve) => {
      reachedInsert = resolve;
    });
    let letItFail!: () => void;
    const failing = new Promise<void>((resolve) => {
      letItFail = resolve;
    });
    const transaction = database.db.transaction().execute(async (trx) => {
      await insertRepositoryIfAbsent(trx, repository('carol', 'draft'));
      reachedInsert();
      await failing;
      throw new Error('rolled back on purpose');
    });
    await inserted;
    const readDuringTransaction = findRepository(database.db, 'carol', 'draft');
    letItFail();
    await expect(transaction).rejects.toThrow('rolled back on purpose');
    expect(await readDuringTransaction).toBeUndefined();
    expect(await findRepository(database.db, 'carol', 'draft')).toBeUndefined();
  });

  it.runIf(dialect === 'sqlite')('reads directly on SQLite, but not inside a transaction', async () => {
    expect(directReaderOf(database.db)).toBeDefined();
    await database.db.transaction().execute(async (trx) => {
      expect(directReaderOf(trx)).toBeUndefined();
      expect((await findRepository(trx, 'alice', 'app'))?.id).toBe('repo-alice-app');
    });
  });
});

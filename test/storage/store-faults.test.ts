/**
 * The store under contention and going away, below HTTP:
 * - SQLite with two connections on one file (what two workers are): transactions take the write
 *   lock first (`BEGIN IMMEDIATE`), so one that reads before it writes waits instead of failing;
 *   a lock held past the database timeout is a `busy` fault, and waiting never stalls the event
 *   loop for long; when SQLite rolled back by itself (disk full) the cause is what is reported.
 * - PostgreSQL: a deadlock is retried by `inTransaction`; connections dropped by the server are an
 *   event the pool survives (no crash); a server that refuses, hangs, or runs a statement past the
 *   timeout is a fault within about the timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase, storeHealthOf } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { storeFaultOf } from '../../src/storage/store-faults.ts';
import { inTransaction } from '../../src/storage/transaction.ts';
import { openTestDatabase, postgresUrl, type TestDatabase, testDialects } from '../support/databases.ts';
import { freePort } from '../support/free-port.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function claim(db: Db, name: string): Promise<void> {
  await db.insertInto('namespaces').values({ name, kind: 'user', owner_id: name }).execute();
}

/** The longest the event loop went without running a 1 ms interval while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  return longest;
}

describe('SQLite, two connections on one file (two workers)', () => {
  let dir: string;
  let a: Db;
  let b: Db;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tokenhub-sqlite-lock-'));
    const config = { dialect: 'sqlite' as const, path: join(dir, 'tokenhub.db') };
    a = openDatabase(config, { timeoutMs: 2000 });
    await migrateToLatest(a);
    b = openDatabase(config, { timeoutMs: 300 });
  });
  afterAll(async () => {
    await a.destroy();
    await b.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets a transaction that reads, then writes, wait for the other connection’s write instead of failing', async () => {
    const readThenWrite = (db: Db, name: string) =>
      inTransaction(db, async (tx) => {
        await tx.selectFrom('namespaces').select('name').execute();
        await sleep(20);
        await claim(tx, name);
      });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => readThenWrite(i % 2 ? a : b, `both-${i}`)),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const rows = await a.selectFrom('namespaces').select('name').where('name', 'like', 'both-%').execute();
    expect(rows).toHaveLength(10);
  });

  it('answers a write lock held past the timeout with a busy fault, without stalling the event loop', async () => {
    let release: () => void = () => undefined;
    const held = inTransaction(a, async (tx) => {
      await claim(tx, 'holder');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await sleep(10);
    let failure: unknown;
    const started = performance.now();
    const stall = await longestStall(() =>
      claim(b, 'waiter').catch((error: unknown) => {
        failure = error;
      }),
    );
    const waited = performance.now() - started;
    release();
    await held;
    expect(storeFaultOf(failure)).toMatchObject({ kind: 'busy', retryAfterSeconds: 1 });
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(1000);
    // SQLite's own busy handler sleeps the thread for at most its 10 ms timeout at a time; a handler
    // that blocked would stall for the whole 250 ms. Half of that leaves room for a loaded machine
    // (a 62 ms stall was seen with the browser suites running beside it).
    expect(stall).toBeLessThan(125);
    expect(storeHealthOf(b)?.faultCounts.busy).toBe(1);
    await claim(b, 'waiter');
  });

  it('reports the cause when SQLite rolled back by itself (disk full), and writes again once there is room', async () => {
    const [{ page_count: pages }] = (await sql<{ page_count: number }>`pragma page_count`.execute(a))
      .rows as [{ page_count: number }];
    await sql.raw(`pragma max_page_count = ${pages}`).execute(a);
    let failure: unknown;
    await inTransaction(a, async (tx) => {
      for (let i = 0; i < 2000; i++) await claim(tx, `filler-${i}-${'x'.repeat(200)}`);
    }).catch((error: unknown) => {
      failure = error;
    });
    expect((failure as { code?: string }).code).toBe('SQLITE_FULL');
    expect(storeFaultOf(failure)).toMatchObject({ kind: 'unwritable', reason: 'disk full' });
    expect(storeHealthOf(a)?.outage?.fault.reason).toBe('disk full');
    await sql.raw('pragma max_page_count = 1073741823').execute(a);
    await inTransaction(a, (tx) => claim(tx, 'after-full'));
    expect(storeHealthOf(a)?.outage).toBeUndefined();
  });
});

const withPostgres = testDialects('store faults').includes('postgres');

describe.skipIf(!withPostgres)('PostgreSQL', () => {
  const url = postgresUrl ?? '';
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('postgres', { timeoutMs: 2000 });
  });
  afterAll(async () => {
    await database?.close();
  });

  it('runs a transaction again when PostgreSQL picks it as a deadlock victim', async () => {
    const { db } = database;
    await claim(db, 'left');
    await claim(db, 'right');
    let attempts = 0;
    // Both hold their first row before either asks for its second: a deadlock every time.
    let bothHoldOne: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => {
      let holding = 0;
      bothHoldOne = () => {
        if (++holding === 2) resolve();
      };
    });
    const lockBoth = (first: string, second: string) =>
      inTransaction(db, async (tx) => {
        attempts++;
        await tx.updateTable('namespaces').set({ owner_id: first }).where('name', '=', first).execute();
        bothHoldOne();
        await barrier;
        await tx.updateTable('namespaces').set({ owner_id: second }).where('name', '=', second).execute();
      });
    await Promise.all([lockBoth('left', 'right'), lockBoth('right', 'left')]);
    expect(attempts).toBe(3);
  });

  it('survives the server dropping its connections, and reconnects on the next query', async () => {
    const { db, schema } = database;
    // Four connections held at once, so the pool keeps four idle ones afterwards: this test's own.
    const pids = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.1)`.execute(
          db,
        );
        return rows[0]?.pid ?? 0;
      }),
    );
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killed = await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [
      pids,
    ]);
    await admin.end();
    expect(killed.rowCount).toBe(4);
    await sleep(200);
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    expect(rows[0]?.schema).toBe(schema);
  });

  it('is unavailable at once when the server refuses connections', async () => {
    const gone = openDatabase(
      { dialect: 'postgres', url: `postgres://postgres@127.0.0.1:${await freePort()}/test` },
      {
        timeoutMs: 1000,
      },
    );
    const started = performance.now();
    const failure = await sql`select 1`.execute(gone).catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(500);
    expect(storeFaultOf(failure)).toMatchObject({ kind: 'unavailable', reason: 'connection refused' });
    expect(storeHealthOf(gone)?.outage?.fault.kind).toBe('unavailable');
    await gone.destroy();
  });

  it('gives up on a server that accepts and never answers within about the timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const hung = openDatabase(
      { dialect: 'postgres', url: `postgres://postgres@127.0.0.1:${port}/test` },
      { timeoutMs: 300 },
    );
    const started = performance.now();
    const failure = await sql`select 1`.execute(hung).catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(storeFaultOf(failure)?.kind).toBe('unavailable');
    await hung.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('cancels a statement that runs past the timeout (busy)', async () => {
    const slow = openDatabase({ dialect: 'postgres', url }, { timeoutMs: 200 });
    const failure = await sql`select pg_sleep(2)`.execute(slow).catch((error: unknown) => error);
    expect(storeFaultOf(failure)).toMatchObject({ kind: 'busy' });
    expect((await sql<{ one: number }>`select 1 as one`.execute(slow)).rows).toEqual([{ one: 1 }]);
    await slow.destroy();
  });
});

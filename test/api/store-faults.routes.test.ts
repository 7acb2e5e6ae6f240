/**
 * A store that refuses writes (SQLite's disk full, or read-only) answers 503 with `Retry-After`
 * and a body naming the cause, in each route family's own shape (Hub, OAuth, registry), never an
 * opaque 500; reads keep working (`/token`, `/readyz`), the outage is logged once, and writes
 * succeed again as soon as the store takes them, with no restart.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';

let t: TestApp;
let jwt: string;
let pat: string;

beforeAll(async () => {
  t = await createTestApp({ env: { TOKENHUB_RATE_LIMIT_PAT_CREATE: '0' } });
  await t.signUp('full');
  jwt = await t.login('full', defaultPassword);
  pat = (await t.createPat(jwt, { scopes: ['repo:write'] })).token;
});
afterAll(async () => t.close());

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

/** The database file may not grow: the first write that needs a new page fails with SQLITE_FULL. */
async function capTheFile(): Promise<void> {
  const db = t.database.db;
  const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(db);
  await sql.raw(`pragma max_page_count = ${rows[0]?.page_count ?? 0}`).execute(db);
}

/** Sends `request(i)` until it is not answered 2xx (the pages its table had left are used up). */
async function untilRefused(request: (i: number) => ReturnType<TestApp['inject']>) {
  for (let i = 0; i < 500; i++) {
    const res = await request(i);
    if (res.statusCode >= 300) return res;
  }
  throw new Error('never refused');
}

describe('SQLite refusing writes', () => {
  it('answers 503 naming the cause while the disk is full, keeps serving reads, and recovers', async () => {
    await capTheFile();
    const create = await untilRefused((i) =>
      t.inject({
        method: 'POST',
        url: '/v2/access-tokens',
        jwt,
        body: { token_label: `more ${i} ${'x'.repeat(80)}`, scopes: ['repo:read'] },
      }),
    );
    expect(create.statusCode).toBe(503);
    expect(create.headers['retry-after']).toBe('10');
    expect(create.json()).toEqual({
      detail: 'the database cannot store changes (disk full); try again in 10 seconds',
      message: 'the database cannot store changes (disk full); try again in 10 seconds',
    });

    const device = await untilRefused(() =>
      t.inject({
        method: 'POST',
        url: '/oauth/device/code',
        body: { client_id: 'cli', client_name: 'x'.repeat(90) },
      }),
    );
    expect(device.statusCode).toBe(503);
    expect(device.json()).toMatchObject({ error: 'temporarily_unavailable' });

    // A first push records the repository: the registry's shape.
    const push = await untilRefused((i) =>
      t.inject({
        method: 'GET',
        url: `/token?service=tokenhub-registry&scope=repository:full/new-${i}-${'x'.repeat(120)}:push,pull`,
        headers: { authorization: basic('full', pat) },
      }),
    );
    expect(push.statusCode).toBe(503);
    expect(push.json()).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });

    const pull = await t.inject({
      method: 'GET',
      url: '/token?service=tokenhub-registry&scope=repository:full/app:pull',
      headers: { authorization: basic('full', pat) },
    });
    expect(pull.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    // Refused again and again: still the one outage, logged once (each table above refused once it
    // was full, and successes in the others ended an outage each time).
    const outagesSoFar = t.logLines.filter((line) => line.includes('refuses writes (disk full)')).length;
    for (let i = 0; i < 5; i++) {
      const res = await t.inject({
        method: 'POST',
        url: '/v2/access-tokens',
        jwt,
        body: { token_label: `again ${i} ${'x'.repeat(80)}`, scopes: ['repo:read'] },
      });
      expect(res.statusCode).toBe(503);
    }
    const outage = t.logLines.filter((line) => line.includes('refuses writes (disk full)'));
    expect(outage).toHaveLength(outagesSoFar);
    expect(JSON.parse(outage[0] ?? '{}')).toMatchObject({ level: 50 });

    await sql.raw('pragma max_page_count = 1073741823').execute(t.database.db);
    const again = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      body: { token_label: 'more', scopes: ['repo:read'] },
    });
    expect(again.statusCode).toBe(201);
    expect(t.logLines.filter((line) => line.includes('answers again'))).toHaveLength(outagesSoFar);
    expect(
      t.logLines.filter((line) => line.includes('"level":50') && line.includes('request failed')),
    ).toEqual([]);
  });

  it('answers 503 naming a read-only database', async () => {
    await sql`pragma query_only = 1`.execute(t.database.db);
    const res = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      body: { token_label: 'ro', scopes: ['repo:read'] },
    });
    await sql`pragma query_only = 0`.execute(t.database.db);
    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toBe('the database cannot store changes (read-only); try again in 10 seconds');
  });
});

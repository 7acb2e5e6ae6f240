/**
 * The hot path's promises (ARCHITECTURE.md, "Hot path"): a malformed or mistyped token is refused
 * before any database read, a PAT costs one indexed read of the token (plus its owner, and on
 * PostgreSQL the requested repository in the same query), and last-used tracking writes in
 * batches, not per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';

describe.each(testDialects('token hot path'))('the /token hot path on %s', (dialect) => {
  let t: TestApp;
  let queries: string[] = [];
  let pat: { uuid: string; token: string };

  beforeAll(async () => {
    // The flush timer must not fire during the burst on a loaded machine: the test flushes itself.
    t = await createTestApp({
      dialect,
      onQuery: (sql) => queries.push(sql),
      env: { TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS: '60000' },
    });
    const password = await t.signUp('alice');
    pat = await t.createPat(await t.login('alice', password), { scopes: ['repo:write'] });
    await t.app.services.lastUsed.flush();
  });
  afterAll(async () => t.close());

  const basic = (secret: string) => `Basic ${Buffer.from(`alice:${secret}`).toString('base64')}`;
  const tokenRequest = (secret: string, scope?: string) =>
    t.inject({
      method: 'GET',
      url: `/token?service=tokenhub-registry${scope ? `&scope=${encodeURIComponent(scope)}` : ''}`,
      headers: { authorization: basic(secret) },
    });

  it('refuses a token with a bad checksum without touching the database', async () => {
    const last = pat.token.at(-1) === 'a' ? 'b' : 'a';
    const mistyped = pat.token.slice(0, -1) + last;
    queries = [];
    const res = await tokenRequest(mistyped);
    expect(res.statusCode).toBe(401);
    expect(queries).toEqual([]);
  });

  it('authenticates a PAT with indexed reads and no write', async () => {
    queries = [];
    expect((await tokenRequest(pat.token)).statusCode).toBe(200);
    expect(queries.every((sql) => sql.startsWith('select'))).toBe(true);
    expect(queries.length).toBeLessThanOrEqual(2);
    expect(queries[0]).toMatch(/"secret_hash" = (\?|\$1)/);
  });

  it('reads the requested repository with the token: one query on PostgreSQL, two on SQLite', async () => {
    // The first pull/push grant creates alice/app; the reads are counted on the next request.
    const scope = 'repository:alice/app:pull,push';
    expect((await tokenRequest(pat.token, scope)).statusCode).toBe(200);
    queries = [];
    const res = await tokenRequest(pat.token, scope);
    expect(res.statusCode).toBe(200);
    expect(queries.every((sql) => sql.startsWith('select'))).toBe(true);
    expect(queries).toHaveLength(dialect === 'postgres' ? 1 : 2);
    expect(queries.join('\n')).toContain('"repositories"');
    const claims = JSON.parse(Buffer.from(res.json().token.split('.')[1], 'base64url').toString());
    expect(claims.access).toEqual([{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }]);
  });

  it('a burst of 1,000 uses costs one write at the next flush', async () => {
    queries = [];
    for (let i = 0; i < 1000; i++) expect((await tokenRequest(pat.token)).statusCode).toBe(200);
    expect(queries.filter((sql) => !sql.startsWith('select'))).toEqual([]);
    await t.app.services.lastUsed.flush();
    const writes = queries.filter((sql) => !sql.startsWith('select'));
    expect(writes.filter((sql) => sql.startsWith('update'))).toHaveLength(1);
    // begin, the update, the address history's upsert and prune (token-address.repository.ts), commit
    expect(writes.length).toBeLessThanOrEqual(5);
    expect(writes.filter((sql) => sql.startsWith('insert into access_token_addresses'))).toHaveLength(1);
    const row = await t.database.db
      .selectFrom('access_tokens')
      .select('last_used_at')
      .where('id', '=', pat.uuid)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).toBe(t.clock.now().toISOString());
  });
});

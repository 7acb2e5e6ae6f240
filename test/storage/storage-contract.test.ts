/**
 * One storage contract, run on SQLite and on PostgreSQL (when TOKENHUB_TEST_PG_URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonalAccessToken } from '../../src/core/access-token-rules.ts';
import {
  deleteOwnedTokens,
  findOwnedToken,
  insertAccessToken,
  listOwnedTokens,
  updateOwnedToken,
  writeLastUses,
} from '../../src/storage/access-token.repository.ts';
import { insertAuditEvent, listAuditEvents } from '../../src/storage/audit.repository.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { insertServerKey, listLiveServerKeys } from '../../src/storage/server-key.repository.ts';
import { findTokenWithOwnerByHash } from '../../src/storage/token-credential.repository.ts';
import { findUserByUsername, insertUser, updateUserPassword } from '../../src/storage/user.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';
import { personalToken, randomSecretHash } from '../support/rows.ts';

const insertToken = (database: TestDatabase, token: PersonalAccessToken, secretHash = randomSecretHash()) =>
  insertAccessToken(database.db, token, secretHash);

describe.each(testDialects('storage contract'))('storage contract on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
  });
  afterAll(async () => database.close());

  it('migrations are idempotent', async () => {
    const again = await migrateToLatest(database.db);
    expect(again.results).toEqual([]);
  });

  // Kysely looks for its migration tables in every schema it can see; tokenhub must create its own
  // in the schema it uses even when another schema of the database (another app, another test run)
  // already has them.
  it.runIf(dialect === 'postgres')(
    'migrates a schema of its own beside another migrated schema',
    async () => {
      const neighbour = await openTestDatabase(dialect);
      try {
        const run = await migrateToLatest(neighbour.db);
        expect(run.results).toEqual([]);
        expect(await listLiveServerKeys(neighbour.db, 'hub-session')).toEqual([]);
      } finally {
        await neighbour.close();
      }
    },
  );

  it('users: unique lowercase usernames, password change sets the session cut-off', async () => {
    const user = {
      id: 'u1',
      username: 'alice',
      email: 'a@example.com',
      passwordHash: '$argon2id$...',
      isAdmin: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      sessionsValidAfter: null,
    };
    await insertUser(database.db, user);
    await expect(insertUser(database.db, { ...user, id: 'u2' })).rejects.toThrow();
    await updateUserPassword(database.db, 'u1', 'new-hash', '2026-02-01T00:00:00.000Z');
    expect(await findUserByUsername(database.db, 'alice')).toMatchObject({
      passwordHash: 'new-hash',
      sessionsValidAfter: '2026-02-01T00:00:00.000Z',
    });
  });

  it('tokens: found by hash, scoped to their owner, listed newest first with counts', async () => {
    const older = personalToken({ createdAt: '2026-01-01T00:00:00.000Z' });
    const newer = personalToken({ createdAt: '2026-01-02T00:00:00.000Z', isActive: false });
    const other = personalToken({ ownerId: 'u2' });
    await insertToken(database, older, 'a'.repeat(64));
    for (const token of [newer, other]) await insertToken(database, token);
    await expect(insertToken(database, personalToken(), 'a'.repeat(64))).rejects.toThrow();
    expect((await findTokenWithOwnerByHash(database.db, 'a'.repeat(64)))?.token.id).toBe(older.id);
    expect(await findOwnedToken(database.db, { kind: 'user', id: 'u1' }, other.id)).toBeUndefined();
    const page = await listOwnedTokens(database.db, { kind: 'user', id: 'u1' }, { limit: 10, offset: 0 });
    expect(page.tokens.map((r) => r.id)).toEqual([newer.id, older.id]);
    expect(page.tokens[0]).toMatchObject({ isActive: false, scopes: ['repo:read'], creatorName: 'alice' });
    expect(page).toMatchObject({ total: 2, active: 1 });
    const empty = await listOwnedTokens(
      database.db,
      { kind: 'user', id: 'nobody' },
      { limit: 10, offset: 0 },
    );
    expect(empty).toEqual({ tokens: [], total: 0, active: 0 });
  });

  it('tokens: updates and deletes touch only the owner’s rows', async () => {
    const mine = personalToken();
    const theirs = personalToken({ ownerId: 'u2' });
    await insertToken(database, mine);
    await insertToken(database, theirs);
    expect(
      await updateOwnedToken(database.db, { kind: 'user', id: 'u1' }, theirs.id, { label: 'x' }),
    ).toBeUndefined();
    expect(
      (await updateOwnedToken(database.db, { kind: 'user', id: 'u1' }, mine.id, { label: 'renamed' }))?.label,
    ).toBe('renamed');
    expect(await deleteOwnedTokens(database.db, { kind: 'user', id: 'u1' }, [mine.id, theirs.id])).toBe(1);
    expect(await findOwnedToken(database.db, { kind: 'user', id: 'u2' }, theirs.id)).toBeDefined();
  });

  it('last-used batches never move time backwards', async () => {
    const token = personalToken();
    await insertToken(database, token);
    await writeLastUses(database.db, [
      { tokenId: token.id, at: '2026-01-05T00:00:00.000Z', ip: '10.0.0.1', userAgent: 'a' },
    ]);
    await writeLastUses(database.db, [
      { tokenId: token.id, at: '2026-01-04T00:00:00.000Z', ip: '10.0.0.2', userAgent: 'b' },
    ]);
    expect(await findOwnedToken(database.db, { kind: 'user', id: 'u1' }, token.id)).toMatchObject({
      lastUsedAt: '2026-01-05T00:00:00.000Z',
      lastUsedIp: '10.0.0.1',
    });
  });

  it('audit events: filtered and newest first', async () => {
    for (const [i, action] of ['a.one', 'a.two', 'a.one'].entries()) {
      await insertAuditEvent(database.db, {
        id: crypto.randomUUID(),
        accountId: 'acc',
        accountName: 'alice',
        action,
        name: `n${i}`,
        actorId: 'u1',
        actorName: 'alice',
        ip: '127.0.0.1',
        userAgent: 'ua',
        data: {},
        createdAt: `2026-01-0${i + 1}T00:00:00.000Z`,
      });
    }
    const all = await listAuditEvents(database.db, { accountId: 'acc', limit: 10, offset: 0 });
    expect(all.map((e) => e.name)).toEqual(['n2', 'n1', 'n0']);
    const ones = await listAuditEvents(database.db, {
      accountId: 'acc',
      action: 'a.one',
      from: '2026-01-02',
      limit: 10,
      offset: 0,
    });
    expect(ones.map((e) => e.name)).toEqual(['n2']);
  });

  it('server keys: at most one active key per purpose, even when two processes race', async () => {
    const key = (id: string) => ({
      id,
      purpose: 'hub-session' as const,
      state: 'active' as const,
      privateKey: id,
      certificate: null,
      keyId: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      activatedAt: null,
      retiredAt: null,
    });
    const results = await Promise.all([
      insertServerKey(database.db, key('k1')),
      insertServerKey(database.db, key('k2')),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await listLiveServerKeys(database.db, 'hub-session')).toHaveLength(1);
  });
});

/** Server-side password sessions on SQLite and PostgreSQL: what is stored is read back whole. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountSession } from '../../src/core/account-session.ts';
import {
  deleteEndedAccountSessions,
  findAccountSession,
  findAccountSessionByRefreshHash,
  insertAccountSession,
  listLiveAccountSessions,
  revokeAccountSession,
  revokeOtherAccountSessions,
  touchAccountSession,
} from '../../src/storage/account-session.repository.ts';
import { insertUser } from '../../src/storage/user.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';

const at = '2026-01-01T00:00:00.000Z';
const later = '2026-01-02T00:00:00.000Z';

function session(id: string, overrides: Partial<AccountSession> = {}): AccountSession {
  return {
    id,
    userId: 'u1',
    kind: 'cli',
    device: 'laptop',
    ip: '10.0.0.1',
    userAgent: 'tokenhub-cli/0.1.0',
    createdAt: at,
    lastSeenAt: at,
    expiresAt: '2026-02-01T00:00:00.000Z',
    revokedAt: null,
    ...overrides,
  };
}

describe.each(testDialects('account sessions'))('account sessions on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    await insertUser(database.db, {
      id: 'u1',
      username: 'alice',
      email: 'a@example.com',
      passwordHash: '$argon2id$...',
      isAdmin: false,
      createdAt: at,
      updatedAt: at,
      sessionsValidAfter: null,
    });
  });
  afterAll(async () => database.close());

  it('stores, finds by id and by refresh hash, lists live ones, touches, revokes and forgets', async () => {
    const cli = session('00000000-0000-4000-8000-000000000001');
    const web = session('00000000-0000-4000-8000-000000000002', { kind: 'console' });
    const old = session('00000000-0000-4000-8000-000000000003', { expiresAt: '2026-01-01T01:00:00.000Z' });
    await insertAccountSession(database.db, cli, 'a'.repeat(64));
    await insertAccountSession(database.db, web, null);
    await insertAccountSession(database.db, old, null);
    expect(await findAccountSession(database.db, cli.id)).toEqual(cli);
    expect(await findAccountSessionByRefreshHash(database.db, 'a'.repeat(64))).toEqual(cli);
    expect(await findAccountSessionByRefreshHash(database.db, 'b'.repeat(64))).toBeUndefined();
    expect((await listLiveAccountSessions(database.db, 'u1', later)).map((s) => s.id).sort()).toEqual(
      [cli.id, web.id].sort(),
    );

    // Touch writes only when the stored time is older than the threshold.
    await touchAccountSession(database.db, cli.id, later, at);
    expect((await findAccountSession(database.db, cli.id))?.lastSeenAt).toBe(at);
    await touchAccountSession(database.db, cli.id, later, later, '10.0.0.2');
    expect(await findAccountSession(database.db, cli.id)).toMatchObject({
      lastSeenAt: later,
      ip: '10.0.0.2',
    });

    expect(await revokeAccountSession(database.db, 'u2', cli.id, later)).toBe(false);
    expect(await revokeAccountSession(database.db, 'u1', cli.id, later)).toBe(true);
    expect(await revokeAccountSession(database.db, 'u1', cli.id, later)).toBe(false);
    // Only live sessions are ended (and counted): `old` expired by itself, `cli` is revoked already.
    expect(await revokeOtherAccountSessions(database.db, 'u1', web.id, later)).toBe(0);
    const api = session('00000000-0000-4000-8000-000000000004', { kind: 'api' });
    await insertAccountSession(database.db, api, null);
    expect(await revokeOtherAccountSessions(database.db, 'u1', web.id, later)).toBe(1);
    expect((await listLiveAccountSessions(database.db, 'u1', later)).map((s) => s.id)).toEqual([web.id]);

    expect(await deleteEndedAccountSessions(database.db, '2026-01-03T00:00:00.000Z')).toBe(3);
    expect(await findAccountSession(database.db, web.id)).toBeDefined();
  });
});

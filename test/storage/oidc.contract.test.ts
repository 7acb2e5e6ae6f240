/**
 * OIDC storage on SQLite and PostgreSQL: connections (stored rulesets parsed and checked, owned
 * reads, by issuer), an exchanged token read with its connection and owner, the
 * single use of a `jti` (also 12 at once), the failure log keeping the latest 200, deletion taking
 * a connection's tokens, `jti` values and failures with it, and the expiry sweep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { hashTokenSecret } from '../../src/core/token-secret.ts';
import {
  connectionFromRow,
  deleteOwnedConnection,
  findOwnedConnectionsByIssuer,
  updateOwnedConnection,
} from '../../src/storage/oidc-connection.repository.ts';
import {
  failuresKeptPerConnection,
  insertFailure,
  listFailures,
} from '../../src/storage/oidc-failure.repository.ts';
import {
  claimJti,
  deleteExpiredOidcRows,
  findOidcTokenWithOwnerByHash,
} from '../../src/storage/oidc-token.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { mintOidcToken } from '../support/oidc-fixtures.ts';
import { setUpOrg, userRow } from '../support/org-fixtures.ts';

describe.each(testDialects('oidc storage'))('OIDC storage on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ dialect });
    await t.signUp('alice');
  });
  afterAll(async () => t?.close());

  it('reads a token with its connection and owner (user or organization) ', async () => {
    const alice = await userRow(t, 'alice');
    const org = await setUpOrg(t, 'acme', { members: [] });
    for (const owner of [
      { kind: 'user' as const, id: alice.id, name: 'alice' },
      { kind: 'org' as const, id: org.id, name: 'acme' },
    ]) {
      const minted = await mintOidcToken(t, owner);
      const found = await findOidcTokenWithOwnerByHash(t.database.db, hashTokenSecret(minted.secret));
      expect(found?.grant).toMatchObject({
        id: minted.tokenId,
        connectionId: minted.connectionId,
        ownerKind: owner.kind,
      });
      expect(found?.connectionActive).toBe(true);
      expect(found?.owner?.kind).toBe(owner.kind);
      expect(found?.owner?.kind === 'user' ? found.owner.user.username : found?.owner?.org.name).toBe(
        owner.name,
      );
      await updateOwnedConnection(
        t.database.db,
        owner,
        minted.connectionId,
        { isActive: false },
        new Date().toISOString(),
      );
      expect(
        (await findOidcTokenWithOwnerByHash(t.database.db, hashTokenSecret(minted.secret)))?.connectionActive,
      ).toBe(false);
    }
    expect(
      await findOidcTokenWithOwnerByHash(t.database.db, hashTokenSecret('thub_oidc_unknown')),
    ).toBeUndefined();
  });

  it('claims a jti once, also when 12 exchanges race for it', async () => {
    const alice = await userRow(t, 'alice');
    const { connectionId } = await mintOidcToken(t, { kind: 'user', id: alice.id, name: 'alice' });
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        claimJti(t.database.db, connectionId, 'jti-1', '2030-01-01T00:00:00.000Z'),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await claimJti(t.database.db, connectionId, 'jti-2', '2030-01-01T00:00:00.000Z')).toBe(true);
  });

  it('keeps the latest failures of a connection, newest first', async () => {
    const alice = await userRow(t, 'alice');
    const { connectionId } = await mintOidcToken(t, { kind: 'user', id: alice.id, name: 'alice' });
    for (let i = 0; i < failuresKeptPerConnection + 5; i++) {
      await insertFailure(t.database.db, {
        id: newId(),
        connectionId,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        reason: `reason ${i}`,
        subject: i % 2 ? null : 'repo:alice/app:ref:refs/heads/main',
        ip: '127.0.0.1',
        userAgent: 'ua',
      });
    }
    const { failures, total } = await listFailures(t.database.db, connectionId, { limit: 3, offset: 0 });
    expect(total).toBe(failuresKeptPerConnection);
    expect(failures.map((f) => f.reason)).toEqual(['reason 204', 'reason 203', 'reason 202']);
  });

  it('deleting a connection takes its tokens, jti values and failures; the sweep takes expired rows', async () => {
    const alice = await userRow(t, 'alice');
    const owner = { kind: 'user' as const, id: alice.id, name: 'alice' };
    const minted = await mintOidcToken(t, owner);
    await claimJti(t.database.db, minted.connectionId, 'x', '2030-01-01T00:00:00.000Z');
    await insertFailure(t.database.db, {
      id: newId(),
      connectionId: minted.connectionId,
      createdAt: '2026-01-01T00:00:00.000Z',
      reason: 'r',
      subject: null,
      ip: '',
      userAgent: '',
    });
    expect(
      await deleteOwnedConnection(t.database.db, { kind: 'org', id: alice.id }, minted.connectionId),
    ).toBe(false);
    expect(await deleteOwnedConnection(t.database.db, owner, minted.connectionId)).toBe(true);
    for (const table of ['oidc_tokens', 'oidc_used_jtis', 'oidc_failures'] as const) {
      const rows = await t.database.db
        .selectFrom(table)
        .selectAll()
        .where('connection_id', '=', minted.connectionId)
        .execute();
      expect(rows, table).toEqual([]);
    }
    const expiring = await mintOidcToken(t, owner, { lifetimeSeconds: 60 });
    await claimJti(t.database.db, expiring.connectionId, 'old', '2026-03-01T12:00:30.000Z');
    expect(await deleteExpiredOidcRows(t.database.db, '2026-03-01T12:05:00.000Z')).toBeGreaterThanOrEqual(2);
    expect(
      await findOidcTokenWithOwnerByHash(t.database.db, hashTokenSecret(expiring.secret)),
    ).toBeUndefined();
  });

  it('finds an owner’s connections by issuer, oldest first, and drops malformed stored rulesets', async () => {
    const alice = await userRow(t, 'alice');
    const owner = { kind: 'user' as const, id: alice.id, name: 'alice' };
    const first = await mintOidcToken(t, owner);
    const found = await findOwnedConnectionsByIssuer(t.database.db, owner, 'https://ci.example.com');
    expect(found.map((c) => c.id)).toContain(first.connectionId);
    const row = await t.database.db
      .selectFrom('oidc_connections')
      .selectAll()
      .where('id', '=', first.connectionId)
      .executeTakeFirstOrThrow();
    const junk = JSON.stringify([
      { subject: '', resources: [] },
      {
        subject: 'repo:alice/*',
        claims: { env: 5, ok: 'yes' },
        resources: [
          { type: 'TYPE_REPO', path: 'alice/a', scopes: ['scope-image-push', 'scope-root'] },
          { type: 'TYPE_ORG' },
        ],
      },
      'nonsense',
    ]);
    expect(connectionFromRow({ ...row, rulesets: junk }).rulesets).toEqual([
      {
        label: '',
        subject: 'repo:alice/*',
        claims: { ok: 'yes' },
        resources: [{ type: 'TYPE_REPO', path: 'alice/a', scopes: ['scope-image-push'] }],
      },
    ]);
  });
});

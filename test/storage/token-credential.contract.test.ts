/**
 * The hot path's joined read (token + owner, and the requested repository, in one query on
 * PostgreSQL), on SQLite and PostgreSQL: the rows it builds must equal what the separate lookups
 * return.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AccessTokenRow,
  findTokenByHash,
  insertAccessToken,
} from '../../src/storage/access-token.repository.ts';
import { insertRepositoryIfAbsent } from '../../src/storage/image-repository.repository.ts';
import { findOrganizationById, insertOrganization } from '../../src/storage/organization.repository.ts';
import { findTokenWithOwnerByHash } from '../../src/storage/token-credential.repository.ts';
import { findUserById, insertUser } from '../../src/storage/user.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';
import { accessTokenRow } from '../support/rows.ts';

const at = '2026-01-01T00:00:00.000Z';

/** A used `repo:write` PAT: every column of the row has a value to carry through the join. */
function tokenRow(overrides: Partial<AccessTokenRow>): AccessTokenRow {
  return accessTokenRow({
    scopes: '["repo:write"]',
    last_used_at: '2026-01-02T00:00:00.000Z',
    last_used_ip: '10.0.0.1',
    last_used_ua: 'docker/28',
    ...overrides,
  });
}

describe.each(testDialects('token credential'))('token with owner in one read, on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    await insertUser(database.db, {
      id: 'u1',
      username: 'alice',
      email: 'a@example.com',
      password_hash: '$argon2id$...',
      is_admin: 1,
      created_at: at,
      updated_at: at,
      sessions_valid_after: null,
    });
    await insertOrganization(database.db, {
      id: 'o1',
      name: 'acme',
      tier: 'team',
      created_at: at,
      updated_at: at,
      created_by: 'u1',
    });
  });
  afterAll(async () => database.close());

  it('a PAT comes with its whole user row, and the token row is whole too', async () => {
    const pat = tokenRow({ secret_hash: '1'.repeat(64) });
    await insertAccessToken(database.db, pat);
    const found = await findTokenWithOwnerByHash(database.db, pat.secret_hash);
    expect(found?.token).toEqual(await findTokenByHash(database.db, pat.secret_hash));
    expect(found?.owner).toEqual({ kind: 'user', user: await findUserById(database.db, 'u1') });
  });

  it('an OAT comes with its organization', async () => {
    const oat = tokenRow({ owner_kind: 'org', owner_id: 'o1', kind: 'oat', secret_hash: '2'.repeat(64) });
    await insertAccessToken(database.db, oat);
    const found = await findTokenWithOwnerByHash(database.db, oat.secret_hash);
    expect(found?.token).toEqual(await findTokenByHash(database.db, oat.secret_hash));
    expect(found?.owner).toEqual({ kind: 'org', org: await findOrganizationById(database.db, 'o1') });
  });

  it('an owner that is gone gives no owner, an unknown hash nothing', async () => {
    const orphan = tokenRow({ owner_id: 'nobody', secret_hash: '3'.repeat(64) });
    await insertAccessToken(database.db, orphan);
    expect((await findTokenWithOwnerByHash(database.db, orphan.secret_hash))?.owner).toBeUndefined();
    expect(await findTokenWithOwnerByHash(database.db, '4'.repeat(64))).toBeUndefined();
  });

  it('reads a named repository along with the token: its whole row, or none', async () => {
    const pat = tokenRow({ secret_hash: '5'.repeat(64) });
    await insertAccessToken(database.db, pat);
    const app = await insertRepositoryIfAbsent(database.db, {
      id: 'r1',
      namespace: 'alice',
      name: 'team/app',
      is_private: 1,
      description: 'the app',
      created_at: at,
      updated_at: at,
      created_by: 'u1',
    });
    const found = await findTokenWithOwnerByHash(database.db, pat.secret_hash, {
      namespace: 'alice',
      name: 'team/app',
    });
    expect(found?.repository).toEqual({ namespace: 'alice', name: 'team/app', row: app });
    expect(found?.token).toEqual(await findTokenByHash(database.db, pat.secret_hash));
    expect(found?.owner).toEqual({ kind: 'user', user: await findUserById(database.db, 'u1') });

    const other = { namespace: 'alice', name: 'team' };
    expect((await findTokenWithOwnerByHash(database.db, pat.secret_hash, other))?.repository).toEqual({
      ...other,
      row: undefined,
    });
    expect(await findTokenWithOwnerByHash(database.db, '6'.repeat(64), other)).toBeUndefined();
  });
});

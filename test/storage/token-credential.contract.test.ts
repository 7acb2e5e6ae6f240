/**
 * The hot path's joined read (token + owner, and the requested repository, in one query on
 * PostgreSQL), on SQLite and PostgreSQL: what it builds must equal what was stored and what the
 * separate lookups return.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessToken, PersonalAccessToken } from '../../src/core/access-token-rules.ts';
import { findTokenById, insertAccessToken } from '../../src/storage/access-token.repository.ts';
import { insertRepositoryIfAbsent } from '../../src/storage/image-repository.repository.ts';
import { findOrganizationById, insertOrganization } from '../../src/storage/organization.repository.ts';
import { findTokenWithOwnerByHash } from '../../src/storage/token-credential.repository.ts';
import { findUserById, insertUser } from '../../src/storage/user.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';
import { personalToken } from '../support/rows.ts';

const at = '2026-01-01T00:00:00.000Z';

/** A used `repo:write` PAT: every field has a value to carry through the join. */
function usedToken(overrides: Partial<PersonalAccessToken> = {}): PersonalAccessToken {
  return personalToken({
    scopes: ['repo:write'],
    lastUsedAt: '2026-01-02T00:00:00.000Z',
    lastUsedIp: '10.0.0.1',
    lastUsedUa: 'docker/28',
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
      passwordHash: '$argon2id$...',
      isAdmin: true,
      createdAt: at,
      updatedAt: at,
      sessionsValidAfter: null,
    });
    await insertOrganization(database.db, {
      id: 'o1',
      name: 'acme',
      tier: 'team',
      createdAt: at,
      updatedAt: at,
      createdBy: 'u1',
    });
  });
  afterAll(async () => database.close());

  it('a PAT comes with its whole user, and the token is whole too', async () => {
    const pat = usedToken();
    await insertAccessToken(database.db, pat, '1'.repeat(64));
    const found = await findTokenWithOwnerByHash(database.db, '1'.repeat(64));
    expect(found?.token).toEqual(pat);
    expect(found?.token).toEqual(await findTokenById(database.db, pat.id));
    expect(found?.owner).toEqual({ kind: 'user', user: await findUserById(database.db, 'u1') });
  });

  it('an OAT comes with its organization and its resources', async () => {
    const { scopes: _scopes, ...fields } = usedToken({ ownerId: 'o1' });
    const oat: AccessToken = {
      ...fields,
      kind: 'oat',
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }],
    };
    await insertAccessToken(database.db, oat, '2'.repeat(64));
    const found = await findTokenWithOwnerByHash(database.db, '2'.repeat(64));
    expect(found?.token).toEqual(oat);
    expect(found?.owner).toEqual({ kind: 'org', org: await findOrganizationById(database.db, 'o1') });
  });

  it('an owner that is gone gives no owner, an unknown hash nothing', async () => {
    await insertAccessToken(database.db, usedToken({ ownerId: 'nobody' }), '3'.repeat(64));
    expect((await findTokenWithOwnerByHash(database.db, '3'.repeat(64)))?.owner).toBeUndefined();
    expect(await findTokenWithOwnerByHash(database.db, '4'.repeat(64))).toBeUndefined();
  });

  it('reads a named repository along with the token: the whole repository, or none', async () => {
    const pat = usedToken();
    await insertAccessToken(database.db, pat, '5'.repeat(64));
    const app = await insertRepositoryIfAbsent(database.db, {
      id: 'r1',
      namespace: 'alice',
      name: 'team/app',
      isPrivate: true,
      description: 'the app',
      createdAt: at,
      updatedAt: at,
      createdBy: 'u1',
    });
    const found = await findTokenWithOwnerByHash(database.db, '5'.repeat(64), {
      namespace: 'alice',
      name: 'team/app',
    });
    expect(found?.alsoRead).toEqual({ path: { namespace: 'alice', name: 'team/app' }, repository: app });
    expect(found?.token).toEqual(pat);
    expect(found?.owner).toEqual({ kind: 'user', user: await findUserById(database.db, 'u1') });

    const other = { namespace: 'alice', name: 'team' };
    expect((await findTokenWithOwnerByHash(database.db, '5'.repeat(64), other))?.alsoRead).toEqual({
      path: other,
      repository: undefined,
    });
    expect(await findTokenWithOwnerByHash(database.db, '6'.repeat(64), other)).toBeUndefined();
  });
});

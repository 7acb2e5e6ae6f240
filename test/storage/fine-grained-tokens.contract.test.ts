/**
 * The storage of fine-grained tokens on SQLite and PostgreSQL: resources and allowlists round-trip
 * (through the hot path's joined read too), the address history merges sightings and keeps the
 * five seen last, organization policies save and read by name, and unused-token expiry claims
 * each token once even when two runs race.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noOrgTokenPolicy } from '../../src/core/token-policy.ts';
import { LastUsedRecorder } from '../../src/services/shared/last-used-recorder.ts';
import {
  findOwnedToken,
  insertAccessToken,
  updateOwnedToken,
  writeLastUses,
} from '../../src/storage/access-token.repository.ts';
import { insertOrganization } from '../../src/storage/organization.repository.ts';
import { findTokenWithOwnerByHash } from '../../src/storage/token-credential.repository.ts';
import {
  findOrgTokenPolicy,
  findTokenPolicyOfNamespace,
  saveOrgTokenPolicy,
} from '../../src/storage/token-policy.repository.ts';
import { expireTokensUnusedSince } from '../../src/storage/unused-token.repository.ts';
import { insertUser } from '../../src/storage/user.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';
import { personalToken, randomSecretHash } from '../support/rows.ts';

const at = '2026-01-01T00:00:00.000Z';
const user = { kind: 'user' as const, id: 'u1' };

describe.each(testDialects('fine-grained tokens'))('fine-grained token storage on %s', (dialect) => {
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

  it('resources and allowlists round-trip, through the hot path read too, and update', async () => {
    const pat = personalToken({
      scopes: ['repo:admin'],
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull', 'scope-image-push'] }],
      allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
    });
    const hash = randomSecretHash();
    await insertAccessToken(database.db, pat, hash);
    const found = await findTokenWithOwnerByHash(database.db, hash);
    expect(found?.token).toEqual(pat);
    // The same stored text gives the same parsed list (parsed once per token version).
    const again = await findTokenWithOwnerByHash(database.db, hash);
    expect(again?.token.allowedCidrs).toBe(found?.token.allowedCidrs);
    const updated = await updateOwnedToken(database.db, user, pat.id, { patResources: [], allowedCidrs: [] });
    expect(updated).toMatchObject({ resources: [], allowedCidrs: [], addresses: [] });
  });

  it('the address history merges sightings and keeps the five seen last; deleted tokens are skipped', async () => {
    const pat = personalToken();
    await insertAccessToken(database.db, pat, randomSecretHash());
    const sight = (ip: string, first: string, last: string) => ({
      tokenId: pat.id,
      ip,
      firstSeenAt: `2026-02-01T00:00:${first}.000Z`,
      lastSeenAt: `2026-02-01T00:00:${last}.000Z`,
    });
    await writeLastUses(
      database.db,
      [{ tokenId: pat.id, at: '2026-02-01T00:00:05.000Z', ip: '10.0.0.5', userAgent: 'ua' }],
      [sight('10.0.0.1', '01', '01'), sight('10.0.0.2', '02', '02'), sight('10.0.0.3', '03', '03')],
    );
    await writeLastUses(
      database.db,
      [],
      [
        sight('10.0.0.1', '10', '11'),
        sight('10.0.0.4', '04', '04'),
        sight('10.0.0.5', '05', '05'),
        sight('10.0.0.6', '06', '06'),
        { ...sight('10.0.0.9', '09', '09'), tokenId: '00000000-0000-4000-8000-000000000000' },
      ],
    );
    const token = await findOwnedToken(database.db, user, pat.id);
    expect(token?.lastUsedIp).toBe('10.0.0.5');
    expect(token?.addresses).toEqual([
      { ip: '10.0.0.1', firstSeenAt: '2026-02-01T00:00:01.000Z', lastSeenAt: '2026-02-01T00:00:11.000Z' },
      { ip: '10.0.0.6', firstSeenAt: '2026-02-01T00:00:06.000Z', lastSeenAt: '2026-02-01T00:00:06.000Z' },
      { ip: '10.0.0.5', firstSeenAt: '2026-02-01T00:00:05.000Z', lastSeenAt: '2026-02-01T00:00:05.000Z' },
      { ip: '10.0.0.4', firstSeenAt: '2026-02-01T00:00:04.000Z', lastSeenAt: '2026-02-01T00:00:04.000Z' },
      { ip: '10.0.0.3', firstSeenAt: '2026-02-01T00:00:03.000Z', lastSeenAt: '2026-02-01T00:00:03.000Z' },
    ]);
    const stored = await database.db
      .selectFrom('access_token_addresses')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(5);
  });

  it('organization policies save whole, read by id and by namespace name; none is the empty policy', async () => {
    expect(await findOrgTokenPolicy(database.db, 'o1')).toEqual(noOrgTokenPolicy);
    const policy = {
      oatMaxLifetimeDays: 7,
      patMaxLifetimeDays: null,
      requireFineGrainedPats: true,
      updatedAt: at,
      updatedBy: 'alice',
    };
    await saveOrgTokenPolicy(database.db, 'o1', policy);
    await saveOrgTokenPolicy(database.db, 'o1', { ...policy, patMaxLifetimeDays: 30 });
    expect(await findOrgTokenPolicy(database.db, 'o1')).toEqual({ ...policy, patMaxLifetimeDays: 30 });
    expect(await findTokenPolicyOfNamespace(database.db, 'acme')).toEqual({
      ...policy,
      patMaxLifetimeDays: 30,
    });
    expect(await findTokenPolicyOfNamespace(database.db, 'alice')).toEqual(noOrgTokenPolicy);
  });

  it('unused-token expiry: tokens unused since the cutoff, each claimed once by racing runs', async () => {
    const old = personalToken({ label: 'old', createdAt: '2025-01-01T00:00:00.000Z' });
    const stale = personalToken({
      label: 'stale',
      createdAt: '2025-01-01T00:00:00.000Z',
      lastUsedAt: '2025-06-01T00:00:00.000Z',
    });
    const fresh = personalToken({
      label: 'fresh',
      createdAt: '2025-01-01T00:00:00.000Z',
      lastUsedAt: '2026-01-20T00:00:00.000Z',
    });
    const inactive = personalToken({
      label: 'inactive',
      createdAt: '2025-01-01T00:00:00.000Z',
      isActive: false,
    });
    for (const token of [old, stale, fresh, inactive])
      await insertAccessToken(database.db, token, randomSecretHash());
    const now = '2026-02-01T00:00:00.000Z';
    const runs = await Promise.all(
      [1, 2, 3].map(() => expireTokensUnusedSince(database.db, '2026-01-01T00:00:00.000Z', now)),
    );
    const expired = runs
      .flat()
      .filter((token) => [old.id, stale.id, fresh.id, inactive.id].includes(token.id));
    expect(expired.map((token) => token.label).sort()).toEqual(['old', 'stale']);
    expect(expired[0]).toMatchObject({ ownerKind: 'user', ownerName: 'alice', kind: 'pat' });
    expect((await findOwnedToken(database.db, user, old.id))?.expiresAt).toBe(now);
    expect((await findOwnedToken(database.db, user, fresh.id))?.expiresAt).toBeNull();
  });

  it('the recorder keeps a failed interval’s addresses and merges them with newer sightings', async () => {
    const pat = personalToken();
    await insertAccessToken(database.db, pat, randomSecretHash());
    const recorder = new LastUsedRecorder(database.db, pino({ level: 'silent' }), 0);
    const use = (ip: string, second: string) =>
      recorder.record({ tokenId: pat.id, at: `2026-03-01T00:00:${second}.000Z`, ip, userAgent: 'ua' });
    use('10.1.0.1', '01');
    await sql`alter table access_token_addresses rename to access_token_addresses_away`.execute(database.db);
    // Uses recorded while the write fails: the failed sightings merge into them.
    const failing = recorder.flush();
    use('10.1.0.1', '03');
    use('10.1.0.2', '04');
    await failing;
    await sql`alter table access_token_addresses_away rename to access_token_addresses`.execute(database.db);
    await recorder.close();
    expect((await findOwnedToken(database.db, user, pat.id))?.addresses).toEqual([
      { ip: '10.1.0.2', firstSeenAt: '2026-03-01T00:00:04.000Z', lastSeenAt: '2026-03-01T00:00:04.000Z' },
      { ip: '10.1.0.1', firstSeenAt: '2026-03-01T00:00:01.000Z', lastSeenAt: '2026-03-01T00:00:03.000Z' },
    ]);
  });
});

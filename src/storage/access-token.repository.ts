/**
 * Access tokens of every kind (PATs now, OATs later), task-shaped. All functions take the db or a
 * transaction first. The hot path is `findTokenByHash`: one read through a unique index.
 */
import type { Db } from './database.ts';
import type { AccessTokensTable } from './schema.ts';

export type AccessTokenRow = AccessTokensTable;
export type TokenOwner = { kind: 'user' | 'org'; id: string };

export async function insertAccessToken(db: Db, row: AccessTokenRow): Promise<void> {
  await db.insertInto('access_tokens').values(row).execute();
}

export async function findTokenByHash(db: Db, secretHash: string): Promise<AccessTokenRow | undefined> {
  return db.selectFrom('access_tokens').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
}

export async function findTokenById(db: Db, id: string): Promise<AccessTokenRow | undefined> {
  return db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOwnedToken(
  db: Db,
  owner: TokenOwner,
  id: string,
): Promise<AccessTokenRow | undefined> {
  return db
    .selectFrom('access_tokens')
    .selectAll()
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** One page of an owner's tokens, newest first, with the owner's total and active counts. */
export async function listOwnedTokens(
  db: Db,
  owner: TokenOwner,
  page: { limit: number; offset: number },
): Promise<{ rows: AccessTokenRow[]; total: number; active: number }> {
  const rows = await db
    .selectFrom('access_tokens')
    .selectAll()
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const counts = await db
    .selectFrom('access_tokens')
    .select((eb) => [
      eb.fn.countAll<string | number>().as('total'),
      eb.fn.sum<string | number>('is_active').as('active'),
    ])
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .executeTakeFirstOrThrow();
  return { rows, total: Number(counts.total), active: Number(counts.active ?? 0) };
}

/** All of an owner's tokens, whatever their state (the OAT cap counts expired and inactive ones). */
export async function countOwnedTokens(db: Db, owner: TokenOwner): Promise<number> {
  const { total } = await db
    .selectFrom('access_tokens')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .executeTakeFirstOrThrow();
  return Number(total);
}

export type AccessTokenChanges = Partial<
  Pick<AccessTokenRow, 'label' | 'description' | 'scopes' | 'is_active'>
>;

export async function updateOwnedToken(
  db: Db,
  owner: TokenOwner,
  id: string,
  changes: AccessTokenChanges,
): Promise<AccessTokenRow | undefined> {
  if (Object.keys(changes).length > 0) {
    await db
      .updateTable('access_tokens')
      .set(changes)
      .where('owner_kind', '=', owner.kind)
      .where('owner_id', '=', owner.id)
      .where('id', '=', id)
      .execute();
  }
  return findOwnedToken(db, owner, id);
}

/** Deletes the listed tokens of one owner; returns how many went. Callers check the count. */
export async function deleteOwnedTokens(db: Db, owner: TokenOwner, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .deleteFrom('access_tokens')
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('id', 'in', ids)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface LastUse {
  tokenId: string;
  at: string;
  ip: string;
  userAgent: string;
}

/**
 * Writes buffered last-used records in one transaction (one UPDATE per distinct token). A record
 * never moves `last_used_at` backwards, so two processes flushing out of order stay correct.
 */
export async function writeLastUses(db: Db, uses: readonly LastUse[]): Promise<void> {
  if (uses.length === 0) return;
  await db.transaction().execute(async (tx) => {
    for (const use of uses) {
      await tx
        .updateTable('access_tokens')
        .set({ last_used_at: use.at, last_used_ip: use.ip, last_used_ua: use.userAgent })
        .where('id', '=', use.tokenId)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', use.at)]))
        .execute();
    }
  });
}

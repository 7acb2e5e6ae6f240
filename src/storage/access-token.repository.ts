/**
 * Access tokens of every kind (PATs now, OATs later), task-shaped. All functions take the db or a
 * transaction first. The hot path is `findTokenByHash`: one read through a unique index.
 */
import { sql } from 'kysely';
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
 * Writes buffered last-used records in one transaction, as a few multi-row `UPDATE … FROM (VALUES
 * …)` statements (SQLite ≥ 3.33 and PostgreSQL both have the form; `VALUES` columns are named
 * `column1`… in both). A record never moves `last_used_at` backwards, so two processes flushing out
 * of order stay correct. Token ids in one call are distinct (the recorder keeps one use per token).
 *
 * One UPDATE per token took 150-220 ms a flush of 1,000 tokens on PostgreSQL (a round trip each)
 * and blocked SQLite's event loop for 20-40 ms (bench/README.md). Rows go in chunks of fixed
 * sizes, largest first, so only five SQL texts exist and each is prepared once per connection.
 */
export async function writeLastUses(db: Db, uses: readonly LastUse[]): Promise<void> {
  if (uses.length === 0) return;
  await db.transaction().execute(async (tx) => {
    for (let at = 0; at < uses.length; ) {
      const size = lastUseChunkSizes.find((n) => n <= uses.length - at) ?? 1;
      await writeLastUseChunk(tx, uses.slice(at, at + size));
      at += size;
    }
  });
}

const lastUseChunkSizes = [256, 64, 16, 4, 1] as const;

async function writeLastUseChunk(db: Db, uses: readonly LastUse[]): Promise<void> {
  const rows = sql.join(uses.map((use) => sql`(${use.tokenId}, ${use.at}, ${use.ip}, ${use.userAgent})`));
  await sql`update access_tokens
    set last_used_at = v.column2, last_used_ip = v.column3, last_used_ua = v.column4
    from (values ${rows}) as v
    where access_tokens.id = v.column1
      and (access_tokens.last_used_at is null or access_tokens.last_used_at < v.column2)`.execute(db);
}

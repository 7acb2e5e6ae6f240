/**
 * Server keys kept in the store so every process signs with the same keys: the Hub session HMAC
 * secret and the registry signing keys with their certificates.
 */
import type { Db } from './database.ts';
import type { ServerKeysTable } from './schema.ts';

export type ServerKeyRow = ServerKeysTable;
export type ServerKeyPurpose = 'hub-session' | 'registry-signing';

/** Keys of one purpose that are not retired, oldest first. */
export async function listLiveServerKeys(db: Db, purpose: ServerKeyPurpose): Promise<ServerKeyRow[]> {
  return db
    .selectFrom('server_keys')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('state', '!=', 'retired')
    .orderBy('created_at', 'asc')
    .execute();
}

export async function listServerKeys(db: Db, purpose: ServerKeyPurpose): Promise<ServerKeyRow[]> {
  return db
    .selectFrom('server_keys')
    .selectAll()
    .where('purpose', '=', purpose)
    .orderBy('created_at', 'asc')
    .execute();
}

/**
 * Inserts a key; returns false when another process won the race to create the active key of
 * this purpose (the partial unique index `server_keys_one_active` refuses the second one).
 */
export async function insertServerKey(db: Db, row: ServerKeyRow): Promise<boolean> {
  const result = await db
    .insertInto('server_keys')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export type ServerKeyState = 'next' | 'active' | 'previous' | 'retired';

export async function setServerKeyState(
  db: Db,
  id: string,
  state: ServerKeyState,
  at: string,
): Promise<void> {
  await db
    .updateTable('server_keys')
    .set(
      state === 'active'
        ? { state, activated_at: at }
        : state === 'retired'
          ? { state, retired_at: at }
          : { state },
    )
    .where('id', '=', id)
    .execute();
}

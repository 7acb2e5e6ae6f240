/**
 * Server keys kept in the store so every process signs with the same keys: the Hub session HMAC
 * secret and the registry signing keys with their certificates.
 */
import type { ServerKey, ServerKeyPurpose, ServerKeyState } from '../core/server-key.ts';
import type { Db } from './database.ts';
import type { ServerKeysTable } from './schema.ts';

function serverKeyFromRow(row: ServerKeysTable): ServerKey {
  return {
    id: row.id,
    purpose: row.purpose as ServerKeyPurpose,
    state: row.state as ServerKeyState,
    privateKey: row.private_key,
    certificate: row.certificate,
    keyId: row.key_id,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    retiredAt: row.retired_at,
  };
}

/** Keys of one purpose that are not retired, oldest first. */
export async function listLiveServerKeys(db: Db, purpose: ServerKeyPurpose): Promise<ServerKey[]> {
  const rows = await db
    .selectFrom('server_keys')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('state', '!=', 'retired')
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map(serverKeyFromRow);
}

/**
 * Inserts a key; returns false when another process won the race to create the active key of
 * this purpose (the partial unique index `server_keys_one_active` refuses the second one).
 */
export async function insertServerKey(db: Db, key: ServerKey): Promise<boolean> {
  const result = await db
    .insertInto('server_keys')
    .values({
      id: key.id,
      purpose: key.purpose,
      state: key.state,
      private_key: key.privateKey,
      certificate: key.certificate,
      key_id: key.keyId,
      created_at: key.createdAt,
      activated_at: key.activatedAt,
      retired_at: key.retiredAt,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

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

/** Every key of every purpose and state (at-rest sealing of older rows). */
export async function listAllServerKeys(db: Db): Promise<ServerKey[]> {
  const rows = await db.selectFrom('server_keys').selectAll().orderBy('created_at', 'asc').execute();
  return rows.map(serverKeyFromRow);
}

/** Replaces a key's stored private material, if it is still `expected` (no lost update). */
export async function replaceServerKeyMaterial(
  db: Db,
  id: string,
  expected: string,
  stored: string,
): Promise<void> {
  await db
    .updateTable('server_keys')
    .set({ private_key: stored })
    .where('id', '=', id)
    .where('private_key', '=', expected)
    .execute();
}

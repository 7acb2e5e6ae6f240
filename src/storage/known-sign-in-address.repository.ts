/**
 * Addresses known to have signed in to an account (services/sign-in/known-addresses.ts): rows of a
 * keyed hash and the last time it was seen. Nothing here can tell which account or address a row
 * stands for.
 */
import type { Db } from './database.ts';

/** Whether `keyHash` was seen at or after `since` (ISO 8601). */
export async function isKnownSignInAddress(db: Db, keyHash: string, since: string): Promise<boolean> {
  const row = await db
    .selectFrom('known_sign_in_addresses')
    .select('last_seen_at')
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  return row !== undefined && row.last_seen_at >= since;
}

/** Records (or refreshes) a successful sign-in address. */
export async function rememberSignInAddress(db: Db, keyHash: string, at: string): Promise<void> {
  await db
    .insertInto('known_sign_in_addresses')
    .values({ key_hash: keyHash, last_seen_at: at })
    .onConflict((oc) => oc.column('key_hash').doUpdateSet({ last_seen_at: at }))
    .execute();
}

/** Retention: forgets addresses not seen since `cutoff`; returns how many went. */
export async function forgetSignInAddressesBefore(db: Db, cutoff: string): Promise<number> {
  const result = await db
    .deleteFrom('known_sign_in_addresses')
    .where('last_seen_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

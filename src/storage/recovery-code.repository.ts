/** Replacing an account's recovery codes (regeneration), in the caller's transaction. */
import type { Db } from './database.ts';

export async function replaceRecoveryCodes(
  tx: Db,
  userId: string,
  hashes: ReadonlyArray<{ id: string; hash: string }>,
): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length === 0) return;
  await tx
    .insertInto('recovery_codes')
    .values(hashes.map((code) => ({ id: code.id, user_id: userId, code_hash: code.hash, used_at: null })))
    .execute();
}

/**
 * Keys every process shares (core/server-key.ts), created once: the first process to start makes the
 * active key of a purpose and every other process, started at the same moment or later, uses it.
 */
import type { ServerKey, ServerKeyPurpose } from '../../core/server-key.ts';
import type { Db } from '../../storage/database.ts';
import { insertServerKey, listLiveServerKeys } from '../../storage/server-key.repository.ts';

/**
 * The active key of `purpose`, made by `make` when there is none yet. Race-safe: the store keeps
 * one active key per purpose (a partial unique index), so a process that loses the race to insert
 * reads the winner's key on its next try.
 */
export async function ensureActiveServerKey(
  db: Db,
  purpose: ServerKeyPurpose,
  make: () => Promise<ServerKey>,
): Promise<ServerKey> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const active = (await listLiveServerKeys(db, purpose)).find((key) => key.state === 'active');
    if (active) return active;
    await insertServerKey(db, await make());
  }
  throw new Error(`could not create the ${purpose} key`);
}

/**
 * Keys every process shares (core/server-key.ts), created once: the first process to start makes the
 * active key of a purpose and every other process, started at the same moment or later, uses it.
 *
 * Their private material (the Hub session secret, the registry signing keys) is stored sealed with
 * the instance secret key (core/secret-box.ts, as TOTP secrets are), so a copy of the database
 * alone forges neither sessions nor registry tokens. Rows of an older install are sealed at start
 * (`sealStoredServerKeys`); until then a plaintext row still opens as itself.
 */
import type { Logger } from 'pino';
import { openSecret, sealSecret } from '../../core/secret-box.ts';
import type { ServerKey, ServerKeyPurpose } from '../../core/server-key.ts';
import type { Db } from '../../storage/database.ts';
import {
  insertServerKey,
  listAllServerKeys,
  listLiveServerKeys,
  replaceServerKeyMaterial,
} from '../../storage/server-key.repository.ts';

/** Sealed material starts with the secret box's version (a PEM starts with `-----`, base64 has no `.`). */
const isSealed = (stored: string) => stored.startsWith('v1.');

/** The key as stored: its private material sealed with `secretKey`. */
export function sealServerKey(secretKey: Buffer, key: ServerKey): ServerKey {
  return isSealed(key.privateKey) ? key : { ...key, privateKey: sealSecret(secretKey, key.privateKey) };
}

/** The key as used: its private material opened. @throws Error when sealed with another key. */
export function openServerKey(secretKey: Buffer, key: ServerKey): ServerKey {
  if (!isSealed(key.privateKey)) return key;
  try {
    return { ...key, privateKey: openSecret(secretKey, key.privateKey) };
  } catch (error) {
    throw new Error(
      `the ${key.purpose} key ${key.id} was sealed with another instance secret key: set TOKENHUB_SECRET_KEY (or the key file) as on the instance that made it`,
      { cause: error },
    );
  }
}

/**
 * Seals every key still stored in plaintext (an install older than sealing, or an import of such
 * a backup); returns how many, logged once. Idempotent and safe in several processes at once.
 */
export async function sealStoredServerKeys(db: Db, secretKey: Buffer, log: Logger): Promise<number> {
  const plain = (await listAllServerKeys(db)).filter((key) => !isSealed(key.privateKey));
  for (const key of plain)
    await replaceServerKeyMaterial(db, key.id, key.privateKey, sealServerKey(secretKey, key).privateKey);
  if (plain.length > 0)
    log.info({ sealed: plain.length }, 'server keys sealed at rest with the instance secret key');
  return plain.length;
}

/**
 * The active key of `purpose` (opened), made by `make` and stored sealed when there is none yet. Race-safe: the store keeps
 * one active key per purpose (a partial unique index), so a process that loses the race to insert
 * reads the winner's key on its next try.
 */
export async function ensureActiveServerKey(
  db: Db,
  purpose: ServerKeyPurpose,
  make: () => Promise<ServerKey>,
  secretKey: Buffer,
): Promise<ServerKey> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const active = (await listLiveServerKeys(db, purpose)).find((key) => key.state === 'active');
    if (active) return openServerKey(secretKey, active);
    await insertServerKey(db, sealServerKey(secretKey, await make()));
  }
  throw new Error(`could not create the ${purpose} key`);
}

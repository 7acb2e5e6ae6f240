/**
 * Registry signing keys (ARCHITECTURE.md, "Signing"): ES256 P-256 keys kept in the store so every
 * process signs with the same key, each with a self-signed certificate for the registry's
 * `rootcertbundle`.
 *
 * Rotation is three steps, so no registry ever sees a token signed by a key it does not trust:
 *   1. `createNextKey`: a `next` key; its certificate is in the bundle at once (reload the registry);
 *   2. `activateNextKey`: `next` becomes `active` (signs), the old one `previous` (still trusted);
 *   3. `retirePreviousKeys`: once tokens signed by it have expired, `previous` leaves the bundle.
 */
import type { Clock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { ServerKey, ServerKeyState } from '../core/server-key.ts';
import { ensureActiveServerKey, sealServerKey } from '../services/shared/server-keys.ts';
import type { Db } from '../storage/database.ts';
import { insertServerKey, listLiveServerKeys, setServerKeyState } from '../storage/server-key.repository.ts';
import { inTransaction } from '../storage/transaction.ts';
import { createRegistryJwtSigner, type RegistryJwtSigner } from './jwt-signer.ts';
import { createSigningKey, loadSigningKey } from './signing-key.ts';

const purpose = 'registry-signing';

async function newKey(clock: Clock, state: ServerKeyState): Promise<ServerKey> {
  const now = clock.now();
  const material = await createSigningKey({ commonName: `tokenhub token signer ${now.toISOString()}`, now });
  return {
    id: newId(),
    purpose,
    state,
    privateKey: material.privateKeyPem,
    certificate: material.certificatePem,
    keyId: material.keyId,
    createdAt: now.toISOString(),
    activatedAt: state === 'active' ? now.toISOString() : null,
    retiredAt: null,
  };
}

/** The active key, created on the very first start (race-safe: one active key per purpose). */
export async function ensureActiveRegistryKey(db: Db, clock: Clock, secretKey: Buffer): Promise<ServerKey> {
  return ensureActiveServerKey(db, purpose, () => newKey(clock, 'active'), secretKey);
}

/** Keys whose certificates belong in the registry's bundle: next, active and previous. */
export async function listPublishedRegistryKeys(db: Db): Promise<ServerKey[]> {
  return listLiveServerKeys(db, purpose);
}

/** The PEM bundle for the registry's `auth.token.rootcertbundle`. */
export function certificateBundle(keys: readonly ServerKey[]): string {
  return keys
    .map((key) => (key.certificate ?? '').trim())
    .filter(Boolean)
    .join('\n')
    .concat('\n');
}

/** Step 1: a `next` key (refused while one is already waiting). */
export async function createNextKey(db: Db, clock: Clock, secretKey: Buffer): Promise<ServerKey> {
  await ensureActiveRegistryKey(db, clock, secretKey);
  if ((await listPublishedRegistryKeys(db)).some((key) => key.state === 'next')) {
    throw new AppError('BAD_REQUEST', 'a next key is already published; activate it first');
  }
  const key = await newKey(clock, 'next');
  await insertServerKey(db, sealServerKey(secretKey, key));
  return key;
}

/** Step 2: the `next` key signs from now on; the active one becomes `previous` (still trusted). */
export async function activateNextKey(db: Db, clock: Clock): Promise<ServerKey> {
  const at = clock.now().toISOString();
  return inTransaction(db, async (tx) => {
    const keys = await listPublishedRegistryKeys(tx);
    const next = keys.find((key) => key.state === 'next');
    if (!next) throw new AppError('BAD_REQUEST', 'no next key to activate; run rotate-key first');
    for (const key of keys) if (key.state === 'active') await setServerKeyState(tx, key.id, 'previous', at);
    await setServerKeyState(tx, next.id, 'active', at);
    return { ...next, state: 'active', activatedAt: at };
  });
}

/** Step 3: `previous` keys leave the bundle. Returns how many were retired. */
export async function retirePreviousKeys(db: Db, clock: Clock): Promise<number> {
  const previous = (await listPublishedRegistryKeys(db)).filter((key) => key.state === 'previous');
  for (const key of previous) await setServerKeyState(db, key.id, 'retired', clock.now().toISOString());
  return previous.length;
}

/**
 * The signer every process uses, re-read from the store every `refreshIntervalMs` so an
 * activation by another process (or `tokenhub admin rotate-key --activate`) takes over without a
 * restart. Until then the old key keeps signing, which the registry still trusts (step 2).
 */
export class RegistrySigner {
  #signer: RegistryJwtSigner;
  #timer: NodeJS.Timeout | undefined;
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #secretKey: Buffer;

  private constructor(db: Db, clock: Clock, secretKey: Buffer, signer: RegistryJwtSigner) {
    this.#db = db;
    this.#clock = clock;
    this.#secretKey = secretKey;
    this.#signer = signer;
  }

  /** @param secretKey the instance secret key the signing keys are sealed with. */
  static async open(
    db: Db,
    clock: Clock,
    refreshIntervalMs: number,
    secretKey: Buffer,
  ): Promise<RegistrySigner> {
    const active = await ensureActiveRegistryKey(db, clock, secretKey);
    const signer = new RegistrySigner(db, clock, secretKey, signerFor(active));
    if (refreshIntervalMs > 0) {
      signer.#timer = setInterval(() => void signer.refresh().catch(() => undefined), refreshIntervalMs);
      signer.#timer.unref();
    }
    return signer;
  }

  get current(): RegistryJwtSigner {
    return this.#signer;
  }

  async refresh(): Promise<void> {
    const active = await ensureActiveRegistryKey(this.#db, this.#clock, this.#secretKey);
    if (active.keyId !== this.#signer.keyId) this.#signer = signerFor(active);
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}

function signerFor(key: ServerKey): RegistryJwtSigner {
  if (!key.certificate) throw new Error(`registry key ${key.id} has no certificate`);
  return createRegistryJwtSigner(loadSigningKey(key.privateKey, key.certificate));
}

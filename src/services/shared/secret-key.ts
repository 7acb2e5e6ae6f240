/**
 * The key that encrypts secrets at rest (TOTP secrets): `TOKENHUB_SECRET_KEY`, or a key file created
 * on first start with mode 0600 (`TOKENHUB_SECRET_KEY_FILE`, default ./data/secret.key). Several
 * processes on several hosts must share the same key: set the variable there.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../../config.ts';
import { randomKey } from '../../core/random.ts';

export function loadSecretKey(config: Pick<Config, 'secretKey' | 'secretKeyFile'>): Buffer {
  if (config.secretKey) return config.secretKey;
  try {
    const key = Buffer.from(readFileSync(config.secretKeyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${config.secretKeyFile} does not hold a 32-byte base64 key`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(config.secretKeyFile), { recursive: true, mode: 0o700 });
  const key = randomKey(32);
  try {
    // `wx`: if another process created it first, read theirs.
    writeFileSync(config.secretKeyFile, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadSecretKey(config);
    throw error;
  }
}

/** `loadSecretKey` on first call, then the same key. */
export function lazySecretKey(config: Pick<Config, 'secretKey' | 'secretKeyFile'>): () => Buffer {
  let key: Buffer | undefined;
  return () => {
    key ??= loadSecretKey(config);
    return key;
  };
}

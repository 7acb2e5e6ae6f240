/**
 * Password hashing with argon2id at OWASP's recommended parameters (19 MiB, 2 iterations,
 * parallelism 1). The work runs on libuv's thread pool, off the event loop.
 */
import { hash, verify } from '@node-rs/argon2';

// `algorithm: 2` is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const argon2Options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

/** Constant-time comparison inside argon2; `false` on a malformed stored hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for unknown usernames, so response timing does not
 * tell whether an account exists.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('tokenhub-dummy-password');
  await verifyPassword(await dummyHash, password);
  return false;
}

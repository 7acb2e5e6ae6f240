/**
 * Random strings, all from the CSPRNG (`crypto.randomBytes`), never `Math.random`: token bodies,
 * user codes, recovery codes, one-time codes and server secrets are drawn here and nowhere else.
 */
import { randomBytes } from 'node:crypto';

/**
 * `length` characters of `alphabet`, each equally likely: bytes at or above the largest multiple of
 * the alphabet's size are dropped (rejection sampling), so no character is favoured.
 * @example randomString('0123456789', 6) // '407215'
 */
export function randomString(alphabet: string, length: number): string {
  if (alphabet.length < 2 || alphabet.length > 256)
    throw new RangeError('alphabet must have 2 to 256 characters');
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** An opaque single-use code for a URL or a header: `bytes` random bytes as base64url (32 → 256 bits). */
export function randomUrlSafe(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Raw key material (`bytes` random bytes). */
export function randomKey(bytes = 32): Buffer {
  return randomBytes(bytes);
}

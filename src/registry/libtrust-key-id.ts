import type { KeyObject } from 'node:crypto';
import { createHash, createPublicKey } from 'node:crypto';

/**
 * The docker/libtrust key id, which the distribution 2.8 registry uses to find the key named by a
 * JWT's `kid` among the certificates of its `rootcertbundle` (PROTOCOLS.md §2; libtrust `util.go`
 * `keyIDFromCryptoKey`): SHA-256 of the DER SubjectPublicKeyInfo, the first 30 bytes (240 bits, a
 * whole number of base32 characters), RFC 4648 base32 without padding (48 characters), cut into 12
 * groups of 4 joined by `:`.
 *
 * A private key is accepted too; its public half is used.
 *
 * @example libtrustKeyId(publicKey) // → 'PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6'
 * @throws TypeError for a symmetric (secret) key.
 */
export function libtrustKeyId(key: KeyObject): string {
  if (key.type === 'secret') throw new TypeError('a libtrust key id needs an asymmetric key');
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(spki).digest().subarray(0, 30);
  const encoded = base32NoPadding(digest);
  const groups: string[] = [];
  for (let i = 0; i < encoded.length; i += 4) groups.push(encoded.slice(i, i + 4));
  return groups.join(':');
}

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32 (upper-case alphabet), without `=` padding. */
export function base32NoPadding(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += base32Alphabet[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += base32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

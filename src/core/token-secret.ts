/**
 * Token secrets: `<prefix><kind>_<body><checksum>` (ARCHITECTURE.md, "Token secrets").
 * - body: 32 base62 characters drawn from `crypto.randomBytes` by rejection sampling (~190 bits);
 * - checksum: CRC32 of everything before it, as 6 base62 characters, so a scanner (or the server,
 *   before any database read) can reject a mistyped or made-up token offline.
 * Only `hashTokenSecret` (SHA-256, hex) is stored; the secret is high-entropy, so no slow hash.
 */
import { crc32 } from 'node:zlib';
import { sha256Hex } from './digest.ts';
import { type TokenKind, tokenKindNames } from './ids.ts';
import { randomString } from './random.ts';

const base62Alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const tokenBodyLength = 32;
const checksumLength = 6;

/** A token secret in memory. `toString`/`toJSON` redact it so it never slips into a log line. */
export class TokenSecret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The secret itself: call only to hand it to its owner once, or to hash it. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted token]';
  }
  toJSON(): string {
    return '[redacted token]';
  }
}

function base62Fixed(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = base62Alphabet[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

function checksumOf(text: string): string {
  return base62Fixed(crc32(text), checksumLength);
}

/**
 * Makes a new secret.
 * @example generateTokenSecret('thub_', 'pat').reveal() // 'thub_pat_3kQ…' (47 characters)
 */
export function generateTokenSecret(prefix: string, kind: TokenKind): TokenSecret {
  const head = `${prefix}${kind}_${randomString(base62Alphabet, tokenBodyLength)}`;
  return new TokenSecret(head + checksumOf(head));
}

/**
 * Recognises a secret of this instance and checks its checksum, without any I/O.
 * @returns the token kind, or `undefined` when the text is not a well-formed secret.
 */
export function parseTokenSecret(prefix: string, text: string): TokenKind | undefined {
  if (!text.startsWith(prefix)) return undefined;
  const rest = text.slice(prefix.length);
  const kind = tokenKindNames.find((name) => rest.startsWith(`${name}_`));
  if (kind === undefined) return undefined;
  const body = rest.slice(kind.length + 1);
  if (body.length !== tokenBodyLength + checksumLength) return undefined;
  if (!/^[0-9A-Za-z]+$/.test(body)) return undefined;
  const head = text.slice(0, text.length - checksumLength);
  if (checksumOf(head) !== text.slice(-checksumLength)) return undefined;
  return kind;
}

/** True when the text looks like it was meant as a token of this instance (prefix and kind). */
export function looksLikeTokenSecret(prefix: string, text: string): boolean {
  return text.startsWith(prefix) && tokenKindNames.some((kind) => text.startsWith(`${prefix}${kind}_`));
}

/** The stored form: SHA-256 of the whole secret, lowercase hex. */
export function hashTokenSecret(secret: string): string {
  return sha256Hex(secret);
}

/** A short, non-secret hint to recognise a token in a list: prefix, kind and 4 body characters. */
export function tokenHint(prefix: string, secret: string): string {
  return `${secret.slice(0, secret.indexOf('_', prefix.length) + 1 + 4)}…`;
}

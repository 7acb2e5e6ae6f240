/**
 * The one digest of stored secrets: SHA-256, lowercase hex. Token secrets, device codes, login
 * tokens and recovery codes are high-entropy (or single-use and short-lived), so a fast hash is
 * enough and lookups stay one indexed read; passwords use argon2id instead (password-hashing.ts).
 */
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Links mailed to an account: a single-use code (256 bits from the CSPRNG; only its SHA-256 is
 * stored) on a page of this instance. A newer link of the same purpose ends the older ones.
 */
import { sha256Hex } from '../../core/digest.ts';
import { randomUrlSafe } from '../../core/random.ts';
import type { Db } from '../../storage/database.ts';
import {
  type EmailCodePurpose,
  insertEmailCode,
  revokeEmailCodes,
} from '../../storage/email-code.repository.ts';
import type { ServiceContext } from '../shared/context.ts';

/** How long a link works: verification 24 h, password reset 30 min. */
export const linkTtlMs: Record<EmailCodePurpose, number> = {
  'verify-email': 24 * 3_600_000,
  'password-reset': 30 * 60_000,
};

/** The page of each purpose (served by api/routes/mail-links.routes.ts). */
export const linkPaths: Record<EmailCodePurpose, string> = {
  'verify-email': '/mail/verify-email',
  'password-reset': '/mail/reset-password',
};

/** A code is 43 base64url characters; anything else is refused before any I/O. */
export function looksLikeEmailCode(code: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(code);
}

export function hashEmailCode(code: string): string {
  return sha256Hex(code);
}

/**
 * Stores a new code for `userId` (ending its unused codes of the same purpose) in `tx`, and
 * returns the link that carries it.
 */
export async function issueEmailLink(
  ctx: ServiceContext,
  tx: Db,
  link: { userId: string; purpose: EmailCodePurpose; email: string },
): Promise<string> {
  const code = randomUrlSafe(32);
  const now = ctx.clock.now();
  await revokeEmailCodes(tx, link.userId, link.purpose, now.toISOString());
  await insertEmailCode(tx, {
    codeHash: hashEmailCode(code),
    userId: link.userId,
    purpose: link.purpose,
    email: link.email,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + linkTtlMs[link.purpose]).toISOString(),
  });
  return `${ctx.config.publicUrl}${linkPaths[link.purpose]}?code=${code}`;
}

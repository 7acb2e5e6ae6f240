/**
 * Single-use codes of mailed links (verification, password reset). Only the SHA-256 of a code is
 * stored; a code is spent by one conditional update, so two concurrent uses cannot both succeed.
 */
import type { Db } from './database.ts';

export type EmailCodePurpose = 'verify-email' | 'password-reset';

export interface EmailCode {
  userId: string;
  purpose: EmailCodePurpose;
  email: string;
  expiresAt: string;
}

export async function insertEmailCode(
  db: Db,
  code: EmailCode & { codeHash: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('email_codes')
    .values({
      code_hash: code.codeHash,
      user_id: code.userId,
      purpose: code.purpose,
      email: code.email,
      created_at: code.createdAt,
      expires_at: code.expiresAt,
      used_at: null,
    })
    .execute();
}

/**
 * Spends the unused, unexpired code of `purpose` with hash `codeHash`, in the caller's
 * transaction.
 * @returns the code, or undefined when it is unknown, expired, already used or of another purpose.
 */
export async function spendEmailCode(
  tx: Db,
  codeHash: string,
  purpose: EmailCodePurpose,
  now: string,
): Promise<EmailCode | undefined> {
  const result = await tx
    .updateTable('email_codes')
    .set({ used_at: now })
    .where('code_hash', '=', codeHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return undefined;
  const row = await tx
    .selectFrom('email_codes')
    .select(['user_id', 'purpose', 'email', 'expires_at'])
    .where('code_hash', '=', codeHash)
    .executeTakeFirstOrThrow();
  return {
    userId: row.user_id,
    purpose: row.purpose as EmailCodePurpose,
    email: row.email,
    expiresAt: row.expires_at,
  };
}

/** Whether an unused, unexpired code of `purpose` has this hash (a link page checks before it asks). */
export async function isEmailCodeUsable(
  db: Db,
  codeHash: string,
  purpose: EmailCodePurpose,
  now: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('email_codes')
    .select('code_hash')
    .where('code_hash', '=', codeHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

/** Ends every unused code of `purpose` of the account (a newer link replaces them). */
export async function revokeEmailCodes(db: Db, userId: string, purpose: EmailCodePurpose, now: string) {
  await db
    .updateTable('email_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

/** Deletes codes that expired before `before`. */
export async function deleteExpiredEmailCodes(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('email_codes').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

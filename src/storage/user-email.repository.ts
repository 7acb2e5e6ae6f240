/**
 * The mail facts of accounts: whether an address is verified, whether expiry notices are wanted,
 * and who holds a verified address (sign-in by email, invites by email).
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';

export interface EmailState {
  email: string;
  verifiedAt: string | null;
  expiryNotices: boolean;
}

export async function findEmailState(db: Db, userId: string): Promise<EmailState | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['email', 'email_verified_at', 'expiry_notices'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return (
    row && {
      email: row.email,
      verifiedAt: row.email_verified_at ?? null,
      expiryNotices: Number(row.expiry_notices ?? 1) === 1,
    }
  );
}

/**
 * Ids of the accounts whose verified address is `email` (lowercased), compared
 * case-insensitively; at most two, so a caller can tell "exactly one".
 */
export async function findUserIdsByVerifiedEmail(db: Db, email: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(email)`, '=', email)
    .where('email_verified_at', 'is not', null)
    .limit(2)
    .execute();
  return rows.map((row) => row.id);
}

/** Sets the address and marks it verified at `at`. */
export async function setVerifiedEmail(db: Db, userId: string, email: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ email, email_verified_at: at, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

export async function setExpiryNotices(db: Db, userId: string, on: boolean, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ expiry_notices: on ? 1 : 0, updated_at: at })
    .where('id', '=', userId)
    .execute();
}

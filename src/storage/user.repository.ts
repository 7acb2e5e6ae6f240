/** Users. Usernames are stored lowercased; callers normalise before calling. */
import { sql } from 'kysely';
import type { User } from '../core/account-rules.ts';
import { type Db, dialectOf } from './database.ts';
import type { UsersTable } from './schema.ts';

export function userFromRow(row: UsersTable): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    isAdmin: row.is_admin === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    sessionsValidAfter: row.sessions_valid_after,
    emailVerifiedAt: row.email_verified_at ?? null,
    expiryNotices: Number(row.expiry_notices ?? 1) === 1,
  };
}

export async function insertUser(db: Db, user: User): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      email: user.email,
      password_hash: user.passwordHash,
      is_admin: user.isAdmin ? 1 : 0,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
      sessions_valid_after: user.sessionsValidAfter,
    })
    .execute();
}

export async function findUserByUsername(db: Db, username: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && userFromRow(row);
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && userFromRow(row);
}

/**
 * Inside a transaction, serialises work on one account (the auto-generated token cap): on
 * PostgreSQL a row lock (`SELECT … FOR UPDATE`); SQLite transactions are already serialised by its
 * single writer connection.
 */
export async function lockUser(tx: Db, id: string): Promise<User | undefined> {
  const select = tx.selectFrom('users').selectAll().where('id', '=', id);
  const row = await (dialectOf(tx) === 'postgres' ? select.forUpdate() : select).executeTakeFirst();
  return row && userFromRow(row);
}

/** Replaces the password hash and ends every Hub session issued before `changedAt`. */
export async function updateUserPassword(
  db: Db,
  id: string,
  passwordHash: string,
  changedAt: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: changedAt, sessions_valid_after: changedAt })
    .where('id', '=', id)
    .execute();
}

export async function setUserAdmin(db: Db, id: string, isAdmin: boolean, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ is_admin: isAdmin ? 1 : 0, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Users whose email address is `email`, compared case-insensitively (`email` lowercased); at most two. */
export async function findUserIdsByEmail(db: Db, email: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(email)`, '=', email)
    .limit(2)
    .execute();
  return rows.map((row) => row.id);
}

/** Users. Usernames are stored lowercased; callers normalise before calling. */
import { type Db, dialectOf } from './database.ts';
import type { UsersTable } from './schema.ts';

export type UserRow = UsersTable;

export async function insertUser(db: Db, user: UserRow): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Inside a transaction, serialises work on one account (the auto-generated token cap): on
 * PostgreSQL a row lock (`SELECT … FOR UPDATE`); SQLite transactions are already serialised by its
 * single writer connection.
 */
export async function lockUser(tx: Db, id: string): Promise<UserRow | undefined> {
  const select = tx.selectFrom('users').selectAll().where('id', '=', id);
  return (dialectOf(tx) === 'postgres' ? select.forUpdate() : select).executeTakeFirst();
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

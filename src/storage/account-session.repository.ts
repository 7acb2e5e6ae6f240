/** Password sessions kept on the server (listing, revocation, CLI refresh tokens). */
import type { AccountSession, AccountSessionKind } from '../core/account-session.ts';
import type { Db } from './database.ts';
import type { AccountSessionsTable } from './schema.ts';

function toSession(row: AccountSessionsTable): AccountSession {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind as AccountSessionKind,
    device: row.device,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export async function insertAccountSession(
  db: Db,
  session: AccountSession,
  refreshHash: string | null,
): Promise<void> {
  await db
    .insertInto('account_sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      kind: session.kind,
      device: session.device,
      ip: session.ip,
      user_agent: session.userAgent,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
      revoked_at: session.revokedAt,
      refresh_hash: refreshHash,
    })
    .execute();
}

export async function findAccountSession(db: Db, id: string): Promise<AccountSession | undefined> {
  const row = await db.selectFrom('account_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSession(row);
}

export async function findAccountSessionByRefreshHash(
  db: Db,
  refreshHash: string,
): Promise<AccountSession | undefined> {
  const row = await db
    .selectFrom('account_sessions')
    .selectAll()
    .where('refresh_hash', '=', refreshHash)
    .executeTakeFirst();
  return row && toSession(row);
}

/** The account's sessions that are neither revoked nor expired at `now`, most recently seen first. */
export async function listLiveAccountSessions(
  db: Db,
  userId: string,
  now: string,
): Promise<AccountSession[]> {
  const rows = await db
    .selectFrom('account_sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toSession);
}

/**
 * Moves `last_seen_at` (and the address, when given) forward, only when the stored time is older
 * than `staleBefore`: at most one write per session per resolution interval.
 */
export async function touchAccountSession(
  db: Db,
  id: string,
  seenAt: string,
  staleBefore: string,
  ip?: string,
): Promise<void> {
  await db
    .updateTable('account_sessions')
    .set({ last_seen_at: seenAt, ...(ip ? { ip } : {}) })
    .where('id', '=', id)
    .where('last_seen_at', '<', staleBefore)
    .execute();
}

/** Revokes one of the account's sessions. @returns false when it has no such live session. */
export async function revokeAccountSession(db: Db, userId: string, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('account_sessions')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes every live session of the account but `keepId`. @returns how many were revoked. */
export async function revokeOtherAccountSessions(
  db: Db,
  userId: string,
  keepId: string | undefined,
  at: string,
): Promise<number> {
  let query = db
    .updateTable('account_sessions')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at);
  if (keepId) query = query.where('id', '!=', keepId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes sessions that expired (or were revoked) before `before`; housekeeping. */
export async function deleteEndedAccountSessions(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('account_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

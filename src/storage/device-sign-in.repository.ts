/**
 * Device and desktop sign-ins (RFC 8628) and the auto-generated tokens they own, task-shaped. All
 * functions take the db or a transaction first. State changes that two requests could race on
 * (poll pacing, approve/deny, completing a sign-in) are single conditional UPDATEs whose row count
 * says who won.
 */
import type { AccessToken } from '../core/access-token-rules.ts';
import type { DeviceSignIn } from '../core/device-sign-in-rules.ts';
import type { Db } from './database.ts';
import type { DeviceSignInsTable } from './schema.ts';

function signInFromRow(row: DeviceSignInsTable): DeviceSignIn {
  return {
    id: row.id,
    kind: row.kind,
    deviceCodeHash: row.device_code_hash,
    userCode: row.user_code,
    clientId: row.client_id,
    clientName: row.client_name,
    status: row.status,
    userId: row.user_id,
    tokenId: row.token_id,
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    intervalSeconds: row.interval_seconds,
    lastPolledAt: row.last_polled_at,
    decidedAt: row.decided_at,
    sessionRequested: Number(row.session_requested) === 1,
  };
}

export async function insertDeviceSignIn(db: Db, signIn: DeviceSignIn): Promise<void> {
  await db
    .insertInto('device_sign_ins')
    .values({
      id: signIn.id,
      kind: signIn.kind,
      device_code_hash: signIn.deviceCodeHash,
      user_code: signIn.userCode,
      client_id: signIn.clientId,
      client_name: signIn.clientName,
      status: signIn.status,
      user_id: signIn.userId,
      token_id: signIn.tokenId,
      ip: signIn.ip,
      user_agent: signIn.userAgent,
      created_at: signIn.createdAt,
      expires_at: signIn.expiresAt,
      interval_seconds: signIn.intervalSeconds,
      last_polled_at: signIn.lastPolledAt,
      decided_at: signIn.decidedAt,
      session_requested: signIn.sessionRequested ? 1 : 0,
    })
    .execute();
}

export async function findDeviceSignInByCodeHash(
  db: Db,
  deviceCodeHash: string,
): Promise<DeviceSignIn | undefined> {
  const row = await db
    .selectFrom('device_sign_ins')
    .selectAll()
    .where('device_code_hash', '=', deviceCodeHash)
    .executeTakeFirst();
  return row && signInFromRow(row);
}

/** The newest request with this (normalized) user code, pending or not. */
export async function findDeviceSignInByUserCode(
  db: Db,
  userCode: string,
): Promise<DeviceSignIn | undefined> {
  const row = await db
    .selectFrom('device_sign_ins')
    .selectAll()
    .where('user_code', '=', userCode)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row && signInFromRow(row);
}

/**
 * Records a poll at `at` if nobody polled since `previous` (compare-and-set).
 * @returns false when a concurrent poll got there first (the caller answers `slow_down`).
 */
export async function recordDevicePoll(
  db: Db,
  id: string,
  previous: string | null,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('device_sign_ins')
    .set({ last_polled_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('last_polled_at', previous === null ? 'is' : '=', previous)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** RFC 8628 §3.5 `slow_down`: the interval grows by 5 seconds for this and every later poll. */
export async function slowDownDevicePolling(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('device_sign_ins')
    .set((eb) => ({ interval_seconds: eb('interval_seconds', '+', 5), last_polled_at: at }))
    .where('id', '=', id)
    .execute();
}

/**
 * Approves or denies a pending, unexpired request for `userId`.
 * @returns false when it was already answered or has expired (the caller re-reads to say which).
 */
export async function decideDeviceSignIn(
  db: Db,
  id: string,
  decision: 'approved' | 'denied',
  userId: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('device_sign_ins')
    .set({ status: decision, user_id: userId, decided_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Marks an approved, unexpired request of `userId` completed: its device code is spent.
 * @returns false when another poll completed it first, or it expired.
 */
export async function completeDeviceSignIn(db: Db, id: string, userId: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('device_sign_ins')
    .set({ status: 'completed' })
    .where('id', '=', id)
    .where('status', '=', 'approved')
    .where('user_id', '=', userId)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Binds the auto-generated token to its sign-in (deleting the token then deletes the sign-in). */
export async function linkSignInToken(db: Db, id: string, tokenId: string): Promise<void> {
  await db.updateTable('device_sign_ins').set({ token_id: tokenId }).where('id', '=', id).execute();
}

/**
 * Deletes device requests that never became a sign-in and whose code expired before `before`
 * (callers leave a grace period so late polls still hear `expired_token`).
 */
export async function deleteStaleDeviceRequests(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('device_sign_ins')
    .where('token_id', 'is', null)
    .where('status', '!=', 'completed')
    .where('expires_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** What the auto-generated token cap and sweeps need to know of a token. */
export type AutoTokenSummary = Pick<
  AccessToken,
  'id' | 'ownerId' | 'label' | 'clientId' | 'createdAt' | 'expiresAt'
>;

const summaryColumns = ['id', 'owner_id', 'label', 'client_id', 'created_at', 'expires_at'] as const;

function summaryFromRow(row: {
  id: string;
  owner_id: string;
  label: string;
  client_id: string;
  created_at: string;
  expires_at: string | null;
}): AutoTokenSummary {
  return {
    id: row.id,
    ownerId: row.owner_id,
    label: row.label,
    clientId: row.client_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** An account's auto-generated tokens, oldest first (ties by id), whatever their state. */
export async function listAutoTokensOldestFirst(db: Db, userId: string): Promise<AutoTokenSummary[]> {
  const rows = await db
    .selectFrom('access_tokens')
    .select(summaryColumns)
    .where('owner_kind', '=', 'user')
    .where('owner_id', '=', userId)
    .where('generated_by', '=', 'auto')
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map(summaryFromRow);
}

/** Whether the account has auto-generated tokens expired at `at` (one indexed read, no write). */
export async function hasExpiredAutoTokens(db: Db, userId: string, at: string): Promise<boolean> {
  const row = await db
    .selectFrom('access_tokens')
    .select('id')
    .where('owner_kind', '=', 'user')
    .where('owner_id', '=', userId)
    .where('generated_by', '=', 'auto')
    .where('expires_at', '<=', at)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Deletes up to `limit` auto-generated tokens expired at `at` (of one account when `userId` is
 * given) and returns exactly the rows this call deleted, so two processes sweeping at once never
 * both report the same token.
 */
export async function deleteExpiredAutoTokens(
  db: Db,
  at: string,
  options: { userId?: string; limit: number },
): Promise<AutoTokenSummary[]> {
  const rows = await db
    .deleteFrom('access_tokens')
    .where('id', 'in', (eb) => {
      let select = eb
        .selectFrom('access_tokens')
        .select('id')
        .where('generated_by', '=', 'auto')
        .where('expires_at', '<=', at);
      if (options.userId !== undefined) {
        select = select.where('owner_kind', '=', 'user').where('owner_id', '=', options.userId);
      }
      return select.limit(options.limit);
    })
    .where('generated_by', '=', 'auto')
    .where('expires_at', '<=', at)
    .returning(summaryColumns)
    .execute();
  return rows.map(summaryFromRow);
}

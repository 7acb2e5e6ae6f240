/**
 * Password sessions on the server: opened at each password sign-in (console, Hub login, CLI),
 * named by the `sid` of every JWT issued for them, listed for the account, and ended one by one,
 * all at once, by signing out, or by a password change. A CLI session also has a refresh token
 * (shown once, stored as SHA-256) that buys short session JWTs until the session ends.
 */
import type { User } from '../../core/account-rules.ts';
import {
  type AccountSession,
  type AccountSessionKind,
  isSessionLive,
  lastSeenResolutionMs,
} from '../../core/account-session.ts';
import { sha256Hex } from '../../core/digest.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { randomUrlSafe } from '../../core/random.ts';
import {
  deleteEndedAccountSessions,
  findAccountSession,
  findAccountSessionByRefreshHash,
  insertAccountSession,
  listLiveAccountSessions,
  revokeAccountSession,
  revokeOtherAccountSessions,
  touchAccountSession,
} from '../../storage/account-session.repository.ts';
import { findUserById } from '../../storage/user.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

export interface OpenedSession {
  session: AccountSession;
  /** A CLI session's refresh token: the secret, this once. */
  refreshToken?: string;
}

/** Opens a session for a just-authenticated password principal. */
export async function openAccountSession(
  ctx: ServiceContext,
  user: User,
  input: { kind: AccountSessionKind; ttlSeconds: number; meta: RequestMeta; device?: string },
): Promise<OpenedSession> {
  const now = ctx.clock.now();
  const session: AccountSession = {
    id: newId(),
    userId: user.id,
    kind: input.kind,
    device: (input.device ?? '').slice(0, 100),
    ip: input.meta.ip,
    userAgent: input.meta.userAgent,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000).toISOString(),
    revokedAt: null,
  };
  const refreshToken =
    input.kind === 'cli' ? `${ctx.config.tokenPrefix}session_${randomUrlSafe(32)}` : undefined;
  await insertAccountSession(ctx.db, session, refreshToken ? sha256Hex(refreshToken) : null);
  return refreshToken ? { session, refreshToken } : { session };
}

/**
 * Whether the session a JWT names still counts for `user` (live, the user's own); notes that it
 * was seen (at most one write per minute).
 */
export async function isAccountSessionLive(
  ctx: ServiceContext,
  user: User,
  sessionId: string,
): Promise<boolean> {
  const session = await findAccountSession(ctx.db, sessionId);
  const now = ctx.clock.now();
  if (!session || session.userId !== user.id || !isSessionLive(session, now, user.sessionsValidAfter)) {
    return false;
  }
  await seen(ctx, session, now);
  return true;
}

async function seen(ctx: ServiceContext, session: AccountSession, now: Date, ip?: string): Promise<void> {
  const staleBefore = new Date(now.getTime() - lastSeenResolutionMs).toISOString();
  if (session.lastSeenAt >= staleBefore && !(ip && ip !== session.ip)) return;
  await touchAccountSession(ctx.db, session.id, now.toISOString(), ip ? now.toISOString() : staleBefore, ip);
}

/**
 * A CLI session's refresh token → its user and session, for a new short session JWT.
 * @throws AppError SESSION_INVALID when the token is unknown, or its session ended.
 */
export async function redeemRefreshToken(
  ctx: ServiceContext,
  refreshToken: string,
  meta: RequestMeta,
): Promise<{ user: User; session: AccountSession }> {
  const session = await findAccountSessionByRefreshHash(ctx.db, sha256Hex(refreshToken));
  const user = session && (await findUserById(ctx.db, session.userId));
  const now = ctx.clock.now();
  if (!session || !user || !isSessionLive(session, now, user.sessionsValidAfter)) {
    throw new AppError(
      'SESSION_INVALID',
      'this sign-in has ended (signed out, revoked or expired): log in again',
    );
  }
  await seen(ctx, session, now, meta.ip);
  return { user, session };
}

/** The account's live sessions, most recently seen first. */
export async function listAccountSessions(ctx: ServiceContext, user: User): Promise<AccountSession[]> {
  const sessions = await listLiveAccountSessions(ctx.db, user.id, isoNow(ctx));
  return sessions.filter((s) => isSessionLive(s, ctx.clock.now(), user.sessionsValidAfter));
}

/** The account's own log entry for a session change it made itself. */
function recordSessionAudit(
  ctx: ServiceContext,
  user: User,
  action: 'account.session.end' | 'account.session.end_others',
  name: string,
  meta: RequestMeta,
  data: Record<string, unknown>,
): Promise<string> {
  const account = { id: user.id, name: user.username };
  return recordAudit(ctx, { account, action, name, actor: account, meta, data });
}

/**
 * Ends one of the account's sessions: signed out, or ended from the sessions list or `tokenhub
 * logout` (audited with its kind, device and address).
 * @throws AppError NOT_FOUND when it has no such live session.
 */
export async function endAccountSession(
  ctx: ServiceContext,
  user: User,
  sessionId: string,
  meta: RequestMeta,
): Promise<void> {
  const ended = await findAccountSession(ctx.db, sessionId);
  if (!ended || !(await revokeAccountSession(ctx.db, user.id, sessionId, isoNow(ctx)))) {
    throw new AppError('NOT_FOUND', 'no such session: it has ended already, or it is not yours');
  }
  await recordSessionAudit(ctx, user, 'account.session.end', ended.device || ended.kind, meta, {
    session_id: ended.id,
    kind: ended.kind,
    ip: ended.ip,
  });
}

/** Ends every session of the account but `keepId` (the caller's own), audited. @returns how many ended. */
export async function endOtherAccountSessions(
  ctx: ServiceContext,
  user: User,
  keepId: string | undefined,
  meta: RequestMeta,
): Promise<number> {
  const ended = await revokeOtherAccountSessions(ctx.db, user.id, keepId, isoNow(ctx));
  if (ended > 0) {
    await recordSessionAudit(ctx, user, 'account.session.end_others', `${ended} sessions`, meta, {
      count: String(ended),
    });
  }
  return ended;
}

/** Housekeeping: forgets sessions that ended more than a day ago. */
export async function forgetEndedAccountSessions(ctx: ServiceContext): Promise<void> {
  const before = new Date(ctx.clock.now().getTime() - 86_400_000).toISOString();
  await deleteEndedAccountSessions(ctx.db, before);
}

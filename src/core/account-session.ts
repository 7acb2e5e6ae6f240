/**
 * A password session as the server keeps it: where it was opened, when it was last seen, and
 * whether it still counts. A session is over when revoked, expired, or opened before the account's
 * `sessionsValidAfter` (a password change ends every session).
 */
export const accountSessionKinds = ['console', 'api', 'cli'] as const;
export type AccountSessionKind = (typeof accountSessionKinds)[number];

export interface AccountSession {
  id: string;
  userId: string;
  kind: AccountSessionKind;
  /** The name the client gave (a CLI's host name), else empty. */
  device: string;
  ip: string;
  userAgent: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

/** Last-seen times are written at most this often per session (a write per request is too many). */
export const lastSeenResolutionMs = 60_000;

export function isSessionLive(
  session: Pick<AccountSession, 'revokedAt' | 'expiresAt' | 'createdAt'>,
  now: Date,
  sessionsValidAfter: string | null,
): boolean {
  if (session.revokedAt) return false;
  if (Date.parse(session.expiresAt) <= now.getTime()) return false;
  return !sessionsValidAfter || Date.parse(session.createdAt) >= Date.parse(sessionsValidAfter);
}

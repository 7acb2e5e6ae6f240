/**
 * Access tokens as the services see them, and the rules that need no I/O: labels, expiry, status.
 */
import type { PatScope } from './access-token-scopes.ts';
import { AppError, fieldError } from './errors.ts';
import type { TokenKind } from './ids.ts';
import type { OatResource } from './organization-rules.ts';
import type { PatResource } from './pat-resources.ts';

/** Whose a token is: a user's (personal tokens) or an organization's (organization tokens). */
export interface TokenOwner {
  kind: 'user' | 'org';
  id: string;
}

/** What every kind of token has. The secret itself is never kept: only its SHA-256, in storage. */
interface AccessTokenFields {
  id: string;
  kind: TokenKind;
  /** The user (personal tokens) or organization (organization tokens) the token belongs to. */
  ownerId: string;
  /** `auto`: made by a device or desktop sign-in (at most 5 per account). */
  generatedBy: 'manual' | 'auto';
  label: string;
  description: string;
  /** Non-secret display hint (`thub_pat_Ab3x…`). */
  hint: string;
  clientId: string;
  createdAt: string;
  /** User id of the creator (for organization tokens, the owner who made it). */
  createdBy: string | null;
  creatorIp: string;
  creatorUa: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedUa: string | null;
  isActive: boolean;
  /** Networks (CIDR) it may be used from; empty: anywhere (core/address-allowlist.ts). */
  allowedCidrs: readonly string[];
}

/**
 * A personal access token: its owner's rights, capped by its level, and by its resources when it
 * lists any (a fine-grained token, core/pat-resources.ts).
 */
export interface PersonalAccessToken extends AccessTokenFields {
  kind: 'pat';
  scopes: PatScope[];
  resources: readonly PatResource[];
}

/** An organization access token: exactly what its resources list. */
export interface OrgAccessToken extends AccessTokenFields {
  kind: 'oat';
  resources: OatResource[];
}

export type AccessToken = PersonalAccessToken | OrgAccessToken;

/** A distinct client address a token was used from, with when it was first and last seen. */
export interface TokenAddress {
  ip: string;
  firstSeenAt: string;
  lastSeenAt: string;
}

/** How many distinct addresses each token keeps (the most recently seen ones). */
export const tokenAddressHistorySize = 5;

/**
 * A token as the management routes show it: with its creator's username (null when unknown) and
 * its last {@link tokenAddressHistorySize} client addresses, most recent first.
 */
export type AccessTokenWithCreator<T extends AccessToken = AccessToken> = T & {
  creatorName: string | null;
  addresses: TokenAddress[];
};

export const tokenLabelMaxLength = 100;
export const tokenDescriptionMaxLength = 200;
/** Expiry may be set at most this far ahead (one year, plus a day so "a year from today" fits). */
export const maxTokenLifetimeDays = 366;

export type TokenStatus = 'active' | 'inactive' | 'expired';

export function tokenStatus(token: Pick<AccessToken, 'isActive' | 'expiresAt'>, now: Date): TokenStatus {
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now.getTime()) return 'expired';
  return token.isActive ? 'active' : 'inactive';
}

/** @throws AppError VALIDATION_FAILED naming `field` when the label is empty or too long. */
export function assertValidLabel(field: string, label: string): string {
  const trimmed = label.trim();
  if (trimmed.length === 0) throw fieldError(field, `${field} must not be empty`);
  if ([...trimmed].length > tokenLabelMaxLength) {
    throw fieldError(field, `${field} must be at most ${tokenLabelMaxLength} characters`);
  }
  return trimmed;
}

/**
 * The label of a personal access token created without one: Docker Hub accepts that (hub-tool's
 * `token create` without `--description` sends no label), so tokenhub names it after its creation.
 * @example defaultTokenLabel(new Date('2026-03-01T12:34:56Z')) // 'Access token of 2026-03-01 12:34 UTC'
 */
export function defaultTokenLabel(createdAt: Date): string {
  return `Access token of ${createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `YYYY-MM-DD`, optionally followed by a time and an offset (RFC 3339, with a space allowed for `T`). */
const isoDateTime =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date or date-time as an instant. A date without a time is midnight UTC, and a time
 * without an offset is UTC too, so the same request means the same instant whatever zone the
 * server runs in. A day that does not exist (`2026-02-30`) is refused, not moved to another day.
 * @returns milliseconds since the epoch, or NaN.
 */
function parseInstant(raw: string): number {
  const match = isoDateTime.exec(raw);
  if (!match) return Number.NaN;
  const [, year, month, day, hour = '0', minute = '0', second = '0', offset] = match.map((part) => part);
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  const valid =
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60;
  if (!valid) return Number.NaN;
  const withTime = raw.length === 10 ? `${raw}T00:00:00` : raw.replace(' ', 'T');
  return Date.parse(offset ? withTime : `${withTime}Z`);
}

/**
 * Parses and checks an optional expiry: in the future and at most `maxTokenLifetimeDays` ahead.
 * @returns the ISO 8601 UTC instant, or null for "never expires".
 */
export function parseTokenExpiry(field: string, raw: string | null | undefined, now: Date): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const at = parseInstant(raw);
  if (Number.isNaN(at)) {
    throw new AppError('EXPIRY_INVALID', `${field} must be an ISO 8601 date-time`, {
      fields: { [field]: [`${field} must be an ISO 8601 date-time`] },
    });
  }
  if (at <= now.getTime()) {
    throw new AppError('EXPIRY_INVALID', `${field} must be in the future`, {
      fields: { [field]: [`${field} must be in the future`] },
    });
  }
  if (at > now.getTime() + maxTokenLifetimeDays * 86_400_000) {
    throw new AppError('EXPIRY_INVALID', `${field} must be at most one year ahead`, {
      fields: { [field]: [`${field} must be at most one year ahead`] },
    });
  }
  return new Date(at).toISOString();
}

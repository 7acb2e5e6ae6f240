/**
 * Rules for access tokens that need no I/O: labels, expiry, status.
 */
import { AppError, fieldError } from './errors.ts';

export const tokenLabelMaxLength = 100;
export const tokenDescriptionMaxLength = 200;
/** Expiry may be set at most this far ahead (one year, plus a day so "a year from today" fits). */
export const maxTokenLifetimeDays = 366;

export type TokenStatus = 'active' | 'inactive' | 'expired';

export function tokenStatus(token: { is_active: number; expires_at: string | null }, now: Date): TokenStatus {
  if (token.expires_at !== null && Date.parse(token.expires_at) <= now.getTime()) return 'expired';
  return token.is_active ? 'active' : 'inactive';
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
 * Parses and checks an optional expiry: in the future and at most `maxTokenLifetimeDays` ahead.
 * @returns the ISO 8601 UTC instant, or null for "never expires".
 */
export function parseTokenExpiry(field: string, raw: string | null | undefined, now: Date): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const at = Date.parse(raw);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(raw)) {
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

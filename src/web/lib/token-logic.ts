/**
 * Rules the console applies before it talks to the API: expiry choices to `expires_at`, the
 * permission levels in plain words, status and source labels, the order of the personal token list
 * (what both token lists share is in token-list.ts).
 * No DOM and no React here, so the component tests can check them directly.
 */
import type { AccessToken, GroupPermissionWords, PatLevelWords, TokenStatus } from '../api/types.ts';
import { compareDates, compareText, type SortDirection, stableSorted } from './token-list.ts';

const dayMs = 86_400_000;
/** The API allows one year ahead (plus a day); the console offers at most 365 days. */
export const maxExpiryDays = 365;

export type ExpiryChoice = 'none' | '30' | '60' | '90' | 'custom';

export const expiryChoices: readonly { value: ExpiryChoice; label: string }[] = [
  { value: 'none', label: 'No expiration' },
  { value: '30', label: '30 days' },
  { value: '60', label: '60 days' },
  { value: '90', label: '90 days' },
  { value: 'custom', label: 'Custom date' },
];

/** `YYYY-MM-DD` of a local calendar day (what `<input type="date">` reads and writes). */
export function localDateString(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The first and last day a custom expiry may fall on: tomorrow to a year from today. */
export function customExpiryBounds(now: Date): { min: string; max: string } {
  return {
    min: localDateString(new Date(now.getTime() + dayMs)),
    max: localDateString(new Date(now.getTime() + maxExpiryDays * dayMs)),
  };
}

export type ExpiryResult = { ok: true; expiresAt: string | null } | { ok: false; error: string };

/**
 * The `expires_at` to send for a choice: null for no expiration, now + N days for the presets, the
 * end of the chosen local day for a custom date (tomorrow at the earliest, a year at the latest).
 */
export function expiresAtFor(choice: ExpiryChoice, customDate: string, now: Date): ExpiryResult {
  if (choice === 'none') return { ok: true, expiresAt: null };
  if (choice !== 'custom') {
    return { ok: true, expiresAt: new Date(now.getTime() + Number(choice) * dayMs).toISOString() };
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(customDate);
  if (!match) return { ok: false, error: 'Choose an expiration date.' };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const endOfDay = new Date(year, month - 1, day, 23, 59, 59);
  if (endOfDay.getMonth() !== month - 1 || endOfDay.getDate() !== day) {
    return { ok: false, error: 'That date does not exist.' };
  }
  const { min, max } = customExpiryBounds(now);
  if (customDate < min) return { ok: false, error: 'The expiration date must be tomorrow or later.' };
  if (customDate > max) return { ok: false, error: 'The expiration date can be at most one year ahead.' };
  return { ok: true, expiresAt: endOfDay.toISOString() };
}

/**
 * The server's words for the levels (core/permission-words.ts), restated here because the console
 * imports only types; the types make any difference a compile error, so the CLI and the console
 * say the same.
 */
const patLevelWords: PatLevelWords = {
  'repo:admin': 'Read, Write, Delete',
  'repo:write': 'Read & Write',
  'repo:read': 'Read-only',
  'repo:public_read': 'Public Repo Read-only',
};
const groupPermissionWords: GroupPermissionWords = {
  read: 'Read-only',
  write: 'Read & Write',
  admin: 'Read, Write, Delete',
};

export const patLevels = [
  {
    scope: 'repo:admin',
    label: patLevelWords['repo:admin'],
    help: 'Pull, push and delete images in every repository your account can manage.',
  },
  {
    scope: 'repo:write',
    label: patLevelWords['repo:write'],
    help: 'Pull and push images, for example from a build pipeline. Cannot delete.',
  },
  {
    scope: 'repo:read',
    label: patLevelWords['repo:read'],
    help: 'Pull images, including from your private repositories. Cannot push.',
  },
  {
    scope: 'repo:public_read',
    label: patLevelWords['repo:public_read'],
    help: 'Pull public images only. Your private repositories stay out of reach.',
  },
] as const;

export type PatScope = (typeof patLevels)[number]['scope'];
export const defaultPatScope: PatScope = 'repo:public_read';

/** The highest level among a token's scopes (each level implies the ones below it). */
export function patLevelOf(scopes: readonly string[]): (typeof patLevels)[number] | undefined {
  return patLevels.find((level) => scopes.includes(level.scope));
}

export function scopeLabel(scopes: readonly string[]): string {
  return patLevelOf(scopes)?.label ?? (scopes.join(', ') || 'None');
}

export const statusLabels: Record<TokenStatus, string> = {
  active: 'Active',
  inactive: 'Inactive',
  expired: 'Expired',
};

/** Which row actions a token offers: expired tokens can only be deleted. */
export function patActions(status: TokenStatus): { toggle: 'Deactivate' | 'Activate' | null; edit: boolean } {
  if (status === 'expired') return { toggle: null, edit: false };
  return { toggle: status === 'active' ? 'Deactivate' : 'Activate', edit: true };
}

/** Auto-generated tokens without a description read "Generated by <client> for CLI usage". */
export function tokenDescription(
  token: Pick<AccessToken, 'token_label' | 'generated_by' | 'client_id'>,
): string {
  if (token.token_label.trim() !== '') return token.token_label;
  if (token.generated_by === 'auto') return `Generated by ${token.client_id || 'a client'} for CLI usage`;
  return '(no description)';
}

export function sourceLabel(generatedBy: AccessToken['generated_by']): string {
  return generatedBy === 'auto' ? 'Auto-generated' : 'Manual';
}

export type PatSortKey = 'description' | 'scope' | 'source' | 'status' | 'created' | 'last_used' | 'expires';
export const patSortKeys: readonly PatSortKey[] = [
  'description',
  'scope',
  'source',
  'status',
  'created',
  'last_used',
  'expires',
];

const levelRank = (scopes: readonly string[]) => {
  const level = patLevelOf(scopes);
  return level ? patLevels.length - patLevels.indexOf(level) : 0;
};

/**
 * A sorted copy; ties keep the API's order (newest first). "Never expires" sorts as the latest
 * expiry and "never used" as the oldest use, in both directions.
 */
export function sortTokens(
  tokens: readonly AccessToken[],
  key: PatSortKey,
  direction: SortDirection,
): AccessToken[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const compare = (a: AccessToken, b: AccessToken): number => {
    switch (key) {
      case 'description':
        return compareText(tokenDescription(a), tokenDescription(b), direction);
      case 'scope':
        return sign * (levelRank(a.scopes) - levelRank(b.scopes));
      case 'source':
        return sign * a.generated_by.localeCompare(b.generated_by);
      case 'status':
        return sign * a.status.localeCompare(b.status);
      case 'created':
        return compareDates(a.created_at, b.created_at, direction, 'oldest');
      case 'last_used':
        return compareDates(a.last_used, b.last_used, direction, 'oldest');
      case 'expires':
        return compareDates(a.expires_at, b.expires_at, direction, 'latest');
    }
  };
  return stableSorted(tokens, compare);
}

/**
 * The command shown next to a new secret. Without the registry host, `docker login -u` would sign
 * in to Docker Hub, so the host is then a placeholder the page explains.
 */
export function dockerLoginCommand(username: string, host: string | undefined): string {
  return `docker login ${host ?? 'REGISTRY-HOST'} -u ${username}`;
}

/**
 * A group's permission on a repository in the console's words, the same as the personal token
 * levels that give the same registry actions (read: pull; write: pull, push; admin: and delete).
 */
export const groupPermissionLevels = [
  { value: 'read', label: groupPermissionWords.read },
  { value: 'write', label: groupPermissionWords.write },
  { value: 'admin', label: groupPermissionWords.admin },
] as const;

export type GroupPermission = (typeof groupPermissionLevels)[number]['value'];

export function groupPermissionLabel(permission: string): string {
  return groupPermissionLevels.find((level) => level.value === permission)?.label ?? permission;
}

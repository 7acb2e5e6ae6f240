/**
 * The words people read for permission levels, in the console and in the CLI's tables: personal
 * access token levels and a group's permission on a repository. A group permission reads as the
 * token level that gives the same registry actions (read: pull; write: and push; admin: and
 * delete). Scripts get the API's values (`repo:write`, `write`), never these words.
 *
 * The console imports only types from the server, so it restates these words in a constant of
 * type `PatLevelWords` / `GroupPermissionWords` (re-exported by api/contract): a word that
 * differs there is a type error.
 */
import { type PatScope, patScopes } from './access-token-scopes.ts';

export const patLevelWords = {
  'repo:admin': 'Read, Write, Delete',
  'repo:write': 'Read & Write',
  'repo:read': 'Read-only',
  'repo:public_read': 'Public Repo Read-only',
} as const satisfies Record<PatScope, string>;
export type PatLevelWords = typeof patLevelWords;

export const groupPermissionWords = {
  read: patLevelWords['repo:read'],
  write: patLevelWords['repo:write'],
  admin: patLevelWords['repo:admin'],
} as const;
export type GroupPermissionWords = typeof groupPermissionWords;

/**
 * A token's level in words: the highest level among its scopes; scopes that are no level are
 * shown as they are.
 * @example patLevelWord(['repo:read', 'repo:write']) // 'Read & Write'
 */
export function patLevelWord(scopes: readonly string[]): string {
  const highest = [...patScopes].reverse().find((scope) => scopes.includes(scope));
  return highest ? patLevelWords[highest] : scopes.join(', ') || 'None';
}

/** A group's permission in words (`write` → `Read & Write`); an unknown value as it is. */
export function groupPermissionWord(permission: string): string {
  return Object.hasOwn(groupPermissionWords, permission)
    ? groupPermissionWords[permission as keyof GroupPermissionWords]
    : permission;
}

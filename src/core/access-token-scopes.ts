import { AppError } from './errors.ts';

/**
 * Personal access token levels (PROTOCOLS.md §1), lowest first; each implies the ones before it.
 * A PAT's level caps what its owner's own rights allow; it never adds rights.
 */
export const patScopes = ['repo:public_read', 'repo:read', 'repo:write', 'repo:admin'] as const;

export type PatScope = (typeof patScopes)[number];

export function isPatScope(value: string): value is PatScope {
  return (patScopes as readonly string[]).includes(value);
}

/** The registry actions each level allows, before the repository rules are applied. */
export const patScopeActions = {
  'repo:public_read': ['pull'],
  'repo:read': ['pull'],
  'repo:write': ['pull', 'push'],
  'repo:admin': ['pull', 'push', 'delete'],
} as const satisfies Record<PatScope, readonly string[]>;

/**
 * The effective level of a scope list: the highest one named. Docker Hub sends a one-element
 * list; a longer list is accepted and reduced to its highest level.
 */
export function highestPatScope(scopes: readonly PatScope[]): PatScope {
  let best = 0;
  for (const scope of scopes) best = Math.max(best, patScopes.indexOf(scope));
  return patScopes[best] ?? 'repo:public_read';
}

/**
 * Checks a requested scope list: every entry known, at least one.
 * @throws AppError UNKNOWN_SCOPE naming the first unknown scope.
 */
export function parsePatScopes(raw: readonly string[] | undefined): PatScope[] {
  const scopes = raw && raw.length > 0 ? raw : ['repo:public_read'];
  for (const scope of scopes) {
    if (!isPatScope(scope)) {
      throw new AppError('UNKNOWN_SCOPE', `unknown scope: ${scope}`, {
        fields: { scopes: [`unknown scope: ${scope}`] },
      });
    }
  }
  return [highestPatScope(scopes as PatScope[])];
}

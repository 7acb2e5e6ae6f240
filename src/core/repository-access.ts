/**
 * Who may do what on a repository (ARCHITECTURE.md, "Registry grant"), as plain functions.
 *
 *   allowed = what the account may do on the repository ∩ what the token's scope allows
 *
 * Account rights: the namespace owner may pull, push and delete (push also creates a missing
 * repository); anyone may pull a public repository; instance administrators may do everything,
 * including `registry:catalog:*`; nobody else anything. Organizations plug in later as further
 * rights of members (the `namespaceRights` seam).
 */
import { type PatScope, patScopeActions } from './access-token-scopes.ts';

export type RepositoryAction = 'pull' | 'push' | 'delete';
export const allRepositoryActions: readonly RepositoryAction[] = ['pull', 'push', 'delete'];

/** Who asks: nobody, or an account, possibly through a PAT whose level caps the account's rights. */
export type AccessSubject =
  | { kind: 'anonymous' }
  | { kind: 'account'; username: string; isAdmin: boolean; patScope?: PatScope };

/** The repository as the rules need it; `undefined` when it does not exist yet. */
export interface RepositoryFacts {
  namespace: string;
  isPrivate: boolean;
}

/** Actions the account itself may take (before any token cap). */
export function accountRights(
  subject: AccessSubject,
  namespace: string,
  repository: RepositoryFacts | undefined,
): Set<RepositoryAction> {
  const rights = new Set<RepositoryAction>();
  if (subject.kind === 'account' && (subject.isAdmin || subject.username === namespace)) {
    for (const action of allRepositoryActions) rights.add(action);
  }
  if (repository && !repository.isPrivate) rights.add('pull');
  return rights;
}

/** Actions a token's scope lets through; no token (a password) caps nothing. */
export function scopeCap(
  subject: AccessSubject,
  repository: RepositoryFacts | undefined,
): Set<RepositoryAction> {
  if (subject.kind === 'anonymous' || subject.patScope === undefined) return new Set(allRepositoryActions);
  if (subject.patScope === 'repo:public_read') {
    return new Set(repository && !repository.isPrivate ? (['pull'] as const) : []);
  }
  return new Set(patScopeActions[subject.patScope]);
}

/** What `subject` may do on `namespace/…`: account rights ∩ token scope. */
export function allowedRepositoryActions(
  subject: AccessSubject,
  namespace: string,
  repository: RepositoryFacts | undefined,
): Set<RepositoryAction> {
  const cap = scopeCap(subject, repository);
  return new Set([...accountRights(subject, namespace, repository)].filter((action) => cap.has(action)));
}

/**
 * The registry catalog lists every repository and the registry does not filter it, so it is for
 * instance administrators only, and a PAT must be at least `repo:read` (`public_read` must never
 * reveal private names).
 */
export function mayListCatalog(subject: AccessSubject): boolean {
  if (subject.kind !== 'account' || !subject.isAdmin) return false;
  return subject.patScope === undefined || subject.patScope !== 'repo:public_read';
}

/**
 * Splits `namespace/rest` (the registry sends names without a host). A name with no slash has no
 * namespace anybody owns (Docker Hub's `library/` images are not served here).
 */
export function splitRepositoryName(fullName: string): { namespace: string; name: string } | undefined {
  const slash = fullName.indexOf('/');
  if (slash <= 0 || slash === fullName.length - 1) return undefined;
  return { namespace: fullName.slice(0, slash), name: fullName.slice(slash + 1) };
}

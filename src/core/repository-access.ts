/**
 * Who may do what on a repository (ARCHITECTURE.md, "Registry grant"), as plain functions.
 *
 *   allowed = what the subject may do on the repository ∩ what its token's scope allows
 *
 * Account rights: the namespace owner may pull, push and delete (push also creates a missing
 * repository); in an organization's namespace owners may do all three and members what their groups
 * grant (read: pull; write: pull, push; admin: pull, push, delete); anyone may pull a public
 * repository; instance administrators may do everything, including `registry:catalog:*`.
 * Organization access tokens get exactly what their resources list (never delete).
 */
import { type PatScope, patScopeActions } from './access-token-scopes.ts';
import {
  type GroupPermission,
  groupPermissionActions,
  type OatResource,
  type OrgRole,
  oatRepositoryActions,
} from './organization-rules.ts';

export type RepositoryAction = 'pull' | 'push' | 'delete';
export const allRepositoryActions: readonly RepositoryAction[] = ['pull', 'push', 'delete'];

/** Who asks: nobody, an account (possibly through a PAT that caps its rights), or an OAT. */
export type AccessSubject =
  | { kind: 'anonymous' }
  | { kind: 'account'; username: string; isAdmin: boolean; patScope?: PatScope }
  | { kind: 'oat'; orgName: string; resources: readonly OatResource[] };

/** The repository as the rules need it; `undefined` when it does not exist yet. */
export interface RepositoryFacts {
  namespace: string;
  isPrivate: boolean;
}

/** The account's place in the organization that owns the namespace, when it is one. */
export interface MembershipFacts {
  role: OrgRole | undefined;
  groupPermissions: readonly GroupPermission[];
}

/** Actions the account itself may take (before any token cap). */
export function accountRights(
  subject: AccessSubject,
  namespace: string,
  repository: RepositoryFacts | undefined,
  membership?: MembershipFacts,
): Set<RepositoryAction> {
  const rights = new Set<RepositoryAction>();
  if (subject.kind === 'account') {
    const ownsNamespace = subject.isAdmin || subject.username === namespace || membership?.role === 'owner';
    if (ownsNamespace) for (const action of allRepositoryActions) rights.add(action);
    if (membership?.role === 'member') {
      for (const permission of membership.groupPermissions) {
        for (const action of groupPermissionActions[permission]) rights.add(action);
      }
    }
  }
  if (repository && !repository.isPrivate) rights.add('pull');
  return rights;
}

/** Actions a PAT's scope lets through; no token (a password) caps nothing. */
export function scopeCap(
  subject: AccessSubject,
  repository: RepositoryFacts | undefined,
): Set<RepositoryAction> {
  if (subject.kind !== 'account' || subject.patScope === undefined) return new Set(allRepositoryActions);
  if (subject.patScope === 'repo:public_read') {
    return new Set(repository && !repository.isPrivate ? (['pull'] as const) : []);
  }
  return new Set(patScopeActions[subject.patScope]);
}

/** What `subject` may do on `namespace/name`. */
export function allowedRepositoryActions(
  subject: AccessSubject,
  namespace: string,
  repository: RepositoryFacts | undefined,
  membership?: MembershipFacts,
  name = '',
): Set<RepositoryAction> {
  if (subject.kind === 'oat') {
    const isPublic = repository !== undefined && !repository.isPrivate;
    return oatRepositoryActions(subject.orgName, subject.resources, namespace, name, isPublic);
  }
  const cap = scopeCap(subject, repository);
  return new Set(
    [...accountRights(subject, namespace, repository, membership)].filter((action) => cap.has(action)),
  );
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
/** A repository's path: `alice/team/app` is namespace `alice`, name `team/app`. */
export interface RepositoryPath {
  namespace: string;
  name: string;
}

export function splitRepositoryName(fullName: string): RepositoryPath | undefined {
  const slash = fullName.indexOf('/');
  if (slash <= 0 || slash === fullName.length - 1) return undefined;
  return { namespace: fullName.slice(0, slash), name: fullName.slice(slash + 1) };
}

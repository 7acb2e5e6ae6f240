/**
 * Who may do what on a repository (ARCHITECTURE.md, "Registry grant"), as plain functions.
 *
 *   allowed = what the subject may do on the repository ∩ what its token's scope allows
 *
 * Account rights: the namespace owner may pull, push and delete (push also creates a missing
 * repository); in an organization's namespace owners may do all three, editors all three on every
 * repository unless one of their groups lists that repository (then what their groups grant there:
 * a group may say less), and members what their groups grant (read: pull; write: pull, push;
 * admin: pull, push, delete); owners of the organization's company get nothing from that role
 * (their own memberships decide); anyone may pull a public
 * repository; instance administrators may do everything, including `registry:catalog:*`.
 * A fine-grained PAT is further capped by what its resources list (core/pat-resources.ts).
 * Organization access tokens get exactly what their resources list (never delete); a token from
 * an OIDC connection what its matching rulesets list in the owner's namespace.
 */
import { type PatScope, patScopeActions } from './access-token-scopes.ts';
import { type OidcResource, oidcRepositoryActions } from './oidc-rules.ts';
import {
  type GroupPermission,
  groupPermissionActions,
  type OatResource,
  type OrgRole,
  oatRepositoryActions,
} from './organization-rules.ts';
import { type PatResource, patResourceActions } from './pat-resources.ts';

export type RepositoryAction = 'pull' | 'push' | 'delete';
export const allRepositoryActions: readonly RepositoryAction[] = ['pull', 'push', 'delete'];

/** A repository (`namespace/name`) as the services see it. */
export interface Repository {
  id: string;
  /** The owning namespace: a username or an organization name. */
  namespace: string;
  /** The path below the namespace (`app`, `team/app`). */
  name: string;
  isPrivate: boolean;
  description: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

/** A repository's path: `alice/team/app` is namespace `alice`, name `team/app`. */
export interface RepositoryPath {
  namespace: string;
  name: string;
}

/** A repository looked up by path: `repository` is undefined when none exists there (yet). */
export interface RepositoryLookup {
  path: RepositoryPath;
  repository: Repository | undefined;
}

/**
 * Who asks: nobody, an account (possibly through a PAT that caps its rights), an OAT, or a token
 * from an OIDC connection. The account's id is kept so its organization memberships can be read
 * without another lookup.
 */
export type AccessSubject =
  | { kind: 'anonymous' }
  | {
      kind: 'account';
      userId: string;
      username: string;
      isAdmin: boolean;
      patScope?: PatScope;
      /** A fine-grained PAT's resources: what it may do is capped by them too. */
      patResources?: readonly PatResource[];
    }
  | { kind: 'oat'; orgName: string; resources: readonly OatResource[] }
  | { kind: 'oidc'; namespace: string; resources: readonly OidcResource[] };

/** The account's place in the organization that owns the namespace, when it is one. */
export interface MembershipFacts {
  role: OrgRole | undefined;
  groupPermissions: readonly GroupPermission[];
}

/**
 * Everything the rules need to answer for one repository: its path, whether it exists and is
 * private (`repository` undefined: it does not exist yet), and the asking account's membership in
 * the organization that owns the namespace (undefined: not an organization, or not an account).
 */
export interface RepositoryQuestion {
  path: RepositoryPath;
  repository: Pick<Repository, 'isPrivate'> | undefined;
  membership?: MembershipFacts | undefined;
}

/** Actions the account itself may take (before any token cap). */
export function accountRights(subject: AccessSubject, question: RepositoryQuestion): Set<RepositoryAction> {
  const rights = new Set<RepositoryAction>();
  const { membership, repository } = question;
  if (subject.kind === 'account') {
    const ownsNamespace =
      subject.isAdmin || subject.username === question.path.namespace || membership?.role === 'owner';
    if (ownsNamespace) for (const action of allRepositoryActions) rights.add(action);
    if (membership?.role === 'editor' && membership.groupPermissions.length === 0) {
      for (const action of allRepositoryActions) rights.add(action);
    }
    if (membership?.role === 'member' || membership?.role === 'editor') {
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
  repository: RepositoryQuestion['repository'],
): Set<RepositoryAction> {
  if (subject.kind !== 'account' || subject.patScope === undefined) return new Set(allRepositoryActions);
  if (subject.patScope === 'repo:public_read') {
    return new Set(repository && !repository.isPrivate ? (['pull'] as const) : []);
  }
  return new Set(patScopeActions[subject.patScope]);
}

/**
 * What `subject` may do on the repository in question: for an OAT, what its resources list; for an
 * account, its own rights capped by its PAT's level; for anyone, pull on a public repository.
 * @example
 *   const alice = { kind: 'account', userId: 'u1', username: 'alice', isAdmin: false, patScope: 'repo:read' } as const;
 *   allowedRepositoryActions(alice, { path: { namespace: 'alice', name: 'app' }, repository: { isPrivate: true } });
 *   // Set { 'pull' }: the owner may do everything, a repo:read token lets pull through
 */
export function allowedRepositoryActions(
  subject: AccessSubject,
  question: RepositoryQuestion,
): Set<RepositoryAction> {
  const { path, repository } = question;
  if (subject.kind === 'oat') {
    const isPublic = repository !== undefined && !repository.isPrivate;
    return oatRepositoryActions(subject.orgName, subject.resources, path.namespace, path.name, isPublic);
  }
  if (subject.kind === 'oidc') {
    const isPublic = repository !== undefined && !repository.isPrivate;
    return oidcRepositoryActions(subject.namespace, subject.resources, path, isPublic);
  }
  const cap = scopeCap(subject, repository);
  const listed =
    subject.kind === 'account' && subject.patResources
      ? patResourceActions(subject.patResources, path, repository !== undefined && !repository.isPrivate)
      : undefined;
  return new Set(
    [...accountRights(subject, question)].filter(
      (action) => cap.has(action) && (listed === undefined || listed.has(action)),
    ),
  );
}

/**
 * The registry catalog lists every repository and the registry does not filter it, so it is for
 * instance administrators only, and a PAT must be at least `repo:read` (`public_read` must never
 * reveal private names) and not fine-grained (its resources name repositories, not the catalog).
 */
export function mayListCatalog(subject: AccessSubject): boolean {
  if (subject.kind !== 'account' || !subject.isAdmin || subject.patResources) return false;
  return subject.patScope === undefined || subject.patScope !== 'repo:public_read';
}

/**
 * Splits `namespace/rest` (the registry sends names without a host). A name with no slash has no
 * namespace anybody owns (Docker Hub's `library/` images are not served here).
 */
export function splitRepositoryName(fullName: string): RepositoryPath | undefined {
  const slash = fullName.indexOf('/');
  if (slash <= 0 || slash === fullName.length - 1) return undefined;
  return { namespace: fullName.slice(0, slash), name: fullName.slice(slash + 1) };
}

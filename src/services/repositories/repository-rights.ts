/**
 * What a caller may do on a repository of a namespace, asked of core/repository-access.ts once per
 * request and handed down as one object, with the refusals the repository routes give.
 */
import type { PatScope } from '../../core/access-token-scopes.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import {
  type AccessSubject,
  accountRights,
  allowedRepositoryActions,
  type MembershipFacts,
  type Repository,
  type RepositoryAction,
  type RepositoryPath,
  type RepositoryQuestion,
} from '../../core/repository-access.ts';
import { isRepositoryName, maxRepositoryNameLength } from '../../core/repository-name.ts';
import { findNamespace } from '../../storage/namespace.repository.ts';
import { findRepositoryMembership } from '../../storage/org-member.repository.ts';
import type { ServiceContext } from '../shared/context.ts';

/** The account that owns a namespace: a user, or an organization. */
export interface NamespaceOwner {
  kind: 'user' | 'org';
  id: string;
  name: string;
}

/** @throws AppError NAMESPACE_NOT_FOUND (also for a company's name: companies hold no repositories) */
export async function findNamespaceOwner(ctx: ServiceContext, namespace: string): Promise<NamespaceOwner> {
  const claim = await findNamespace(ctx.db, namespace);
  if (!claim || claim.kind === 'company')
    throw new AppError('NAMESPACE_NOT_FOUND', `namespace not found: ${namespace}`);
  return { kind: claim.kind, id: claim.ownerId, name: claim.name };
}

/**
 * The account's role and group permissions on `namespace/name` when the namespace is an
 * organization; undefined for anyone but an account, and in a user's namespace.
 */
export async function membershipIn(
  ctx: ServiceContext,
  subject: AccessSubject,
  path: RepositoryPath,
): Promise<MembershipFacts | undefined> {
  if (subject.kind !== 'account') return undefined;
  // Users and organizations share one space of names, so the account's own namespace is never an
  // organization: the most common question (one's own repository) skips the lookup.
  if (path.namespace === subject.username) return undefined;
  return findRepositoryMembership(ctx.db, path.namespace, subject.userId, path.name);
}

/** What one subject may do on one repository, and what its account could do without its token's cap. */
export interface RepositoryRights {
  subject: AccessSubject;
  owner: NamespaceOwner;
  question: RepositoryQuestion;
  allowed: ReadonlySet<RepositoryAction>;
  /**
   * Set when an organization's token policy refused the caller's token (repository-policy.ts):
   * `allowed` is then what anyone may do, and `wouldAllow` what the token could do without it.
   */
  policy?: { message: string; wouldAllow: ReadonlySet<RepositoryAction> };
}

/** Asks the rules once what `subject` may do on `owner/name` (`repository` undefined: not there yet). */
export async function rightsOn(
  ctx: ServiceContext,
  subject: AccessSubject,
  owner: NamespaceOwner,
  name: string,
  repository: Pick<Repository, 'isPrivate'> | undefined,
): Promise<RepositoryRights> {
  const path = { namespace: owner.name, name };
  const question: RepositoryQuestion = {
    path,
    repository,
    membership: await membershipIn(ctx, subject, path),
  };
  return { subject, owner, question, allowed: allowedRepositoryActions(subject, question) };
}

/**
 * @throws AppError FORBIDDEN saying what was refused and whether the account, the token's level
 *   or an organization's token policy is what falls short.
 */
export function assertAllowed(rights: RepositoryRights, action: RepositoryAction, what: string): void {
  if (rights.allowed.has(action)) return;
  if (rights.policy?.wouldAllow.has(action)) {
    throw new AppError('FORBIDDEN', `${what} needs ${action} access: ${rights.policy.message}`);
  }
  const { subject } = rights;
  const scope: PatScope | undefined = subject.kind === 'account' ? subject.patScope : undefined;
  const tokenIsTheLimit = scope !== undefined && accountRights(subject, rights.question).has(action);
  const fineGrained = subject.kind === 'account' && subject.patResources !== undefined;
  const reason = !tokenIsTheLimit
    ? `this account does not have ${action} access in namespace ${rights.owner.name}`
    : fineGrained
      ? `this session's access token does not list ${action} on this repository in its resources (or its scope ${scope} does not include it)`
      : `this session's access token has scope ${scope}, which does not include ${action}`;
  throw new AppError('FORBIDDEN', `${what} needs ${action} access: ${reason}`);
}

/**
 * `namespace/name` must be a registry repository name (the registry refuses anything else), with
 * `name` a single path component.
 * @throws AppError VALIDATION_FAILED naming `name`.
 */
export function assertRepositoryName(namespace: string, name: string): void {
  if (name.includes('/')) {
    throw fieldError('name', 'nested repository names (containing "/") are not supported by this API');
  }
  if (!isRepositoryName(`${namespace}/${name}`)) {
    const maxLength = maxRepositoryNameLength - namespace.length - 1;
    throw fieldError(
      'name',
      `repository name must be lowercase letters and digits, separated by ".", "_", "__" or "-", ` +
        `at most ${maxLength} characters`,
    );
  }
}

/**
 * The organization member whose group grants widen their view of an organization's repositories,
 * unless their token caps it (a `repo:public_read` PAT sees public repositories only).
 */
export function groupGrantsOf(
  owner: NamespaceOwner,
  subject: AccessSubject,
  membership: MembershipFacts | undefined,
): { orgId: string; userId: string } | undefined {
  if (owner.kind !== 'org' || subject.kind !== 'account' || membership?.role !== 'member') return undefined;
  const granted = { role: 'member' as const, groupPermissions: ['read' as const] };
  const probe = {
    path: { namespace: owner.name, name: '' },
    repository: { isPrivate: true },
    membership: granted,
  };
  if (!allowedRepositoryActions(subject, probe).has('pull')) return undefined;
  return { orgId: owner.id, userId: subject.userId };
}

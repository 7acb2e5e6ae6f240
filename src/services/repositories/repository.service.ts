/**
 * Repositories through the Hub API: create, list, read, update, delete (docs/repositories.md).
 * Who may do what comes from `core/repository-access.ts` only:
 *
 * - list and read need `pull`; a repository the caller may not pull is reported as missing
 *   (REPOSITORY_NOT_FOUND, never FORBIDDEN), so private names do not leak;
 * - create needs `push` on the namespace;
 * - update needs `push`, and `delete` as well when it changes the visibility;
 * - delete needs `delete`.
 *
 * Names are one path component below the namespace (`alice/app`); nested names (`alice/team/app`)
 * can exist through a registry push but are not served here yet. A namespace is a user or an
 * organization; in an organization, members' rights come from their groups (per repository).
 */
import type { PatScope } from '../../core/access-token-scopes.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import {
  type AccessSubject,
  accountRights,
  allowedRepositoryActions,
  type MembershipFacts,
  type RepositoryAction,
  type RepositoryFacts,
} from '../../core/repository-access.ts';
import { isRepositoryName, maxRepositoryNameLength } from '../../registry/scope.ts';
import {
  deleteRepository,
  findRepository,
  insertRepositoryIfAbsent,
  listNamespaceRepositories,
  type RepositoryRow,
  updateRepository,
} from '../../storage/image-repository.repository.ts';
import { findNamespace } from '../../storage/namespace.repository.ts';
import { findRepositoryMembership } from '../../storage/organization.repository.ts';
import { findUserByUsername } from '../../storage/user.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import type { HubPrincipal } from '../sign-in/hub-session.service.ts';
import type { AccountRef } from '../tokens/personal-access-token.service.ts';

/** Who acts on a write: the permission subject and the account recorded as the audit actor. */
export interface RepositoryActor {
  subject: AccessSubject;
  account: AccountRef;
}

/**
 * The permission subject of a Hub session: anonymous without one; the account, capped by the
 * token's level when the session was opened with a PAT.
 */
export function accessSubjectOf(principal: HubPrincipal | undefined): AccessSubject {
  if (!principal) return { kind: 'anonymous' };
  if (principal.kind === 'oat')
    return { kind: 'oat', orgName: principal.org.name, resources: principal.resources };
  const account = {
    kind: 'account' as const,
    username: principal.user.username,
    isAdmin: principal.user.is_admin === 1,
  };
  return principal.kind === 'pat' ? { ...account, patScope: principal.scope } : account;
}

/** Only account sessions reach the repository write routes (their guards refuse OAT sessions). */
export function repositoryActorOf(principal: HubPrincipal): RepositoryActor {
  if (principal.kind === 'oat') throw new Error('OAT sessions cannot manage repositories');
  const { id, username } = principal.user;
  return { subject: accessSubjectOf(principal), account: { id, username } };
}

export interface NewRepository {
  name: string;
  isPrivate?: boolean;
  description?: string;
}

export interface RepositoryUpdate {
  isPrivate?: boolean;
  description?: string;
}

/**
 * Creates `namespace/name`; private unless asked otherwise (`repositoryDefaultPrivate`).
 * @throws AppError NAMESPACE_NOT_FOUND, VALIDATION_FAILED (name), FORBIDDEN (no push), REPOSITORY_EXISTS.
 */
export async function createRepository(
  ctx: ServiceContext,
  actor: RepositoryActor,
  namespace: string,
  input: NewRepository,
  meta: RequestMeta,
): Promise<RepositoryRow> {
  const owner = await findNamespaceOwner(ctx, namespace);
  assertRepositoryName(namespace, input.name);
  // Rights are checked before existence, so a caller without push learns nothing about names.
  await assertAllowed(
    ctx,
    owner,
    actor.subject,
    input.name,
    undefined,
    'push',
    `creating repositories in ${namespace}`,
  );
  const now = isoNow(ctx);
  const candidate: RepositoryRow = {
    id: newId(),
    namespace,
    name: input.name,
    is_private: (input.isPrivate ?? ctx.config.repositoryDefaultPrivate) ? 1 : 0,
    description: input.description ?? '',
    created_at: now,
    updated_at: now,
    created_by: actor.account.id,
  };
  // A concurrent create or first push may win the unique key: the stored row then is not ours.
  const row = await insertRepositoryIfAbsent(ctx.db, candidate);
  if (row.id !== candidate.id) {
    throw new AppError('REPOSITORY_EXISTS', `repository already exists: ${namespace}/${input.name}`);
  }
  await audit(ctx, owner, actor, 'repository.create', row, meta, {
    is_private: row.is_private === 1,
    description: row.description,
  });
  return row;
}

/**
 * One page of the namespace's repositories the caller may pull, by name.
 * @throws AppError NAMESPACE_NOT_FOUND.
 */
export async function listRepositories(
  ctx: ServiceContext,
  subject: AccessSubject,
  namespace: string,
  page: { limit: number; offset: number },
): Promise<{ rows: RepositoryRow[]; total: number }> {
  const owner = await findNamespaceOwner(ctx, namespace);
  const membership = await membershipIn(ctx, owner, subject, '');
  // Pulling a private repository depends on the namespace alone (one probe decides for the whole
  // page), except for an organization's members, whose groups grant repositories one by one: the
  // database then filters and counts by the member's groups.
  const seesPrivate = allowedRepositoryActions(
    subject,
    namespace,
    { namespace, isPrivate: true },
    membership,
  ).has('pull');
  const grants = seesPrivate ? undefined : groupGrantsOf(owner, subject, membership);
  return listNamespaceRepositories(ctx.db, namespace, {
    publicOnly: !seesPrivate,
    ...(grants ? { privateGrantedTo: grants } : {}),
    ...page,
  });
}

/**
 * The member whose group grants widen their view of an organization's repositories, unless their
 * token caps it (a `repo:public_read` PAT sees public repositories only).
 */
function groupGrantsOf(
  owner: NamespaceOwner,
  subject: AccessSubject,
  membership: (MembershipFacts & { userId: string }) | undefined,
): { orgId: string; userId: string } | undefined {
  if (owner.kind !== 'org' || membership?.role !== 'member') return undefined;
  const granted = { role: 'member' as const, groupPermissions: ['read' as const] };
  const privateProbe = { namespace: owner.name, isPrivate: true };
  if (!allowedRepositoryActions(subject, owner.name, privateProbe, granted).has('pull')) return undefined;
  return { orgId: owner.id, userId: membership.userId };
}

/**
 * Reads one repository the caller may pull.
 * @throws AppError NAMESPACE_NOT_FOUND, VALIDATION_FAILED (name), REPOSITORY_NOT_FOUND (missing or
 *   not pullable by the caller).
 */
export async function getRepository(
  ctx: ServiceContext,
  subject: AccessSubject,
  namespace: string,
  name: string,
): Promise<RepositoryRow> {
  const owner = await findNamespaceOwner(ctx, namespace);
  return findVisibleRepository(ctx, owner, subject, name);
}

/**
 * Changes the description (needs push) and the visibility (needs delete, repo:admin level). Sending
 * the current visibility is not a change and needs no more than push.
 * @throws AppError as {@link getRepository}, and FORBIDDEN.
 */
export async function updateRepositorySettings(
  ctx: ServiceContext,
  actor: RepositoryActor,
  namespace: string,
  name: string,
  update: RepositoryUpdate,
  meta: RequestMeta,
): Promise<RepositoryRow> {
  const owner = await findNamespaceOwner(ctx, namespace);
  const current = await findVisibleRepository(ctx, owner, actor.subject, name);
  const facts = factsOf(current);
  const fullName = `${namespace}/${name}`;
  await assertAllowed(ctx, owner, actor.subject, name, facts, 'push', `changing ${fullName}`);
  const changes: { is_private?: number; description?: string } = {};
  if (update.isPrivate !== undefined && update.isPrivate !== (current.is_private === 1)) {
    await assertAllowed(
      ctx,
      owner,
      actor.subject,
      name,
      facts,
      'delete',
      `changing the visibility of ${fullName}`,
    );
    changes.is_private = update.isPrivate ? 1 : 0;
  }
  if (update.description !== undefined && update.description !== current.description) {
    changes.description = update.description;
  }
  if (Object.keys(changes).length === 0) return current;
  await updateRepository(ctx.db, current.id, { ...changes, updated_at: isoNow(ctx) });
  const row = await findRepository(ctx.db, namespace, name);
  if (!row) throw new AppError('REPOSITORY_NOT_FOUND', `repository not found: ${fullName}`);
  await audit(ctx, owner, actor, 'repository.update', row, meta, { changed: Object.keys(changes) });
  return row;
}

/**
 * Deletes tokenhub's record of the repository. The registry keeps the image data: it has no
 * repository-delete API (docs/repositories.md).
 * @throws AppError as {@link getRepository}, and FORBIDDEN without delete.
 */
export async function deleteRepositoryRecord(
  ctx: ServiceContext,
  actor: RepositoryActor,
  namespace: string,
  name: string,
  meta: RequestMeta,
): Promise<void> {
  const owner = await findNamespaceOwner(ctx, namespace);
  const current = await findVisibleRepository(ctx, owner, actor.subject, name);
  await assertAllowed(
    ctx,
    owner,
    actor.subject,
    name,
    factsOf(current),
    'delete',
    `deleting ${namespace}/${name}`,
  );
  await deleteRepository(ctx.db, current.id);
  await audit(ctx, owner, actor, 'repository.delete', current, meta, {});
}

/** The account that owns a namespace: a user, or an organization. */
interface NamespaceOwner {
  kind: 'user' | 'org';
  id: string;
  name: string;
}

async function findNamespaceOwner(ctx: ServiceContext, namespace: string): Promise<NamespaceOwner> {
  const row = await findNamespace(ctx.db, namespace);
  if (!row) throw new AppError('NAMESPACE_NOT_FOUND', `namespace not found: ${namespace}`);
  return { kind: row.kind, id: row.owner_id, name: row.name };
}

/**
 * The account's role and group permissions on `name` when the namespace is an organization, with
 * the account's user id (an organization member's groups are keyed by it).
 */
async function membershipIn(
  ctx: ServiceContext,
  owner: NamespaceOwner,
  subject: AccessSubject,
  name: string,
): Promise<(MembershipFacts & { userId: string }) | undefined> {
  if (owner.kind !== 'org' || subject.kind !== 'account') return undefined;
  const user = await findUserByUsername(ctx.db, subject.username);
  return user && { userId: user.id, ...(await findRepositoryMembership(ctx.db, owner.id, user.id, name)) };
}

async function rightsOn(
  ctx: ServiceContext,
  owner: NamespaceOwner,
  subject: AccessSubject,
  name: string,
  facts: RepositoryFacts | undefined,
): Promise<Set<RepositoryAction>> {
  return allowedRepositoryActions(
    subject,
    owner.name,
    facts,
    await membershipIn(ctx, owner, subject, name),
    name,
  );
}

/**
 * `namespace/name` must be a registry repository name (the registry refuses anything else), with
 * `name` a single path component.
 * @throws AppError VALIDATION_FAILED naming `name`.
 */
function assertRepositoryName(namespace: string, name: string): void {
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

async function findVisibleRepository(
  ctx: ServiceContext,
  owner: NamespaceOwner,
  subject: AccessSubject,
  name: string,
): Promise<RepositoryRow> {
  assertRepositoryName(owner.name, name);
  const row = await findRepository(ctx.db, owner.name, name);
  // Same answer for "missing" and "private and not yours": existence must not leak.
  if (!row || !(await rightsOn(ctx, owner, subject, name, factsOf(row))).has('pull')) {
    throw new AppError('REPOSITORY_NOT_FOUND', `repository not found: ${owner.name}/${name}`);
  }
  return row;
}

function factsOf(row: RepositoryRow): RepositoryFacts {
  return { namespace: row.namespace, isPrivate: row.is_private === 1 };
}

/**
 * @throws AppError FORBIDDEN saying what was refused and whether the account or the token's level
 *   is what falls short.
 */
async function assertAllowed(
  ctx: ServiceContext,
  owner: NamespaceOwner,
  subject: AccessSubject,
  name: string,
  facts: RepositoryFacts | undefined,
  action: RepositoryAction,
  what: string,
): Promise<void> {
  if ((await rightsOn(ctx, owner, subject, name, facts)).has(action)) return;
  const scope: PatScope | undefined = subject.kind === 'account' ? subject.patScope : undefined;
  const membership = await membershipIn(ctx, owner, subject, name);
  const tokenIsTheLimit =
    scope !== undefined && accountRights(subject, owner.name, facts, membership).has(action);
  const reason = tokenIsTheLimit
    ? `this session's access token has scope ${scope}, which does not include ${action}`
    : `this account does not have ${action} access in namespace ${owner.name}`;
  throw new AppError('FORBIDDEN', `${what} needs ${action} access: ${reason}`);
}

async function audit(
  ctx: ServiceContext,
  owner: NamespaceOwner,
  actor: RepositoryActor,
  action: 'repository.create' | 'repository.update' | 'repository.delete',
  row: RepositoryRow,
  meta: RequestMeta,
  data: Record<string, unknown>,
): Promise<void> {
  await recordAudit(ctx, {
    account: { id: owner.id, name: owner.name },
    action,
    name: `${row.namespace}/${row.name}`,
    actor: { id: actor.account.id, name: actor.account.username },
    meta,
    data: { id: row.id, ...data },
  });
}

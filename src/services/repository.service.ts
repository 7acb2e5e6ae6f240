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
 * can exist through a registry push but are not served here yet.
 */
import type { PatScope } from '../core/access-token-scopes.ts';
import { AppError, fieldError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import {
  type AccessSubject,
  accountRights,
  allowedRepositoryActions,
  type RepositoryAction,
  type RepositoryFacts,
} from '../core/repository-access.ts';
import { isRepositoryName, maxRepositoryNameLength } from '../registry/scope.ts';
import {
  deleteRepository,
  findRepository,
  insertRepositoryIfAbsent,
  listNamespaceRepositories,
  type RepositoryRow,
  updateRepository,
} from '../storage/repository.repository.ts';
import { findUserByUsername, type UserRow } from '../storage/user.repository.ts';
import { recordAudit } from './audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from './context.ts';
import type { HubPrincipal } from './hub-session.service.ts';
import type { AccountRef } from './personal-access-token.service.ts';

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
  assertAllowed(actor.subject, namespace, undefined, 'push', `creating repositories in ${namespace}`);
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
  await findNamespaceOwner(ctx, namespace);
  // Under the current rules, pulling a private repository depends on the namespace alone, so one
  // probe decides for the whole page (and the count stays exact). Per-repository rights
  // (organization teams, OAT resources) will need a filter in the query instead.
  const privateProbe: RepositoryFacts = { namespace, isPrivate: true };
  const seesPrivate = allowedRepositoryActions(subject, namespace, privateProbe).has('pull');
  return listNamespaceRepositories(ctx.db, namespace, { publicOnly: !seesPrivate, ...page });
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
  await findNamespaceOwner(ctx, namespace);
  return findVisibleRepository(ctx, subject, namespace, name);
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
  const current = await findVisibleRepository(ctx, actor.subject, namespace, name);
  const facts = factsOf(current);
  const fullName = `${namespace}/${name}`;
  assertAllowed(actor.subject, namespace, facts, 'push', `changing ${fullName}`);
  const changes: { is_private?: number; description?: string } = {};
  if (update.isPrivate !== undefined && update.isPrivate !== (current.is_private === 1)) {
    assertAllowed(actor.subject, namespace, facts, 'delete', `changing the visibility of ${fullName}`);
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
  const current = await findVisibleRepository(ctx, actor.subject, namespace, name);
  assertAllowed(actor.subject, namespace, factsOf(current), 'delete', `deleting ${namespace}/${name}`);
  await deleteRepository(ctx.db, current.id);
  await audit(ctx, owner, actor, 'repository.delete', current, meta, {});
}

/** Namespaces are accounts (organizations will join the same space). */
async function findNamespaceOwner(ctx: ServiceContext, namespace: string): Promise<UserRow> {
  const owner = await findUserByUsername(ctx.db, namespace);
  if (!owner) throw new AppError('NAMESPACE_NOT_FOUND', `namespace not found: ${namespace}`);
  return owner;
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
  subject: AccessSubject,
  namespace: string,
  name: string,
): Promise<RepositoryRow> {
  assertRepositoryName(namespace, name);
  const row = await findRepository(ctx.db, namespace, name);
  // Same answer for "missing" and "private and not yours": existence must not leak.
  if (!row || !allowedRepositoryActions(subject, namespace, factsOf(row)).has('pull')) {
    throw new AppError('REPOSITORY_NOT_FOUND', `repository not found: ${namespace}/${name}`);
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
function assertAllowed(
  subject: AccessSubject,
  namespace: string,
  facts: RepositoryFacts | undefined,
  action: RepositoryAction,
  what: string,
): void {
  if (allowedRepositoryActions(subject, namespace, facts).has(action)) return;
  const scope: PatScope | undefined = subject.kind === 'account' ? subject.patScope : undefined;
  const tokenIsTheLimit = scope !== undefined && accountRights(subject, namespace, facts).has(action);
  const reason = tokenIsTheLimit
    ? `this session's access token has scope ${scope}, which does not include ${action}`
    : `this account does not have ${action} access in namespace ${namespace}`;
  throw new AppError('FORBIDDEN', `${what} needs ${action} access: ${reason}`);
}

async function audit(
  ctx: ServiceContext,
  owner: UserRow,
  actor: RepositoryActor,
  action: 'repository.create' | 'repository.update' | 'repository.delete',
  row: RepositoryRow,
  meta: RequestMeta,
  data: Record<string, unknown>,
): Promise<void> {
  await recordAudit(ctx, {
    account: { id: owner.id, name: owner.username },
    action,
    name: `${row.namespace}/${row.name}`,
    actor: { id: actor.account.id, name: actor.account.username },
    meta,
    data: { id: row.id, ...data },
  });
}

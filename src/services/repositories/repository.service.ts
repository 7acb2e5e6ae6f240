/**
 * Repositories through the Hub API: create, list, read, update, delete (docs/repositories.md).
 * Who may do what comes from `core/repository-access.ts` only (repository-rights.ts asks it once
 * per request):
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
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Repository } from '../../core/repository-access.ts';
import type { PageWindow } from '../../storage/database.ts';
import {
  deleteRepository,
  findRepository,
  insertRepositoryIfAbsent,
  listNamespaceRepositories,
  updateRepository,
} from '../../storage/image-repository.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import { accessSubjectOf, auditActorOf, creatorIdOf, type Principal } from '../sign-in/who-asks.ts';
import {
  assertAllowed,
  assertRepositoryName,
  findNamespaceOwner,
  groupGrantsOf,
  type NamespaceOwner,
  rightsOn,
} from './repository-rights.ts';

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
  principal: Principal,
  namespace: string,
  input: NewRepository,
  meta: RequestMeta,
): Promise<Repository> {
  const owner = await findNamespaceOwner(ctx, namespace);
  assertRepositoryName(namespace, input.name);
  // Rights are checked before existence, so a caller without push learns nothing about names.
  const rights = await rightsOn(ctx, accessSubjectOf(principal), owner, input.name, undefined);
  assertAllowed(rights, 'push', `creating repositories in ${namespace}`);
  const now = isoNow(ctx);
  const candidate: Repository = {
    id: newId(),
    namespace,
    name: input.name,
    isPrivate: input.isPrivate ?? ctx.config.repositoryDefaultPrivate,
    description: input.description ?? '',
    createdAt: now,
    updatedAt: now,
    createdBy: creatorIdOf(principal),
  };
  // A concurrent create or first push may win the unique key: the stored row then is not ours.
  const repository = await insertRepositoryIfAbsent(ctx.db, candidate);
  if (repository.id !== candidate.id) {
    throw new AppError('REPOSITORY_EXISTS', `repository already exists: ${namespace}/${input.name}`);
  }
  await audit(ctx, owner, principal, 'repo.create', repository, meta, {
    is_private: repository.isPrivate,
    description: repository.description,
  });
  return repository;
}

/**
 * One page of the namespace's repositories the caller may pull, by name.
 * @throws AppError NAMESPACE_NOT_FOUND.
 */
export async function listRepositories(
  ctx: ServiceContext,
  principal: Principal | undefined,
  namespace: string,
  page: PageWindow,
): Promise<{ repositories: Repository[]; total: number }> {
  const subject = accessSubjectOf(principal);
  const owner = await findNamespaceOwner(ctx, namespace);
  // Pulling a private repository depends on the namespace alone (one probe decides for the whole
  // page), except for an organization's members, whose groups grant repositories one by one: the
  // database then filters and counts by the member's groups.
  const probe = await rightsOn(ctx, subject, owner, '', { isPrivate: true });
  const seesPrivate = probe.allowed.has('pull');
  const grants = seesPrivate ? undefined : groupGrantsOf(owner, subject, probe.question.membership);
  return listNamespaceRepositories(ctx.db, namespace, {
    publicOnly: !seesPrivate,
    ...(grants ? { privateGrantedTo: grants } : {}),
    ...page,
  });
}

/**
 * Reads one repository the caller may pull.
 * @throws AppError NAMESPACE_NOT_FOUND, VALIDATION_FAILED (name), REPOSITORY_NOT_FOUND (missing or
 *   not pullable by the caller).
 */
export async function getRepository(
  ctx: ServiceContext,
  principal: Principal | undefined,
  namespace: string,
  name: string,
): Promise<Repository> {
  const owner = await findNamespaceOwner(ctx, namespace);
  return (await findVisibleRepository(ctx, principal, owner, name)).repository;
}

/**
 * Changes the description (needs push) and the visibility (needs delete, repo:admin level). Sending
 * the current visibility is not a change and needs no more than push.
 * @throws AppError as {@link getRepository}, and FORBIDDEN.
 */
export async function updateRepositorySettings(
  ctx: ServiceContext,
  principal: Principal,
  namespace: string,
  name: string,
  update: RepositoryUpdate,
  meta: RequestMeta,
): Promise<Repository> {
  const owner = await findNamespaceOwner(ctx, namespace);
  const { repository: current, rights } = await findVisibleRepository(ctx, principal, owner, name);
  const fullName = `${namespace}/${name}`;
  assertAllowed(rights, 'push', `changing ${fullName}`);
  const changed: string[] = [];
  const changes: { isPrivate?: boolean; description?: string } = {};
  if (update.isPrivate !== undefined && update.isPrivate !== current.isPrivate) {
    assertAllowed(rights, 'delete', `changing the visibility of ${fullName}`);
    changes.isPrivate = update.isPrivate;
    changed.push('is_private');
  }
  if (update.description !== undefined && update.description !== current.description) {
    changes.description = update.description;
    changed.push('description');
  }
  if (changed.length === 0) return current;
  await updateRepository(ctx.db, current.id, { ...changes, updatedAt: isoNow(ctx) });
  const repository = await findRepository(ctx.db, namespace, name);
  if (!repository) throw new AppError('REPOSITORY_NOT_FOUND', `repository not found: ${fullName}`);
  await audit(ctx, owner, principal, 'repo.update', repository, meta, { changed });
  return repository;
}

/**
 * Deletes tokenhub's record of the repository. The registry keeps the image data: it has no
 * repository-delete API (docs/repositories.md).
 * @throws AppError as {@link getRepository}, and FORBIDDEN without delete.
 */
export async function deleteRepositoryRecord(
  ctx: ServiceContext,
  principal: Principal,
  namespace: string,
  name: string,
  meta: RequestMeta,
): Promise<void> {
  const owner = await findNamespaceOwner(ctx, namespace);
  const { repository, rights } = await findVisibleRepository(ctx, principal, owner, name);
  assertAllowed(rights, 'delete', `deleting ${namespace}/${name}`);
  await deleteRepository(ctx.db, repository.id);
  await audit(ctx, owner, principal, 'repo.delete', repository, meta, {});
}

/** A repository the caller may pull, with what they may do on it (asked once). */
async function findVisibleRepository(
  ctx: ServiceContext,
  principal: Principal | undefined,
  owner: NamespaceOwner,
  name: string,
) {
  assertRepositoryName(owner.name, name);
  const repository = await findRepository(ctx.db, owner.name, name);
  const rights = repository && (await rightsOn(ctx, accessSubjectOf(principal), owner, name, repository));
  // Same answer for "missing" and "private and not yours": existence must not leak.
  if (!repository || !rights?.allowed.has('pull')) {
    throw new AppError('REPOSITORY_NOT_FOUND', `repository not found: ${owner.name}/${name}`);
  }
  return { repository, rights };
}

async function audit(
  ctx: ServiceContext,
  owner: NamespaceOwner,
  principal: Principal,
  action: 'repo.create' | 'repo.update' | 'repo.delete',
  repository: Repository,
  meta: RequestMeta,
  data: Record<string, unknown>,
): Promise<void> {
  await recordAudit(ctx, {
    account: { id: owner.id, name: owner.name },
    action,
    name: `${repository.namespace}/${repository.name}`,
    actor: auditActorOf(principal),
    meta,
    data: { id: repository.id, ...data },
  });
}

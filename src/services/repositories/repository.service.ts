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
import type { AuditAction } from '../../core/audit-actions.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { AccessSubject, Repository, RepositoryAction } from '../../core/repository-access.ts';
import {
  type HubRepository,
  noRepositoryDetails,
  type RepositoryOrdering,
} from '../../core/repository-facts.ts';
import type { PageWindow } from '../../storage/database.ts';
import {
  deleteRepository,
  findHubRepository,
  insertRepositoryIfAbsent,
  listNamespaceRepositories,
  updateRepository,
} from '../../storage/image-repository.repository.ts';
import { saveFullDescription } from '../../storage/repository-details.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import { accessSubjectOf, auditActorOf, creatorIdOf, type Principal } from '../sign-in/who-asks.ts';
import { rightsUnderPolicy } from './repository-policy.ts';
import {
  assertAllowed,
  assertRepositoryName,
  findNamespaceOwner,
  groupGrantsOf,
  type NamespaceOwner,
} from './repository-rights.ts';

export interface NewRepository {
  name: string;
  isPrivate?: boolean;
  description?: string;
  fullDescription?: string;
}

export interface RepositoryUpdate {
  isPrivate?: boolean;
  description?: string;
  fullDescription?: string;
}

/** A repository with its details, and what the caller may do on it (Docker Hub's `permissions`). */
export interface RepositoryView {
  repository: HubRepository;
  allowed: ReadonlySet<RepositoryAction>;
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
): Promise<RepositoryView> {
  const owner = await findNamespaceOwner(ctx, namespace);
  assertRepositoryName(namespace, input.name);
  // Rights are checked before existence, so a caller without push learns nothing about names.
  const rights = await rightsUnderPolicy(ctx, principal, owner, input.name, undefined);
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
  const fullDescription = input.fullDescription ?? '';
  if (fullDescription) await saveFullDescription(ctx.db, repository.id, fullDescription);
  await audit(ctx, owner, principal, 'repo.create', repository, meta, {
    is_private: repository.isPrivate,
    description: repository.description,
  });
  return {
    repository: { ...repository, details: { ...noRepositoryDetails, fullDescription } },
    allowed: rights.allowed,
  };
}

/**
 * One page of the namespace's repositories the caller may pull, with their details: those whose
 * name contains `nameContains`, in Docker Hub's `ordering` (by name by default).
 * @throws AppError NAMESPACE_NOT_FOUND.
 */
export async function listRepositories(
  ctx: ServiceContext,
  principal: Principal | undefined,
  namespace: string,
  query: { nameContains?: string; ordering?: RepositoryOrdering },
  page: PageWindow,
): Promise<{ repositories: HubRepository[]; total: number }> {
  const owner = await findNamespaceOwner(ctx, namespace);
  // Pulling a private repository depends on the namespace alone (one probe decides for the whole
  // page), except for an organization's members, whose groups grant repositories one by one: the
  // database then filters and counts by the member's groups.
  const probe = await rightsUnderPolicy(ctx, principal, owner, '', { isPrivate: true });
  // A token outside the organization's token policy lists what anyone may see.
  const subject: AccessSubject = probe.policy ? { kind: 'anonymous' } : accessSubjectOf(principal);
  const seesPrivate = probe.allowed.has('pull');
  const grants = seesPrivate ? undefined : groupGrantsOf(owner, subject, probe.question.membership);
  return listNamespaceRepositories(ctx.db, namespace, {
    publicOnly: !seesPrivate,
    ...(grants ? { privateGrantedTo: grants } : {}),
    ...query,
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
): Promise<RepositoryView> {
  const owner = await findNamespaceOwner(ctx, namespace);
  const { repository, rights } = await findVisibleRepository(ctx, principal, owner, name);
  return { repository, allowed: rights.allowed };
}

/**
 * Changes the descriptions (needs push) and the visibility (needs delete, repo:admin level).
 * Sending the current visibility is not a change and needs no more than push. A visibility change
 * is recorded as `repo.change_privacy`, a description change as `repo.update` (Docker Hub's names).
 * @throws AppError as {@link getRepository}, and FORBIDDEN.
 */
export async function updateRepositorySettings(
  ctx: ServiceContext,
  principal: Principal,
  namespace: string,
  name: string,
  update: RepositoryUpdate,
  meta: RequestMeta,
): Promise<RepositoryView> {
  const owner = await findNamespaceOwner(ctx, namespace);
  const { repository: current, rights } = await findVisibleRepository(ctx, principal, owner, name);
  const fullName = `${namespace}/${name}`;
  assertAllowed(rights, 'push', `changing ${fullName}`);
  const privacyChanged = update.isPrivate !== undefined && update.isPrivate !== current.isPrivate;
  if (privacyChanged) assertAllowed(rights, 'delete', `changing the visibility of ${fullName}`);
  const changed: string[] = [];
  if (update.description !== undefined && update.description !== current.description)
    changed.push('description');
  const fullDescription = update.fullDescription;
  if (fullDescription !== undefined && fullDescription !== current.details.fullDescription) {
    changed.push('full_description');
  }
  if (!privacyChanged && changed.length === 0) return { repository: current, allowed: rights.allowed };
  await updateRepository(ctx.db, current.id, {
    ...(privacyChanged ? { isPrivate: update.isPrivate } : {}),
    ...(changed.includes('description') ? { description: update.description } : {}),
    updatedAt: isoNow(ctx),
  });
  if (fullDescription !== undefined && changed.includes('full_description')) {
    await saveFullDescription(ctx.db, current.id, fullDescription);
  }
  const repository = await findHubRepository(ctx.db, namespace, name);
  if (!repository) throw new AppError('REPOSITORY_NOT_FOUND', `repository not found: ${fullName}`);
  if (privacyChanged) {
    await audit(ctx, owner, principal, 'repo.change_privacy', repository, meta, {
      is_private: repository.isPrivate,
    });
  }
  if (changed.length > 0) await audit(ctx, owner, principal, 'repo.update', repository, meta, { changed });
  return { repository, allowed: rights.allowed };
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
  const repository = await findHubRepository(ctx.db, owner.name, name);
  const rights = repository && (await rightsUnderPolicy(ctx, principal, owner, name, repository));
  if (rights?.policy?.wouldAllow.has('pull') && !rights.allowed.has('pull')) {
    throw new AppError('FORBIDDEN', rights.policy.message);
  }
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
  action: Extract<AuditAction, `repo.${string}`>,
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

/**
 * Grant resolution for the registry token endpoint (PROTOCOLS.md §2, "Grants"):
 *
 *   granted = requested ∩ what the subject may do on that repository (core/repository-access.ts)
 *
 * One access entry per requested resource, actions sorted, possibly `actions: []`: a refusal is a
 * result, not an error. `*` on a repository is expanded to the actions the registry checks
 * (pull, push, delete), because the registry compares action names exactly.
 *
 * A repository that does not exist yet is created (private unless configured otherwise) when push
 * is granted on it: the registry does not tell tokenhub about pushes, so the first push grant in a
 * namespace the subject may push to stands for the first push. Never in a namespace that no user or
 * organization owns, whoever asks (administrators included): push is then left out of the grant,
 * so nobody can squat a name before its user or organization is registered.
 */

import { newId } from '../core/ids.ts';
import {
  type AccessSubject,
  allowedRepositoryActions,
  allRepositoryActions,
  mayListCatalog,
  type RepositoryAction,
  type RepositoryLookup,
  type RepositoryPath,
  splitRepositoryName,
} from '../core/repository-access.ts';
import { membershipIn } from '../services/repositories/repository-rights.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import { findRepository, insertRepositoryIfAbsent } from '../storage/image-repository.repository.ts';
import { findNamespace } from '../storage/namespace.repository.ts';
import type { RegistryAccessEntry } from './jwt-signer.ts';
import type { RegistryScope } from './scope.ts';

export interface GrantRequest {
  subject: AccessSubject;
  /** User id recorded as the creator of repositories created by a push grant. */
  creatorId: string | null;
  scopes: readonly RegistryScope[];
  /** A repository already read for this request (with the credential): not read again. */
  knownRepository?: RepositoryLookup;
}

export async function resolveGrants(
  ctx: ServiceContext,
  request: GrantRequest,
): Promise<RegistryAccessEntry[]> {
  const entries: RegistryAccessEntry[] = [];
  // parseScopes merges the scopes of one resource, so the known repository is met at most once.
  const known = request.knownRepository;
  for (const scope of request.scopes) {
    if (scope.type === 'registry') {
      const granted =
        scope.name === 'catalog' && scope.actions.includes('*') && mayListCatalog(request.subject);
      entries.push({ type: 'registry', name: scope.name, actions: granted ? ['*'] : [] });
      continue;
    }
    const path = splitRepositoryName(scope.name);
    const read =
      known && path && known.path.namespace === path.namespace && known.path.name === path.name
        ? known
        : undefined;
    entries.push({
      type: 'repository',
      name: scope.name,
      actions: path ? await repositoryGrant(ctx, request, scope, path, read) : [],
    });
  }
  return entries;
}

async function repositoryGrant(
  ctx: ServiceContext,
  request: GrantRequest,
  scope: RegistryScope,
  path: RepositoryPath,
  read: RepositoryLookup | undefined,
): Promise<string[]> {
  const requested = new Set<RepositoryAction>(
    scope.actions.flatMap((action) => (action === '*' ? allRepositoryActions : [action as RepositoryAction])),
  );
  const repository = read ? read.repository : await findRepository(ctx.db, path.namespace, path.name);
  const membership = await membershipIn(ctx, request.subject, path);
  const allowed = allowedRepositoryActions(request.subject, { path, repository, membership });
  let granted = [...requested].filter((action) => allowed.has(action)).sort();
  if (!repository && granted.includes('push') && !(await findNamespace(ctx.db, path.namespace))) {
    granted = granted.filter((action) => action !== 'push' && action !== 'delete');
  }
  if (!repository && granted.includes('push')) {
    const now = ctx.clock.now().toISOString();
    await insertRepositoryIfAbsent(ctx.db, {
      id: newId(),
      namespace: path.namespace,
      name: path.name,
      isPrivate: ctx.config.repositoryDefaultPrivate,
      description: '',
      createdAt: now,
      updatedAt: now,
      createdBy: request.creatorId,
    });
  }
  return granted;
}

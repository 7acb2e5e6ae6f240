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
 * namespace the subject may push to stands for the first push.
 */

import { newId } from '../core/ids.ts';
import {
  type AccessSubject,
  allowedRepositoryActions,
  allRepositoryActions,
  type MembershipFacts,
  mayListCatalog,
  type RepositoryAction,
  type RepositoryPath,
  splitRepositoryName,
} from '../core/repository-access.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import { findRepository, insertRepositoryIfAbsent } from '../storage/image-repository.repository.ts';
import { findOrganizationByName, findRepositoryMembership } from '../storage/organization.repository.ts';
import type { RepositoryRead } from '../storage/token-credential.repository.ts';
import type { RegistryAccessEntry } from './jwt-signer.ts';
import type { RegistryScope } from './scope.ts';

export interface GrantRequest {
  subject: AccessSubject;
  /** User id recorded as the creator of repositories created by a push grant. */
  actorId: string | null;
  /** The signed-in user, whose organization memberships count (none for anonymous and OATs). */
  userId: string | null;
  scopes: readonly RegistryScope[];
  /** A repository already read for this request (with the credential): not read again. */
  knownRepository?: RepositoryRead;
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
      known && path && known.namespace === path.namespace && known.name === path.name ? known : undefined;
    entries.push({
      type: 'repository',
      name: scope.name,
      actions: path ? await repositoryGrant(ctx, request, scope, path, read) : [],
    });
  }
  return entries;
}

/** The user's role and group permissions when the namespace is an organization. */
async function membershipIn(
  ctx: ServiceContext,
  request: GrantRequest,
  namespace: string,
  name: string,
): Promise<MembershipFacts | undefined> {
  if (request.subject.kind !== 'account' || request.userId === null) return undefined;
  // Users and organizations share one space of names, so the account's own namespace is never an
  // organization: the most common grant (one's own repository) skips the lookup.
  if (namespace === request.subject.username) return undefined;
  const org = await findOrganizationByName(ctx.db, namespace);
  return org && findRepositoryMembership(ctx.db, org.id, request.userId, name);
}

async function repositoryGrant(
  ctx: ServiceContext,
  request: GrantRequest,
  scope: RegistryScope,
  path: RepositoryPath,
  read: RepositoryRead | undefined,
): Promise<string[]> {
  const requested = new Set<RepositoryAction>(
    scope.actions.flatMap((action) => (action === '*' ? allRepositoryActions : [action as RepositoryAction])),
  );
  const repository = read ? read.row : await findRepository(ctx.db, path.namespace, path.name);
  const facts = repository && { namespace: repository.namespace, isPrivate: repository.is_private === 1 };
  const membership = await membershipIn(ctx, request, path.namespace, path.name);
  const allowed = allowedRepositoryActions(request.subject, path.namespace, facts, membership, path.name);
  const granted = [...requested].filter((action) => allowed.has(action)).sort();
  if (!repository && granted.includes('push')) {
    const now = ctx.clock.now().toISOString();
    await insertRepositoryIfAbsent(ctx.db, {
      id: newId(),
      namespace: path.namespace,
      name: path.name,
      is_private: ctx.config.repositoryDefaultPrivate ? 1 : 0,
      description: '',
      created_at: now,
      updated_at: now,
      created_by: request.actorId,
    });
  }
  return granted;
}

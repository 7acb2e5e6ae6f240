/**
 * Grant resolution for the registry token endpoint (PROTOCOLS.md §2, "Grants"):
 *
 *   granted = requested ∩ what the subject may do on that repository (core/repository-access.ts)
 *
 * One access entry per requested resource, actions sorted, possibly `actions: []`: a refusal is a
 * result, not an error. `*` on a repository is expanded to the actions the registry checks
 * (pull, push, delete), because the registry compares action names exactly.
 *
 * A token under an organization's token policy (core/token-policy.ts) gets nothing on that
 * organization's repositories when it is outside the policy (beyond what anyone gets: pull on a
 * public one); when that leaves the whole request
 * without a repository action, the refusal is an error naming the policy (`PolicyRefusal`), so
 * the client shows why instead of a bare "denied".
 *
 * A repository that does not exist yet is created (private unless configured otherwise) when push
 * is granted on it: the registry does not tell tokenhub about pushes, so the first push grant in a
 * namespace the subject may push to stands for the first push. Never in a namespace that no user or
 * organization owns, whoever asks (administrators included): push is then left out of the grant,
 * so nobody can squat a name before its user or organization is registered.
 */

import { AppError } from '../core/errors.ts';
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
import { orgPolicyBreach, type PolicyFacts } from '../core/token-policy.ts';
import { membershipIn } from '../services/repositories/repository-rights.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import { findRepository, insertRepositoryIfAbsent } from '../storage/image-repository.repository.ts';
import { findNamespace } from '../storage/namespace.repository.ts';
import { findTokenPolicyOfNamespace } from '../storage/token-policy.repository.ts';
import type { RegistryAccessEntry } from './jwt-signer.ts';
import type { RegistryScope } from './scope.ts';

export interface GrantRequest {
  subject: AccessSubject;
  /** User id recorded as the creator of repositories created by a push grant. */
  creatorId: string | null;
  scopes: readonly RegistryScope[];
  /** A repository already read for this request (with the credential): not read again. */
  knownRepository?: RepositoryLookup;
  /** The token's facts, when a token policy may apply (who-asks.ts `policyFactsOf`). */
  policyFacts?: PolicyFacts;
}

const anonymous: AccessSubject = { kind: 'anonymous' };

/** Per request: the policy breach of each organization namespace met (undefined: within it). */
type PolicyBreaches = Map<string, string | undefined>;

export async function resolveGrants(
  ctx: ServiceContext,
  request: GrantRequest,
): Promise<RegistryAccessEntry[]> {
  const entries: RegistryAccessEntry[] = [];
  const breaches: PolicyBreaches = new Map();
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
    const breach = path && (await policyBreachOn(ctx, request, path.namespace, breaches));
    // A token outside the policy counts for nothing there: what anyone may do (pull a public
    // repository) stays, so a signed-in client is never worse off than an anonymous one.
    const asked = breach === undefined ? request : { ...request, subject: anonymous, creatorId: null };
    entries.push({
      type: 'repository',
      name: scope.name,
      actions: path ? await repositoryGrant(ctx, asked, scope, path, read) : [],
    });
  }
  assertNotOnlyRefusedByPolicy(entries, breaches);
  return entries;
}

/**
 * What the token policy of the organization owning `namespace` says of the request's token: no
 * read for a password, nor for a PAT in its owner's own namespace (never an organization).
 */
async function policyBreachOn(
  ctx: ServiceContext,
  request: GrantRequest,
  namespace: string,
  breaches: PolicyBreaches,
): Promise<string | undefined> {
  const facts = request.policyFacts;
  if (!facts) return undefined;
  const { subject } = request;
  if (subject.kind === 'account' && subject.username === namespace) return undefined;
  if (subject.kind === 'oat' && subject.orgName !== namespace) return undefined;
  if (!breaches.has(namespace)) {
    const policy = await findTokenPolicyOfNamespace(ctx.db, namespace);
    breaches.set(namespace, orgPolicyBreach(policy, facts));
  }
  return breaches.get(namespace);
}

/** @throws AppError REGISTRY_UNAUTHORIZED naming the policy when it alone left the request with nothing. */
function assertNotOnlyRefusedByPolicy(
  entries: readonly RegistryAccessEntry[],
  breaches: PolicyBreaches,
): void {
  const refused = [...breaches].find(([, breach]) => breach !== undefined);
  if (!refused) return;
  if (entries.some((entry) => entry.type === 'repository' && entry.actions.length > 0)) return;
  const [namespace, breach] = refused;
  throw new AppError(
    'REGISTRY_UNAUTHORIZED',
    `access token refused on ${namespace}'s repositories by the token policy of organization ${namespace}: ${breach}`,
  );
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

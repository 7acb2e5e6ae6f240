/**
 * Resources of fine-grained personal access tokens: the repositories a PAT may act on, in the
 * shape of organization token resources (PROTOCOLS.md §1, orgAccessToken) so clients and the
 * console speak of both alike. Paths: `namespace/repo`, `namespace/*` (every repository of the
 * namespace, nested names included), `*\/*\/public` (pull on public repositories anywhere). Scopes:
 * `scope-image-pull`, `scope-image-push`, `scope-image-delete`; push and delete each imply pull.
 *
 * A PAT without resources keeps its level's semantics. With resources, what it may do on a
 * repository is what they list ∩ its level ∩ its owner's current rights (core/repository-access.ts).
 */
import { AppError } from './errors.ts';
import type { RepositoryAction, RepositoryPath } from './repository-access.ts';
import { isRepositoryName } from './repository-name.ts';

export const patResourceScopes = ['scope-image-pull', 'scope-image-push', 'scope-image-delete'] as const;
export type PatResourceScope = (typeof patResourceScopes)[number];

export interface PatResource {
  type: 'TYPE_REPO';
  path: string;
  scopes: PatResourceScope[];
}

export const maxPatResources = 50;
/** `*\/*\/public`: pull on public repositories anywhere. */
export const publicReadPath = '*/*/public';

const actionOfScope = {
  'scope-image-pull': 'pull',
  'scope-image-push': 'push',
  'scope-image-delete': 'delete',
} as const satisfies Record<PatResourceScope, RepositoryAction>;

function invalid(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { fields: { resources: [message] } });
}

function isPatResourceScope(scope: string): scope is PatResourceScope {
  return (patResourceScopes as readonly string[]).includes(scope);
}

/**
 * The namespace a resource path names, or undefined for `*\/*\/public`.
 * @example resourceNamespace('acme/*') // 'acme'
 */
export function resourceNamespace(path: string): string | undefined {
  if (path === publicReadPath) return undefined;
  return path.slice(0, path.indexOf('/'));
}

/**
 * Checks and normalises requested resources: known type and scopes, a repository name or
 * `namespace/*`, at most {@link maxPatResources}. A path listed twice is one resource with the
 * scopes of both. Whether the owner may reach each namespace is the service's question.
 * @throws AppError VALIDATION_FAILED naming the bad path or scope.
 * @example parsePatResources([{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] }])
 */
export function parsePatResources(
  raw: ReadonlyArray<{ type?: string | undefined; path: string; scopes: readonly string[] }>,
): PatResource[] {
  const merged = new Map<string, Set<PatResourceScope>>();
  for (const resource of raw) {
    const path = resource.path.trim().toLowerCase();
    const type = resource.type ?? 'TYPE_REPO';
    if (type !== 'TYPE_REPO') {
      throw invalid(`unknown resource type ${type.slice(0, 32)}: personal tokens take TYPE_REPO only`);
    }
    if (resource.scopes.length === 0) throw invalid(`resource ${path.slice(0, 300)} has no scopes`);
    const unknown = resource.scopes.find((scope) => !isPatResourceScope(scope));
    if (unknown !== undefined) {
      throw invalid(`unknown repository scope ${unknown.slice(0, 64)} on ${path.slice(0, 300)}`);
    }
    if (path === publicReadPath) {
      if (resource.scopes.some((scope) => scope !== 'scope-image-pull')) {
        throw invalid(`${publicReadPath} allows only scope-image-pull`);
      }
    } else {
      const slash = path.indexOf('/');
      const name = path.slice(slash + 1);
      const namespaceOnly = slash > 0 && name === '*' && isRepositoryName(`${path.slice(0, slash)}/x`);
      if (slash <= 0 || (!namespaceOnly && !isRepositoryName(path))) {
        throw invalid(
          `invalid repository path ${path.slice(0, 300)}: use namespace/repository or namespace/*`,
        );
      }
    }
    const scopes = merged.get(path) ?? new Set<PatResourceScope>();
    for (const scope of resource.scopes as PatResourceScope[]) scopes.add(scope);
    merged.set(path, scopes);
  }
  if (merged.size > maxPatResources) {
    throw invalid(`at most ${maxPatResources} resources per token, got ${merged.size}`);
  }
  return [...merged].map(([path, scopes]) => ({
    type: 'TYPE_REPO',
    path,
    scopes: patResourceScopes.filter((scope) => scopes.has(scope)),
  }));
}

/**
 * The registry actions a PAT's resources list on one repository (before its level and its owner's
 * rights). Plain loops: this runs on every `/token` request of a fine-grained PAT.
 * @example
 *   patResourceActions([{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }],
 *     { namespace: 'acme', name: 'api' }, false) // Set { 'pull' }
 */
export function patResourceActions(
  resources: readonly PatResource[],
  path: RepositoryPath,
  isPublic: boolean,
): Set<RepositoryAction> {
  const actions = new Set<RepositoryAction>();
  const wholeNamespace = `${path.namespace}/*`;
  const repository = `${path.namespace}/${path.name}`;
  for (const resource of resources) {
    const matches =
      resource.path === publicReadPath
        ? isPublic
        : resource.path === repository || resource.path === wholeNamespace;
    if (!matches) continue;
    actions.add('pull');
    for (const scope of resource.scopes) actions.add(actionOfScope[scope]);
  }
  return actions;
}

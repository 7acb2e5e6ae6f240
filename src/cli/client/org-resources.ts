/**
 * The resources of an organization access token (PROTOCOLS.md §1, orgAccessToken) from the CLI's
 * flags, and back to short text for tables:
 * - `--repo acme/api:push`, `--repo web:pull` (below the organization), `--repo 'acme/*:pull'`
 *   → `{type: TYPE_REPO, path, scopes: [scope-image-push | scope-image-pull]}`;
 * - `--public-read` → `{type: TYPE_REPO, path: "*\/*\/public", scopes: [scope-image-pull]}`;
 * - `--scope member-read` (member, invite, group × read, edit) → one `TYPE_ORG` resource.
 */

import { InvalidArgumentError } from 'commander';
import type { OatResourceObject as OatResource } from '../../api/contract/access-tokens.contract.ts';

export const orgScopeNames = [
  'member-read',
  'member-edit',
  'invite-read',
  'invite-edit',
  'group-read',
  'group-edit',
] as const;

const publicPath = '*/*/public';

/** Checks `--repo PATH:pull|push` as it is parsed; the organization is applied later. */
export function parseRepoFlag(value: string): string {
  if (!/^[^:\s]+:(pull|push)$/.test(value)) {
    throw new InvalidArgumentError('Use REPOSITORY:pull or REPOSITORY:push, e.g. acme/api:push.');
  }
  return value;
}

export function parseOrgScopeFlag(value: string): string {
  if (!(orgScopeNames as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Choose one of ${orgScopeNames.join(', ')}.`);
  }
  return value;
}

export interface ResourceFlags {
  repo?: string[];
  publicRead?: boolean;
  scope?: string[];
}

export function hasResourceFlags(flags: ResourceFlags): boolean {
  return Boolean(flags.repo?.length || flags.publicRead || flags.scope?.length);
}

/** The API's resources for the flags; the same path twice merges its scopes. */
export function resourcesFromFlags(org: string, flags: ResourceFlags): OatResource[] {
  const repos = new Map<string, Set<string>>();
  const addRepo = (path: string, scope: string) => repos.set(path, (repos.get(path) ?? new Set()).add(scope));
  for (const spec of flags.repo ?? []) {
    const colon = spec.lastIndexOf(':');
    const name = spec.slice(0, colon);
    addRepo(name.includes('/') ? name : `${org}/${name}`, `scope-image-${spec.slice(colon + 1)}`);
  }
  if (flags.publicRead) addRepo(publicPath, 'scope-image-pull');
  const resources: OatResource[] = [...repos].map(([path, scopes]) => ({
    type: 'TYPE_REPO',
    path,
    scopes: [...scopes],
  }));
  if (flags.scope?.length) {
    resources.push({
      type: 'TYPE_ORG',
      path: org,
      scopes: [...new Set(flags.scope)].map((s) => `scope-${s}`),
    });
  }
  return resources;
}

/** `acme/api:push, public:pull, member-read` */
export function describeResources(resources: readonly OatResource[]): string {
  return resources
    .flatMap((resource) =>
      resource.type === 'TYPE_ORG'
        ? resource.scopes.map((scope) => scope.replace(/^scope-/, ''))
        : resource.scopes.map(
            (scope) =>
              `${resource.path === publicPath ? 'public' : resource.path}:${scope.replace(/^scope-image-/, '')}`,
          ),
    )
    .join(', ');
}

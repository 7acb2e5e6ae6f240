/**
 * Organization rules with no I/O: tiers and their OAT limits, roles, group permissions, and the
 * resources of organization access tokens (PROTOCOLS.md §1, "orgAccessToken").
 */
import { AppError } from './errors.ts';
import { isRepositoryName } from './repository-name.ts';

export const orgTiers = ['free', 'team', 'business'] as const;
export type OrgTier = (typeof orgTiers)[number];

/** How many OATs an organization may hold, expired and inactive ones counted until deleted. */
export const oatLimitByTier = { free: 0, team: 10, business: 100 } as const satisfies Record<OrgTier, number>;

export const orgRoles = ['owner', 'editor', 'member'] as const;
export type OrgRole = (typeof orgRoles)[number];

export interface Organization {
  id: string;
  /** Shares one space of names with usernames. */
  name: string;
  tier: OrgTier;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

/** A member as the member list shows it. */
export interface OrgMember {
  userId: string;
  username: string;
  email: string;
  role: OrgRole;
  /** When they joined. */
  createdAt: string;
}

export interface OrgGroup {
  id: string;
  /** Docker Hub's integer group id (`id` in its API; the uuid is `uuid` there). */
  number: number;
  orgId: string;
  name: string;
  description: string;
  createdAt: string;
}

/** An invite to an organization, with the names the API shows instead of ids. */
export interface OrgInvite {
  id: string;
  orgId: string;
  orgName: string;
  /** Username or email as the inviter typed it (lowercased). */
  invitee: string;
  /** Set when the invitee is (or became) a known user. */
  inviteeUserId: string | null;
  role: OrgRole;
  invitedBy: string | null;
  invitedByName: string | null;
  createdAt: string;
  /** The group (Docker Hub's team) the invitee joins on accepting; null for none. */
  groupId: string | null;
  groupName: string | null;
}

export const groupPermissions = ['read', 'write', 'admin'] as const;
export type GroupPermission = (typeof groupPermissions)[number];

/** 1 to 64 characters: lowercase letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const groupNamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function normalizeGroupName(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Registry actions a group permission gives on a repository. */
export const groupPermissionActions = {
  read: ['pull'],
  write: ['pull', 'push'],
  admin: ['pull', 'push', 'delete'],
} as const satisfies Record<GroupPermission, readonly string[]>;

export const repoScopes = ['scope-image-pull', 'scope-image-push'] as const;
export type RepoScope = (typeof repoScopes)[number];

export const orgScopes = [
  'scope-member-read',
  'scope-member-edit',
  'scope-invite-read',
  'scope-invite-edit',
  'scope-group-read',
  'scope-group-edit',
  'scope-activity-read',
] as const;
export type OrgScope = (typeof orgScopes)[number];

export type OatResource =
  | { type: 'TYPE_REPO'; path: string; scopes: RepoScope[] }
  | { type: 'TYPE_ORG'; path: string; scopes: OrgScope[] };

export const maxOatRepositories = 50;
/** `*\/*\/public`: pull on public repositories anywhere. */
export const publicRepositoriesPath = '*/*/public';

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { fields: { [field]: [message] } });
}

/**
 * Checks and normalises the resources of an OAT for organization `org`. A path listed twice is one
 * resource holding the scopes of both entries.
 * @throws AppError VALIDATION_FAILED naming the bad path or scope.
 */
export function parseOatResources(
  org: string,
  raw: ReadonlyArray<{ type: string; path: string; scopes: readonly string[] }>,
): OatResource[] {
  if (raw.length === 0) throw invalid('resources', 'at least one resource is required');
  const resources = new Map<string, OatResource>();
  for (const resource of raw) {
    const path = resource.path.trim();
    if (resource.scopes.length === 0) throw invalid('resources', `resource ${path} has no scopes`);
    if (resource.type === 'TYPE_REPO') {
      const scopes = [...new Set(resource.scopes)];
      const unknown = scopes.find((s) => !(repoScopes as readonly string[]).includes(s));
      if (unknown) throw invalid('resources', `unknown repository scope ${unknown} on ${path}`);
      if (path !== publicRepositoriesPath) {
        const slash = path.indexOf('/');
        const namespace = path.slice(0, slash);
        const name = path.slice(slash + 1);
        if (slash <= 0 || namespace !== org) {
          throw invalid('resources', `repository ${path} is outside the organization ${org}`);
        }
        if (name !== '*' && !isRepositoryName(path))
          throw invalid('resources', `invalid repository path ${path}`);
      } else if (scopes.includes('scope-image-push')) {
        throw invalid('resources', `${publicRepositoriesPath} allows only scope-image-pull`);
      }
      const earlier = resources.get(`repo:${path}`)?.scopes ?? [];
      const merged = [...new Set([...earlier, ...scopes])] as RepoScope[];
      resources.set(`repo:${path}`, { type: 'TYPE_REPO', path, scopes: merged });
    } else if (resource.type === 'TYPE_ORG') {
      if (path !== org) throw invalid('resources', `organization resource ${path} must be ${org}`);
      const scopes = [...new Set(resource.scopes)];
      const unknown = scopes.find((s) => !(orgScopes as readonly string[]).includes(s));
      if (unknown) throw invalid('resources', `unknown organization scope ${unknown}`);
      const earlier = resources.get(`org:${path}`)?.scopes ?? [];
      const merged = [...new Set([...earlier, ...scopes])] as OrgScope[];
      resources.set(`org:${path}`, { type: 'TYPE_ORG', path, scopes: merged });
    } else {
      throw invalid('resources', `unknown resource type ${resource.type}; use TYPE_REPO or TYPE_ORG`);
    }
  }
  const repoCount = [...resources.values()].filter((r) => r.type === 'TYPE_REPO').length;
  if (repoCount > maxOatRepositories) {
    throw invalid('resources', `at most ${maxOatRepositories} repositories per token, got ${repoCount}`);
  }
  return [...resources.values()];
}

/** Registry actions an OAT's resources give on `namespace/name` (never delete). */
export function oatRepositoryActions(
  org: string,
  resources: readonly OatResource[],
  namespace: string,
  name: string,
  isPublic: boolean,
): Set<'pull' | 'push'> {
  const actions = new Set<'pull' | 'push'>();
  for (const resource of resources) {
    if (resource.type !== 'TYPE_REPO') continue;
    const matches =
      resource.path === publicRepositoriesPath
        ? isPublic
        : namespace === org && (resource.path === `${org}/*` || resource.path === `${org}/${name}`);
    if (!matches) continue;
    actions.add('pull');
    if (resource.scopes.includes('scope-image-push')) actions.add('push');
  }
  return actions;
}

/** The organization scopes an OAT holds, each edit implying its read. */
export function oatOrgScopes(org: string, resources: readonly OatResource[]): Set<OrgScope> {
  const held = new Set<OrgScope>();
  for (const resource of resources) {
    if (resource.type !== 'TYPE_ORG' || resource.path !== org) continue;
    for (const scope of resource.scopes) {
      held.add(scope);
      if (scope.endsWith('-edit')) held.add(scope.replace('-edit', '-read') as OrgScope);
    }
  }
  return held;
}

/**
 * Who may grant, invite to, or take away the owner role: only a person (a password or personal
 * access token session of an owner), never an organization access token or a CI job, whatever
 * member or invite scopes it holds, so a leaked token cannot take the organization over.
 */
export function mayManageOwners(principalKind: 'password' | 'pat' | 'oat' | 'oidc'): boolean {
  return principalKind === 'password' || principalKind === 'pat';
}

export const ownerRoleRefusal =
  'only an owner signed in as a person can grant, invite to, or take away the owner role';

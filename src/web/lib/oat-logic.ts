/**
 * The organization access token form: what the repository picker and the organization scopes hold,
 * and how that becomes the API's `resources` list (PROTOCOLS.md §1, orgAccessToken) and back; the
 * order of the organization token list.
 */
import type { OatResource, OrgAccessToken } from '../api/types.ts';
import { compareDates, compareText, type SortDirection, stableSorted } from './token-list.ts';

export const publicRepositoriesPath = '*/*/public';
export const maxOatRepositories = 50;

export interface RepoGrant {
  /** `org/name` or `org/*`. */
  path: string;
  /** Pull is always granted; push implies pull. */
  push: boolean;
}

export type OrgScopeLevel = 'none' | 'read' | 'edit';
/** Each area is `scope-<key>-read` and `-edit`, except those that can only be read. */
export const orgScopeAreas = [
  { key: 'member', label: 'Members', help: 'See (read) or change (edit) who belongs to the organization.' },
  { key: 'invite', label: 'Invites', help: 'See or send and cancel invitations.' },
  { key: 'group', label: 'Groups', help: 'See or change groups and their repository permissions.' },
  { key: 'activity', label: 'Activity', help: "Read the organization's audit log.", readOnly: true },
] as const;
export type OrgScopeArea = (typeof orgScopeAreas)[number]['key'];

export interface OatDraft {
  repos: RepoGrant[];
  /** `*\/*\/public`: pull public repositories anywhere. */
  publicRead: boolean;
  org: Record<OrgScopeArea, OrgScopeLevel>;
}

export function emptyDraft(): OatDraft {
  return {
    repos: [],
    publicRead: false,
    org: { member: 'none', invite: 'none', group: 'none', activity: 'none' },
  };
}

const componentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * A typed repository path, completed with the organization: `api` → `acme/api`, `*` → `acme/*`.
 * Paths of another namespace are refused here, as the API would.
 */
export function normalizeRepoPath(
  org: string,
  input: string,
): { ok: true; path: string } | { ok: false; error: string } {
  const raw = input.trim().toLowerCase();
  if (raw === '') return { ok: false, error: 'Type a repository name.' };
  const path = raw.includes('/') ? raw : `${org}/${raw}`;
  const slash = path.indexOf('/');
  if (path.slice(0, slash) !== org) {
    return { ok: false, error: `Only repositories of ${org} can be added (${org}/name).` };
  }
  const name = path.slice(slash + 1);
  if (name === '*') return { ok: true, path };
  const valid = name.split('/').every((part) => componentPattern.test(part)) && path.length <= 255;
  if (!valid) {
    return {
      ok: false,
      error: 'Repository names use lowercase letters and digits, separated by ".", "_", "__" or "-".',
    };
  }
  return { ok: true, path };
}

/** Adds a repository once; adding it again keeps the first entry. */
export function addRepo(draft: OatDraft, path: string): OatDraft {
  if (draft.repos.some((repo) => repo.path === path)) return draft;
  return { ...draft, repos: [...draft.repos, { path, push: false }] };
}

export function resourcesFromDraft(org: string, draft: OatDraft): OatResource[] {
  const resources: OatResource[] = draft.repos.map((repo) => ({
    type: 'TYPE_REPO',
    path: repo.path,
    scopes: repo.push ? ['scope-image-pull', 'scope-image-push'] : ['scope-image-pull'],
  }));
  if (draft.publicRead) {
    resources.push({ type: 'TYPE_REPO', path: publicRepositoriesPath, scopes: ['scope-image-pull'] });
  }
  const orgScopes = orgScopeAreas
    .filter((area) => draft.org[area.key] !== 'none')
    .map((area) => `scope-${area.key}-${draft.org[area.key]}`);
  if (orgScopes.length > 0) resources.push({ type: 'TYPE_ORG', path: org, scopes: orgScopes });
  return resources;
}

export function draftFromResources(resources: readonly OatResource[]): OatDraft {
  const draft = emptyDraft();
  for (const resource of resources) {
    if (resource.type === 'TYPE_REPO' && resource.path === publicRepositoriesPath) {
      draft.publicRead = true;
    } else if (resource.type === 'TYPE_REPO') {
      draft.repos.push({ path: resource.path, push: resource.scopes.includes('scope-image-push') });
    } else if (resource.type === 'TYPE_ORG') {
      for (const area of orgScopeAreas) {
        if (resource.scopes.includes(`scope-${area.key}-edit`)) draft.org[area.key] = 'edit';
        else if (resource.scopes.includes(`scope-${area.key}-read`)) draft.org[area.key] = 'read';
      }
    }
  }
  return draft;
}

/** Why the draft cannot be sent yet, or undefined. */
export function draftProblem(draft: OatDraft): string | undefined {
  const hasOrgScope = Object.values(draft.org).some((level) => level !== 'none');
  if (draft.repos.length === 0 && !draft.publicRead && !hasOrgScope) {
    return 'Add at least one repository or permission.';
  }
  if (draft.repos.length > maxOatRepositories) {
    return `A token can name at most ${maxOatRepositories} repositories.`;
  }
  return undefined;
}

/** One line per resource for the token list: "acme/api: pull, push". */
export function describeResources(resources: readonly OatResource[]): string[] {
  return resources.map((resource) => {
    if (resource.type === 'TYPE_REPO') {
      const what = resource.path === publicRepositoriesPath ? 'Public repositories' : resource.path;
      return `${what}: ${resource.scopes.includes('scope-image-push') ? 'pull, push' : 'pull'}`;
    }
    const scopes = resource.scopes.map((scope) => scope.replace(/^scope-/, '').replace('-', ' '));
    return `Organization: ${scopes.join(', ')}`;
  });
}

/** "7 of 10 tokens"; free organizations have no tokens at all. */
export function tierLimitText(usage: { count: number; limit: number }): string {
  if (usage.limit === 0) return 'This organization’s tier includes no access tokens';
  return `${usage.count} of ${usage.limit} tokens`;
}

export type OatSortKey = 'label' | 'created_by' | 'status' | 'created' | 'last_used' | 'expires';
export const oatSortKeys: readonly OatSortKey[] = [
  'label',
  'created_by',
  'status',
  'created',
  'last_used',
  'expires',
];

/**
 * A sorted copy; ties keep the API's order (newest first). "Never expires" sorts as the latest
 * expiry and "never used" as the oldest use, in both directions.
 */
export function sortOrgTokens(
  tokens: readonly OrgAccessToken[],
  key: OatSortKey,
  direction: SortDirection,
): OrgAccessToken[] {
  const compare = (a: OrgAccessToken, b: OrgAccessToken): number => {
    switch (key) {
      case 'label':
        return compareText(a.label, b.label, direction);
      case 'created_by':
        return compareText(a.created_by, b.created_by, direction);
      case 'status':
        return compareText(a.status, b.status, direction);
      case 'created':
        return compareDates(a.created_at, b.created_at, direction, 'oldest');
      case 'last_used':
        return compareDates(a.last_used_at, b.last_used_at, direction, 'oldest');
      case 'expires':
        return compareDates(a.expires_at, b.expires_at, direction, 'latest');
    }
  };
  return stableSorted(tokens, compare);
}

/**
 * What the personal token form's restrictions hold — the repositories of a fine-grained token and
 * the networks it may be used from — and how they become the API's `resources` and
 * `allowed_cidrs` (docs/fine-grained-tokens.md). The server checks everything again.
 */
export const publicReadPath = '*/*/public';
export const maxPatRepositories = 50;
export const maxAllowedNetworks = 20;

export type RepoAction = 'pull' | 'push' | 'delete';

export interface PatRepoGrant {
  /** `namespace/name` or `namespace/*`. */
  path: string;
  action: RepoAction;
}

export interface PatRestrictions {
  repos: PatRepoGrant[];
  publicRead: boolean;
  /** One network per line, as typed. */
  networks: string;
}

export const noRestrictions: PatRestrictions = { repos: [], publicRead: false, networks: '' };

const pathPattern =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*\/(?:\*|[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)$/;

/** A typed repository as the API wants it, or what is wrong with it. */
export function normalizePatRepoPath(
  username: string,
  raw: string,
): { ok: true; path: string } | { ok: false; error: string } {
  const typed = raw.trim().toLowerCase();
  const path = typed.includes('/') ? typed : `${username}/${typed}`;
  if (typed === '' || !pathPattern.test(path)) {
    return { ok: false, error: 'Type namespace/repository (or namespace/* for all of a namespace).' };
  }
  return { ok: true, path };
}

/** The API's `resources` for the form: none when no repository is picked (a plain token). */
export function resourcesOf(restrictions: PatRestrictions) {
  const scope = { pull: 'scope-image-pull', push: 'scope-image-push', delete: 'scope-image-delete' } as const;
  const resources = restrictions.repos.map((repo) => ({
    type: 'TYPE_REPO',
    path: repo.path,
    scopes: [scope[repo.action]],
  }));
  if (restrictions.publicRead) {
    resources.push({ type: 'TYPE_REPO', path: publicReadPath, scopes: ['scope-image-pull'] });
  }
  return resources;
}

/** The typed networks, one per line or separated by commas or spaces. */
export function networksOf(restrictions: PatRestrictions): string[] {
  return restrictions.networks
    .split(/[\s,]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * The OIDC connection editor's logic, apart from React: the form's draft and the API body it
 * becomes, the checks made before sending, sample subjects for the preview, and the subject
 * pattern matcher. The matcher is the server's (core/oidc-rules.ts `globMatches`) written again,
 * because the console imports nothing from the server but contract types; a test keeps the two
 * in agreement.
 */
import type { OidcConnection, OidcRuleset } from '../api/types.ts';

/** Whose connections a page shows: an organization's, or the signed-in account's own. */
export type ConnectionOwner = { kind: 'org'; name: string } | { kind: 'user'; name: string };

export function connectionsPath(owner: ConnectionOwner): string {
  return owner.kind === 'org'
    ? `/v2/orgs/${encodeURIComponent(owner.name)}/oidc-connections`
    : '/v2/users/me/oidc-connections';
}

/** Where the console shows them. */
export function connectionsPage(owner: ConnectionOwner): string {
  return owner.kind === 'org' ? `/orgs/${encodeURIComponent(owner.name)}/oidc` : '/settings/oidc';
}

/** `*` is any run of characters, everything else itself (case-sensitive). */
export function globMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = v;
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export type RepoAction = 'pull' | 'push' | 'delete';

let lastRowKey = 0;
/** A key for a row of the editor (React needs one that survives removing the rows above it). */
export function rowKey(): string {
  lastRowKey += 1;
  return `row-${lastRowKey}`;
}

export interface ResourceDraft {
  key: string;
  /** Below the owner (`api`), or `*` for every repository. */
  repository: string;
  action: RepoAction;
}

export interface RulesetDraft {
  key: string;
  label: string;
  subject: string;
  claims: Array<{ key: string; name: string; pattern: string }>;
  resources: ResourceDraft[];
}

export interface ConnectionDraft {
  label: string;
  issuer: string;
  /** Empty: the server's public URL. */
  audience: string;
  ttlMinutes: string;
  singleUse: boolean;
  rulesets: RulesetDraft[];
}

export const issuerPresets = [
  { name: 'GitHub Actions', issuer: 'https://token.actions.githubusercontent.com' },
  { name: 'GitLab.com', issuer: 'https://gitlab.com' },
] as const;

export const maxRulesets = 5;

export function emptyRuleset(owner: ConnectionOwner): RulesetDraft {
  return {
    key: rowKey(),
    label: '',
    subject: `repo:${owner.name}/`,
    claims: [],
    resources: [{ key: rowKey(), repository: '', action: 'push' }],
  };
}

export function emptyDraft(owner: ConnectionOwner): ConnectionDraft {
  return {
    label: '',
    issuer: issuerPresets[0].issuer,
    audience: '',
    ttlMinutes: '15',
    singleUse: false,
    rulesets: [emptyRuleset(owner)],
  };
}

const actionOf: Record<string, RepoAction> = {
  'scope-image-pull': 'pull',
  'scope-image-push': 'push',
  'scope-image-delete': 'delete',
};

export function draftFromConnection(connection: OidcConnection): ConnectionDraft {
  const prefix = `${connection.owner}/`;
  return {
    label: connection.label,
    issuer: connection.issuer,
    audience: connection.audience,
    ttlMinutes: String(Math.round(connection.token_ttl_seconds / 60)),
    singleUse: connection.single_use,
    rulesets: connection.rulesets.map((ruleset) => ({
      key: rowKey(),
      label: ruleset.label ?? '',
      subject: ruleset.subject,
      claims: Object.entries(ruleset.claims ?? {}).map(([name, pattern]) => ({
        key: rowKey(),
        name,
        pattern,
      })),
      resources: ruleset.resources.flatMap((resource) =>
        resource.scopes.map((scope) => ({
          key: rowKey(),
          repository: resource.path.startsWith(prefix) ? resource.path.slice(prefix.length) : resource.path,
          action: actionOf[scope] ?? 'pull',
        })),
      ),
    })),
  };
}

/** The API's rulesets for the draft; a repository listed twice merges its scopes. */
export function rulesetsFromDraft(owner: ConnectionOwner, draft: ConnectionDraft): OidcRuleset[] {
  return draft.rulesets.map((ruleset) => {
    const scopes = new Map<string, Set<OidcRuleset['resources'][number]['scopes'][number]>>();
    for (const { repository, action } of ruleset.resources) {
      const path = `${owner.name}/${repository.trim()}`;
      scopes.set(path, (scopes.get(path) ?? new Set()).add(`scope-image-${action}`));
    }
    const claims = Object.fromEntries(
      ruleset.claims
        .filter((claim) => claim.name.trim() !== '')
        .map((claim) => [claim.name.trim(), claim.pattern.trim()]),
    );
    return {
      ...(ruleset.label.trim() ? { label: ruleset.label.trim() } : {}),
      subject: ruleset.subject.trim(),
      claims,
      resources: [...scopes].map(([path, set]) => ({ type: 'TYPE_REPO' as const, path, scopes: [...set] })),
    };
  });
}

/** The create or update body. */
export function bodyFromDraft(owner: ConnectionOwner, draft: ConnectionDraft): Record<string, unknown> {
  return {
    label: draft.label.trim(),
    issuer: draft.issuer.trim(),
    ...(draft.audience.trim() ? { audience: draft.audience.trim() } : {}),
    token_ttl_seconds: Math.round(Number(draft.ttlMinutes) * 60),
    single_use: draft.singleUse,
    rulesets: rulesetsFromDraft(owner, draft),
  };
}

/** What stops the draft from being sent, in words; undefined when it can go (the server checks again). */
export function draftProblem(draft: ConnectionDraft): string | undefined {
  if (draft.label.trim() === '') return 'Give the connection a label.';
  if (!/^https?:\/\/\S+$/.test(draft.issuer.trim()))
    return 'The issuer must be a URL such as https://gitlab.com.';
  const minutes = Number(draft.ttlMinutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) return 'Token lifetime: 1 to 60 minutes.';
  if (draft.rulesets.length === 0) return 'Add at least one ruleset.';
  for (const [index, ruleset] of draft.rulesets.entries()) {
    const name = ruleset.label.trim() || `Ruleset ${index + 1}`;
    const subject = ruleset.subject.trim();
    if (subject === '') return `${name}: give a subject pattern.`;
    if (subject.startsWith('*'))
      return `${name}: the subject pattern must start with a literal prefix, not *.`;
    if (ruleset.resources.length === 0) return `${name}: add at least one repository.`;
    if (ruleset.resources.some((resource) => resource.repository.trim() === '')) {
      return `${name}: name every repository (or * for all).`;
    }
  }
  return undefined;
}

/** Subjects to try a pattern on: what GitHub Actions and GitLab send for the owner's projects. */
export function sampleSubjects(owner: ConnectionOwner): string[] {
  const o = owner.name;
  return [
    `repo:${o}/api:ref:refs/heads/main`,
    `repo:${o}/api:ref:refs/heads/feature-x`,
    `repo:${o}/api:ref:refs/tags/v1.2.0`,
    `repo:${o}/api:pull_request`,
    `repo:${o}/api:environment:production`,
    `repo:${o}/web:ref:refs/heads/main`,
    `repo:someone-else/api:ref:refs/heads/main`,
    `project_path:${o}/api:ref_type:branch:ref:main`,
  ];
}

/** The samples (one per line) with whether the pattern matches each. */
export function previewSubjects(
  pattern: string,
  samples: string,
): Array<{ subject: string; matches: boolean }> {
  return samples
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((subject) => ({ subject, matches: globMatches(pattern.trim(), subject) }));
}

/** `acme/api: push; acme/web: pull` */
export function describeRulesetResources(ruleset: OidcRuleset): string {
  return ruleset.resources
    .map(
      (resource) =>
        `${resource.path}: ${resource.scopes.map((scope) => actionOf[scope] ?? scope).join(', ')}`,
    )
    .join('; ');
}

/**
 * OIDC connections with no I/O (docs/oidc.md): the connection and its rulesets, subject patterns,
 * what a ruleset grants, and which rulesets an identity token's claims match.
 *
 * A connection belongs to an organization or to a user and grants only in the owner's namespace:
 * for an organization at most what an organization access token could (pull, push), for a user
 * also delete. When several rulesets match, their resources are merged.
 */
import { AppError, fieldError } from './errors.ts';
import { maxOatRepositories } from './organization-rules.ts';
import type { RepositoryAction, RepositoryPath } from './repository-access.ts';
import { isRepositoryName } from './repository-name.ts';

export const maxRulesetsPerConnection = 5;
export const maxClaimConditionsPerRuleset = 10;
/** Connections an account or organization may hold, inactive ones counted. */
export const maxConnectionsPerOwner = 25;
export const connectionLabelMaxLength = 100;
export const patternMaxLength = 256;
export const audienceMaxLength = 255;
export const issuerMaxLength = 255;
/** Largest issuer document (discovery or key set) tokenhub reads; GitHub's key set is about 2 KiB. */
export const maxIssuerDocumentBytes = 256 * 1024;
/** Largest identity token accepted; CI tokens are 1-2 KiB. */
export const maxIdTokenBytes = 16 * 1024;

/** Lifetime of an exchanged `thub_oidc_…` token, in seconds. */
export const oidcTokenLifetime = { defaultSeconds: 900, minSeconds: 60, maxSeconds: 3600 } as const;

/** Asymmetric JWS algorithms only: a token signed with a shared secret (HS*) or none is refused. */
export const oidcSigningAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

/** Claims the token check itself decides on; a ruleset may not add conditions on them. */
export const reservedClaims: readonly string[] = ['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub'];
const claimNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

export type OidcRepoScope = 'scope-image-pull' | 'scope-image-push' | 'scope-image-delete';
const scopeActions: Record<OidcRepoScope, readonly RepositoryAction[]> = {
  'scope-image-pull': ['pull'],
  'scope-image-push': ['pull', 'push'],
  'scope-image-delete': ['pull', 'delete'],
};

/** A repository (`ns/name`) or every repository of the namespace (`ns/*`), with its scopes. */
export interface OidcResource {
  type: 'TYPE_REPO';
  path: string;
  scopes: OidcRepoScope[];
}

/** Who owns a connection: its namespace is the only one it grants in. */
export interface OidcOwner {
  kind: 'user' | 'org';
  id: string;
  name: string;
}

export interface OidcRuleset {
  label: string;
  /** Pattern on `sub`: `*` stands for any run of characters, everything else is literal. */
  subject: string;
  /** Further claims by name, each an exact value or a pattern. */
  claims: Record<string, string>;
  resources: OidcResource[];
}

export interface OidcConnection {
  id: string;
  ownerKind: 'user' | 'org';
  ownerId: string;
  label: string;
  /** Compared with `iss` exactly. */
  issuer: string;
  /** One of the token's `aud` values must equal it. */
  audience: string;
  tokenTtlSeconds: number;
  /** Each token (by `jti`) is accepted once. */
  singleUse: boolean;
  isActive: boolean;
  rulesets: OidcRuleset[];
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
}

/** A connection as the management routes show it: with its creator's username. */
export type OidcConnectionView = OidcConnection & { ownerName: string; creatorName: string | null };

/**
 * What an accepted identity token stands for: an exchanged `thub_oidc_…` token (`origin:
 * exchange`, stored as a hash) or the identity token itself used as a password at `/token`
 * (`origin: id-token`, never stored).
 */
export interface OidcGrant {
  id: string;
  origin: 'exchange' | 'id-token';
  connectionId: string;
  connectionLabel: string;
  ownerKind: 'user' | 'org';
  ownerId: string;
  /** The identity token's `sub`. */
  subject: string;
  resources: OidcResource[];
  createdAt: string;
  expiresAt: string;
}

/** One refused attempt, as the failure log shows it. */
export interface OidcFailure {
  id: string;
  connectionId: string;
  createdAt: string;
  /** Why, in words ("no ruleset matched sub `repo:acme/api:pull_request`"). */
  reason: string;
  /** The token's `sub` when it could be read; unverified unless the signature was checked. */
  subject: string | null;
  ip: string;
  userAgent: string;
}

/**
 * True when `value` matches `pattern`, where `*` matches any run of characters (`:` and `/`
 * included) and every other character matches itself, case-sensitively. Linear in practice: one
 * backtracking point (the last `*`), so no input makes it explode.
 * @example globMatches('repo:acme/*', 'repo:acme/api:ref:refs/heads/main') // true
 */
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

type RawResource = { type: string; path: string; scopes: readonly string[] };
export type RawRuleset = {
  label?: string | undefined;
  subject: string;
  claims?: Record<string, string> | undefined;
  resources: readonly RawResource[];
};

function scopesFor(owner: OidcOwner): readonly OidcRepoScope[] {
  return owner.kind === 'user'
    ? ['scope-image-pull', 'scope-image-push', 'scope-image-delete']
    : ['scope-image-pull', 'scope-image-push'];
}

function checkPattern(field: string, pattern: string): string {
  const trimmed = pattern.trim();
  if (trimmed.length === 0) throw fieldError(field, `${field} must not be empty`);
  if (trimmed.length > patternMaxLength) {
    throw fieldError(field, `${field} must be at most ${patternMaxLength} characters`);
  }
  return trimmed;
}

/**
 * Checks a subject pattern. It must start with a literal character: a pattern that starts with
 * `*` would let any job of a shared issuer (every GitHub repository) match.
 */
function checkSubjectPattern(field: string, pattern: string): string {
  const checked = checkPattern(field, pattern);
  if (checked.startsWith('*')) {
    throw fieldError(field, `${field} must start with a literal prefix such as repo:<owner>/, not with *`);
  }
  return checked;
}

/**
 * Checks and merges the resources of one ruleset: repositories of the owner's namespace only.
 * @throws AppError VALIDATION_FAILED naming the bad path or scope.
 */
export function parseOidcResources(
  owner: OidcOwner,
  field: string,
  raw: readonly RawResource[],
): OidcResource[] {
  if (raw.length === 0) throw fieldError(field, `${field}: at least one resource is required`);
  const allowed = scopesFor(owner);
  const merged = new Map<string, Set<OidcRepoScope>>();
  for (const resource of raw) {
    const path = resource.path.trim();
    if (resource.type !== 'TYPE_REPO') {
      throw fieldError(field, `${field}: unknown resource type ${resource.type}; use TYPE_REPO`);
    }
    if (resource.scopes.length === 0) throw fieldError(field, `${field}: resource ${path} has no scopes`);
    const unknown = resource.scopes.find((s) => !(allowed as readonly string[]).includes(s));
    if (unknown) {
      throw fieldError(
        field,
        `${field}: scope ${unknown} is not allowed on ${path}; use ${allowed.join(', ')}`,
      );
    }
    const slash = path.indexOf('/');
    if (slash <= 0 || path.slice(0, slash) !== owner.name) {
      throw fieldError(field, `${field}: repository ${path} is outside the namespace ${owner.name}`);
    }
    const name = path.slice(slash + 1);
    if (name !== '*' && !isRepositoryName(path)) {
      throw fieldError(field, `${field}: invalid repository path ${path}`);
    }
    const scopes = merged.get(path) ?? new Set<OidcRepoScope>();
    for (const scope of resource.scopes) scopes.add(scope as OidcRepoScope);
    merged.set(path, scopes);
  }
  if (merged.size > maxOatRepositories) {
    throw fieldError(field, `${field}: at most ${maxOatRepositories} repositories, got ${merged.size}`);
  }
  return [...merged].map(([path, scopes]) => ({ type: 'TYPE_REPO', path, scopes: [...scopes].sort() }));
}

/**
 * Checks 1 to {@link maxRulesetsPerConnection} rulesets for a connection of `owner`.
 * @throws AppError VALIDATION_FAILED naming the ruleset and field (`rulesets[1].subject`).
 */
export function parseRulesets(owner: OidcOwner, raw: readonly RawRuleset[]): OidcRuleset[] {
  if (raw.length === 0) throw fieldError('rulesets', 'at least one ruleset is required');
  if (raw.length > maxRulesetsPerConnection) {
    throw fieldError('rulesets', `at most ${maxRulesetsPerConnection} rulesets per connection`);
  }
  return raw.map((ruleset, index) => {
    const at = `rulesets[${index}]`;
    const label = (ruleset.label ?? '').trim() || `ruleset ${index + 1}`;
    if ([...label].length > connectionLabelMaxLength) {
      throw fieldError(`${at}.label`, `${at}.label must be at most ${connectionLabelMaxLength} characters`);
    }
    const entries = Object.entries(ruleset.claims ?? {});
    if (entries.length > maxClaimConditionsPerRuleset) {
      throw fieldError(
        `${at}.claims`,
        `at most ${maxClaimConditionsPerRuleset} claim conditions per ruleset`,
      );
    }
    const claims: Record<string, string> = {};
    for (const [name, pattern] of entries) {
      if (!claimNamePattern.test(name)) throw fieldError(`${at}.claims`, `invalid claim name ${name}`);
      if (reservedClaims.includes(name)) {
        throw fieldError(
          `${at}.claims`,
          `a condition on ${name} is not allowed: ${name === 'sub' ? 'use subject' : 'the token check decides on it'}`,
        );
      }
      claims[name] = checkPattern(`${at}.claims.${name}`, pattern);
    }
    return {
      label,
      subject: checkSubjectPattern(`${at}.subject`, ruleset.subject),
      claims,
      resources: parseOidcResources(owner, `${at}.resources`, ruleset.resources),
    };
  });
}

/** A claim as rules compare it: strings, numbers and booleans as text; anything else never matches. */
function claimText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The first condition of `ruleset` that `claims` fail, in words; undefined when all hold. */
export function rulesetMismatch(ruleset: OidcRuleset, claims: Record<string, unknown>): string | undefined {
  const sub = claimText(claims.sub) ?? '';
  if (!globMatches(ruleset.subject, sub)) return `sub \`${sub}\` does not match \`${ruleset.subject}\``;
  for (const [name, pattern] of Object.entries(ruleset.claims)) {
    const value = claimText(claims[name]);
    if (value === undefined) return `claim ${name} is missing or not a string`;
    if (!globMatches(pattern, value)) return `${name} \`${value}\` does not match \`${pattern}\``;
  }
  return undefined;
}

/** Every ruleset the claims match, and their resources merged (a path's scopes united). */
export function matchRulesets(
  rulesets: readonly OidcRuleset[],
  claims: Record<string, unknown>,
): { matched: OidcRuleset[]; resources: OidcResource[] } {
  const matched = rulesets.filter((ruleset) => rulesetMismatch(ruleset, claims) === undefined);
  return { matched, resources: mergeResources(matched.flatMap((ruleset) => ruleset.resources)) };
}

export function mergeResources(resources: readonly OidcResource[]): OidcResource[] {
  const merged = new Map<string, Set<OidcRepoScope>>();
  for (const resource of resources) {
    const scopes = merged.get(resource.path) ?? new Set<OidcRepoScope>();
    for (const scope of resource.scopes) scopes.add(scope);
    merged.set(resource.path, scopes);
  }
  return [...merged].map(([path, scopes]) => ({ type: 'TYPE_REPO', path, scopes: [...scopes].sort() }));
}

/**
 * Registry actions an OIDC grant gives on a repository: what its resources list in the owner's
 * namespace, and pull on a public repository (which anyone may pull anyway).
 */
export function oidcRepositoryActions(
  namespace: string,
  resources: readonly OidcResource[],
  path: RepositoryPath,
  isPublic: boolean,
): Set<RepositoryAction> {
  const actions = new Set<RepositoryAction>(isPublic ? ['pull'] : []);
  if (path.namespace !== namespace) return actions;
  for (const resource of resources) {
    if (resource.path !== `${namespace}/*` && resource.path !== `${namespace}/${path.name}`) continue;
    for (const scope of resource.scopes) for (const action of scopeActions[scope]) actions.add(action);
  }
  return actions;
}

/** Thrown by checks that refuse an identity token; `reason` goes to the failure log and the client. */
export function refusal(reason: string): AppError {
  return new AppError('OIDC_TOKEN_REFUSED', reason);
}

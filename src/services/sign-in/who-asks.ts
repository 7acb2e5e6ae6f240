/**
 * Who asks, in one place. A checked credential is a `Principal`: a password (a user), a personal
 * access token with its user, an organization access token with its organization, or a token from
 * an OIDC connection (exchanged, or the CI's identity token itself) with the connection's owner,
 * user or organization. Hub sessions
 * and registry refresh tokens resolve to the same type, so every door speaks of callers alike, and
 * from a principal come, here and nowhere else:
 *   - the account it acts as (`principalAccount`), whose log and rights apply;
 *   - the permission subject of the repository rules (`accessSubjectOf`), and what the token
 *     policies look at (`policyFactsOf`);
 *   - the actor an audit event names (`auditActorOf`) and the user recorded as a creator
 *     (`creatorIdOf`);
 *   - the key of per-principal limits (`principalKey`).
 */
import type { OrgAccessToken, PersonalAccessToken } from '../../core/access-token-rules.ts';
import { highestPatScope, type PatScope } from '../../core/access-token-scopes.ts';
import type { User } from '../../core/account-rules.ts';
import type { OidcGrant } from '../../core/oidc-rules.ts';
import type { Organization } from '../../core/organization-rules.ts';
import type { AccessSubject } from '../../core/repository-access.ts';
import type { PolicyFacts } from '../../core/token-policy.ts';
import type { AuditAccount, AuditActor } from '../shared/audit.service.ts';

export type Principal =
  /** `sessionId`: the server-side session (account-session.service.ts) the JWT names, if any. */
  | { kind: 'password'; user: User; sessionId?: string }
  | { kind: 'pat'; user: User; token: PersonalAccessToken }
  | { kind: 'oat'; org: Organization; token: OrgAccessToken }
  | { kind: 'oidc'; owner: OidcPrincipalOwner; token: OidcGrant };

export type OidcPrincipal = Extract<Principal, { kind: 'oidc' }>;

/** The owner of an OIDC connection, whose namespace its tokens act in. */
export type OidcPrincipalOwner = { kind: 'user'; user: User } | { kind: 'org'; org: Organization };

export type PrincipalKind = Principal['kind'];

/** The account a principal acts as: the user, or the organization of an organization token. */
export function principalAccount(principal: Principal): AuditAccount {
  if (principal.kind === 'oidc') {
    const { owner } = principal;
    return owner.kind === 'org'
      ? { id: owner.org.id, name: owner.org.name }
      : { id: owner.user.id, name: owner.user.username };
  }
  return principal.kind === 'oat'
    ? { id: principal.org.id, name: principal.org.name }
    : { id: principal.user.id, name: principal.user.username };
}

/** The user a principal is, for a password or a PAT; undefined for an organization or OIDC token. */
export function principalUser(principal: Principal): User | undefined {
  return principal.kind === 'password' || principal.kind === 'pat' ? principal.user : undefined;
}

/** The level of a personal access token principal; undefined for a password (no cap) or an OAT. */
export function patScopeOf(principal: Principal): PatScope | undefined {
  return principal.kind === 'pat' ? highestPatScope(principal.token.scopes) : undefined;
}

/**
 * The permission subject of the repository rules (core/repository-access.ts): anonymous without a
 * principal; the account, capped by its token's level when a PAT is the credential; an OAT with its
 * resources; an OIDC token with the resources of the rulesets that matched, in its owner's namespace.
 */
export function accessSubjectOf(principal: Principal | undefined): AccessSubject {
  if (!principal) return { kind: 'anonymous' };
  if (principal.kind === 'oidc') {
    return {
      kind: 'oidc',
      namespace: principalAccount(principal).name,
      resources: principal.token.resources,
    };
  }
  if (principal.kind === 'oat') {
    return { kind: 'oat', orgName: principal.org.name, resources: principal.token.resources };
  }
  const { id: userId, username, isAdmin } = principal.user;
  const patScope = patScopeOf(principal);
  if (patScope === undefined) return { kind: 'account', userId, username, isAdmin };
  const resources = principal.kind === 'pat' ? principal.token.resources : [];
  return resources.length === 0
    ? { kind: 'account', userId, username, isAdmin, patScope }
    : { kind: 'account', userId, username, isAdmin, patScope, patResources: resources };
}

/**
 * What the token policies (core/token-policy.ts) look at of a principal's token: undefined for a
 * password, an OIDC token or nobody, to whom no token policy applies.
 */
export function policyFactsOf(principal: Principal | undefined): PolicyFacts | undefined {
  if (!principal || principal.kind === 'password' || principal.kind === 'oidc') return undefined;
  const { token } = principal;
  return {
    kind: token.kind,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt,
    fineGrained: token.kind === 'pat' && token.resources.length > 0,
  };
}

/**
 * The actor an audit event names: the user, an organization token by its label, or an OIDC token by
 * the CI job's subject (no user).
 */
export function auditActorOf(principal: Principal): AuditActor {
  if (principal.kind === 'oidc') return { id: null, name: principal.token.subject };
  return principal.kind === 'oat'
    ? { id: null, name: principal.token.label }
    : { id: principal.user.id, name: principal.user.username };
}

/**
 * The user recorded as the creator of what a principal makes (for an OAT, the owner who made the
 * token; nobody for a CI job signed in through an OIDC connection).
 */
export function creatorIdOf(principal: Principal | undefined): string | null {
  if (!principal || principal.kind === 'oidc') return null;
  return principal.kind === 'oat' ? principal.token.createdBy : principal.user.id;
}

/**
 * `user:<id>` for a password or PAT, `oat:<token id>` for an OAT (its own bucket, not its
 * organization's), `oidc:<token id>` for an OIDC token.
 */
export function principalKey(principal: Principal): string {
  if (principal.kind === 'oidc') return `oidc:${principal.token.id}`;
  return principal.kind === 'oat' ? `oat:${principal.token.id}` : `user:${principal.user.id}`;
}

/**
 * Who asks, in one place. A checked credential is a `Principal`: a password (a user), a personal
 * access token with its user, or an organization access token with its organization. Hub sessions
 * and registry refresh tokens resolve to the same type, so every door speaks of callers alike, and
 * from a principal come, here and nowhere else:
 *   - the account it acts as (`principalAccount`), whose log and rights apply;
 *   - the permission subject of the repository rules (`accessSubjectOf`);
 *   - the actor an audit event names (`auditActorOf`) and the user recorded as a creator
 *     (`creatorIdOf`);
 *   - the key of per-principal limits (`principalKey`).
 */
import type { OrgAccessToken, PersonalAccessToken } from '../../core/access-token-rules.ts';
import { highestPatScope, type PatScope } from '../../core/access-token-scopes.ts';
import type { User } from '../../core/account-rules.ts';
import type { Organization } from '../../core/organization-rules.ts';
import type { AccessSubject } from '../../core/repository-access.ts';
import type { AuditAccount, AuditActor } from '../shared/audit.service.ts';

export type Principal =
  | { kind: 'password'; user: User }
  | { kind: 'pat'; user: User; token: PersonalAccessToken }
  | { kind: 'oat'; org: Organization; token: OrgAccessToken };

export type PrincipalKind = Principal['kind'];

/** The account a principal acts as: the user, or the organization of an organization token. */
export function principalAccount(principal: Principal): AuditAccount {
  return principal.kind === 'oat'
    ? { id: principal.org.id, name: principal.org.name }
    : { id: principal.user.id, name: principal.user.username };
}

/** The level of a personal access token principal; undefined for a password (no cap) or an OAT. */
export function patScopeOf(principal: Principal): PatScope | undefined {
  return principal.kind === 'pat' ? highestPatScope(principal.token.scopes) : undefined;
}

/**
 * The permission subject of the repository rules (core/repository-access.ts): anonymous without a
 * principal; the account, capped by its token's level when a PAT is the credential; an OAT with its
 * resources.
 */
export function accessSubjectOf(principal: Principal | undefined): AccessSubject {
  if (!principal) return { kind: 'anonymous' };
  if (principal.kind === 'oat') {
    return { kind: 'oat', orgName: principal.org.name, resources: principal.token.resources };
  }
  const { id: userId, username, isAdmin } = principal.user;
  const patScope = patScopeOf(principal);
  return patScope === undefined
    ? { kind: 'account', userId, username, isAdmin }
    : { kind: 'account', userId, username, isAdmin, patScope };
}

/** The actor an audit event names: the user, or an organization token by its label (no user). */
export function auditActorOf(principal: Principal): AuditActor {
  return principal.kind === 'oat'
    ? { id: null, name: principal.token.label }
    : { id: principal.user.id, name: principal.user.username };
}

/** The user recorded as the creator of what a principal makes (for an OAT, the owner who made the token). */
export function creatorIdOf(principal: Principal | undefined): string | null {
  if (!principal) return null;
  return principal.kind === 'oat' ? principal.token.createdBy : principal.user.id;
}

/** `user:<id>` for a password or PAT, `oat:<token id>` for an OAT (its own bucket, not its organization's). */
export function principalKey(principal: Principal): string {
  return principal.kind === 'oat' ? `oat:${principal.token.id}` : `user:${principal.user.id}`;
}

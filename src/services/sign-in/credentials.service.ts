/**
 * One credential check for every door (Hub login, registry `/token`): a username with either the
 * account password or one of the account's tokens as the secret, or an organization name with one
 * of its tokens. The result is a `Principal` (who-asks.ts).
 *
 * Order of checks for a token (ARCHITECTURE.md, "Hot path"): format and checksum (no I/O) →
 * SHA-256 → one indexed read → owner, active, expiry. Error messages never tell whether a username
 * exists; "token expired" or "token is inactive" is said only once the secret itself matched its
 * owner.
 */

import { type AccessToken, tokenStatus } from '../../core/access-token-rules.ts';
import { normalizeUsername, type User } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import type { RepositoryLookup, RepositoryPath } from '../../core/repository-access.ts';
import { hashTokenSecret, looksLikeTokenSecret, parseTokenSecret } from '../../core/token-secret.ts';
import { findTokenById } from '../../storage/access-token.repository.ts';
import { findOrganizationById } from '../../storage/organization.repository.ts';
import { findTokenWithOwnerByHash } from '../../storage/token-credential.repository.ts';
import { findUserById } from '../../storage/user.repository.ts';
import { checkPassword } from '../accounts/account.service.ts';
import { type AuditAccount, recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { assertAddressAllowed, assertWithinInstancePolicy } from '../tokens/token-use-rules.ts';
import { authenticateOidcToken } from './oidc-token-credential.ts';
import { isTwoFactorEnabled } from './two-factor.service.ts';
import { type Principal, principalAccount } from './who-asks.ts';

/** A checked credential, and the repository read with its token when one was asked for. */
export interface Authenticated {
  principal: Principal;
  /** Set when `alsoRead` was given and the credential was a token. */
  alsoRead?: RepositoryLookup;
}

/**
 * Re-checks, for a session or refresh token that named it, that a token still belongs to `ownerId`
 * and is usable, and returns the principal it stands for.
 * @returns undefined when the token or its owner is gone or it was moved to another owner.
 * @throws AppError TOKEN_EXPIRED, TOKEN_INACTIVE.
 */
export async function reloadTokenPrincipal(
  ctx: ServiceContext,
  tokenId: string,
  ownerId: string,
  meta: RequestMeta | undefined,
): Promise<Principal | undefined> {
  const token = await findTokenById(ctx.db, tokenId);
  if (!token || token.ownerId !== ownerId) return undefined;
  let principal: Principal | undefined;
  if (token.kind === 'oat') {
    const org = await findOrganizationById(ctx.db, ownerId);
    principal = org && { kind: 'oat', org, token };
  } else {
    const user = await findUserById(ctx.db, ownerId);
    principal = user && { kind: 'pat', user, token };
  }
  if (!principal) return undefined;
  if (meta) await assertTokenUsable(ctx, token, principalAccount(principal), meta);
  else if (tokenStatus(token, ctx.clock.now()) !== 'active') return undefined;
  return principal;
}

/**
 * A correct password of an account with two-factor sign-in on: only the Hub login routes may go on
 * (with a second step); every other door refuses it and asks for a token.
 */
export class SecondFactorRequired extends AppError {
  readonly user: User;
  constructor(user: User) {
    super('TWO_FACTOR_REQUIRED');
    this.user = user;
  }
}

/** Expired-token uses are audited at most once an hour per token, so a retrying CI job cannot flood the log. */
const expiredUseReportedAt = new Map<string, number>();
const expiredUseReportIntervalMs = 3_600_000;

async function auditExpiredUse(
  ctx: ServiceContext,
  token: AccessToken,
  owner: AuditAccount,
  meta: RequestMeta,
): Promise<void> {
  const now = ctx.clock.now().getTime();
  if (now - (expiredUseReportedAt.get(token.id) ?? Number.NEGATIVE_INFINITY) < expiredUseReportIntervalMs)
    return;
  if (expiredUseReportedAt.size > 10_000) expiredUseReportedAt.clear();
  expiredUseReportedAt.set(token.id, now);
  await recordAudit(ctx, {
    account: owner,
    action: token.kind === 'oat' ? 'org.access_token.expired_use' : 'account.access_token.expired_use',
    name: token.label,
    actor: { id: null, name: token.label },
    meta,
    data: { uuid: token.id, expires_at: token.expiresAt },
  });
}

/**
 * Refuses an expired (audited) or inactive token, one used from outside its allowed networks
 * (audited) or outside the instance's lifetime cap, and records the use of a usable one
 * (buffered). Call only once the secret is known to belong to the claimed owner.
 * @throws AppError TOKEN_EXPIRED, TOKEN_INACTIVE, TOKEN_ADDRESS_REFUSED, TOKEN_POLICY_REFUSED.
 */
export async function assertTokenUsable(
  ctx: ServiceContext,
  token: AccessToken,
  owner: AuditAccount,
  meta: RequestMeta,
): Promise<void> {
  const now = ctx.clock.now();
  const status = tokenStatus(token, now);
  if (status === 'expired') {
    await auditExpiredUse(ctx, token, owner, meta);
    throw new AppError('TOKEN_EXPIRED');
  }
  if (status === 'inactive') throw new AppError('TOKEN_INACTIVE');
  await assertAddressAllowed(ctx, token, owner, meta);
  assertWithinInstancePolicy(ctx, token);
  ctx.lastUsed.record({ tokenId: token.id, at: now.toISOString(), ip: meta.ip, userAgent: meta.userAgent });
}

/**
 * Authenticates `identifier` with `secret`: a username with its password or one of its PATs, an
 * organization name with one of its OATs (Docker Hub: "login name = organization"), or either with
 * a token exchanged at one of its OIDC connections.
 * @param options.alsoRead a repository to read with the token (one round trip on PostgreSQL),
 *   returned as `alsoRead`; not read for a password.
 * @throws AppError INVALID_CREDENTIALS, TOKEN_EXPIRED, TOKEN_INACTIVE; SecondFactorRequired.
 */
export async function authenticateCredentials(
  ctx: ServiceContext,
  identifier: string,
  secret: string,
  meta: RequestMeta,
  options: { alsoRead?: RepositoryPath } = {},
): Promise<Authenticated> {
  const username = normalizeUsername(identifier);
  if (looksLikeTokenSecret(ctx.config.tokenPrefix, secret)) {
    const kind = parseTokenSecret(ctx.config.tokenPrefix, secret);
    if (!kind) throw new AppError('INVALID_CREDENTIALS');
    if (kind === 'oidc') return { principal: await authenticateOidcToken(ctx, username, secret) };
    // The token and its owner in one read (storage/token-credential.repository.ts).
    const found = await findTokenWithOwnerByHash(ctx.db, hashTokenSecret(secret), options.alsoRead);
    if (!found) throw new AppError('INVALID_CREDENTIALS');
    const { token, owner, alsoRead } = found;
    let principal: Principal;
    if (token.kind === 'oat') {
      const org = owner?.kind === 'org' ? owner.org : undefined;
      if (!org || org.name !== username) throw new AppError('INVALID_CREDENTIALS');
      principal = { kind: 'oat', org, token };
    } else {
      const user = owner?.kind === 'user' ? owner.user : undefined;
      if (!user || user.username !== username) throw new AppError('INVALID_CREDENTIALS');
      principal = { kind: 'pat', user, token };
    }
    await assertTokenUsable(ctx, token, principalAccount(principal), meta);
    return alsoRead ? { principal, alsoRead } : { principal };
  }
  const user = await checkPassword(ctx, username, secret);
  if (!user) throw new AppError('INVALID_CREDENTIALS');
  if (await isTwoFactorEnabled(ctx, user.id)) throw new SecondFactorRequired(user);
  return { principal: { kind: 'password', user } };
}

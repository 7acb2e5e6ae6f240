/**
 * One credential check for every door (Hub login, registry `/token`): a username with either the
 * account password or one of the account's tokens as the secret.
 *
 * Order of checks for a token (ARCHITECTURE.md, "Hot path"): format and checksum (no I/O) →
 * SHA-256 → one indexed read → owner, active, expiry. Error messages never tell whether a username
 * exists; "token expired" or "token is inactive" is said only once the secret itself matched its
 * owner.
 */

import { tokenStatus } from '../../core/access-token-rules.ts';
import { normalizeUsername } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import type { RepositoryPath } from '../../core/repository-access.ts';
import { hashTokenSecret, looksLikeTokenSecret, parseTokenSecret } from '../../core/token-secret.ts';
import {
  type AccessTokenRow,
  findTokenByHash,
  findTokenById,
} from '../../storage/access-token.repository.ts';
import { findOrganizationById, type OrganizationRow } from '../../storage/organization.repository.ts';
import { findTokenWithOwnerByHash, type RepositoryRead } from '../../storage/token-credential.repository.ts';
import { findUserById, type UserRow } from '../../storage/user.repository.ts';
import { checkPassword } from '../accounts/account.service.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { isTwoFactorEnabled } from './two-factor.service.ts';

/**
 * `repository`: the repository asked for with `alsoRead`, read with the token (the registry token
 * endpoint's grant needs it next).
 */
export type AuthenticatedCredential =
  | { method: 'password'; user: UserRow }
  | { method: 'pat'; user: UserRow; token: AccessTokenRow; repository?: RepositoryRead }
  | { method: 'oat'; org: OrganizationRow; token: AccessTokenRow; repository?: RepositoryRead };

/** Who a credential acts as: the user, or the organization for an OAT. */
export function credentialOwner(credential: AuthenticatedCredential): { id: string; name: string } {
  return credential.method === 'oat'
    ? { id: credential.org.id, name: credential.org.name }
    : { id: credential.user.id, name: credential.user.username };
}

/**
 * Re-checks, for a session or refresh token that named it, that a token still belongs to `ownerId`
 * and is usable, and returns the credential it stands for.
 * @returns undefined when the token or its owner is gone or it was moved to another owner.
 * @throws AppError TOKEN_EXPIRED, TOKEN_INACTIVE.
 */
export async function reloadTokenCredential(
  ctx: ServiceContext,
  tokenId: string,
  ownerId: string,
  meta: RequestMeta | undefined,
): Promise<AuthenticatedCredential | undefined> {
  const token = await findTokenById(ctx.db, tokenId);
  if (!token || token.owner_id !== ownerId) return undefined;
  let credential: AuthenticatedCredential | undefined;
  if (token.kind === 'oat') {
    const org = await findOrganizationById(ctx.db, ownerId);
    credential = org && { method: 'oat', org, token };
  } else {
    const user = await findUserById(ctx.db, ownerId);
    credential = user && { method: 'pat', user, token };
  }
  if (!credential) return undefined;
  if (meta) await assertTokenUsable(ctx, token, credentialOwner(credential), meta);
  else if (tokenStatus(token, ctx.clock.now()) !== 'active') return undefined;
  return credential;
}

/**
 * A correct password of an account with two-factor sign-in on: only the Hub login routes may go on
 * (with a second step); every other door refuses it and asks for a token.
 */
export class SecondFactorRequired extends AppError {
  readonly user: UserRow;
  constructor(user: UserRow) {
    super('TWO_FACTOR_REQUIRED');
    this.user = user;
  }
}

/**
 * Finds the token a secret stands for: format and checksum first (no I/O), then one indexed read.
 * @throws AppError INVALID_CREDENTIALS when the secret is malformed, unknown or deleted.
 */
export async function findTokenBySecret(ctx: ServiceContext, secret: string): Promise<AccessTokenRow> {
  if (!parseTokenSecret(ctx.config.tokenPrefix, secret)) throw new AppError('INVALID_CREDENTIALS');
  const token = await findTokenByHash(ctx.db, hashTokenSecret(secret));
  if (!token) throw new AppError('INVALID_CREDENTIALS');
  return token;
}

/** Expired-token uses are audited at most once an hour per token, so a retrying CI job cannot flood the log. */
const expiredUseReportedAt = new Map<string, number>();
const expiredUseReportIntervalMs = 3_600_000;

async function auditExpiredUse(
  ctx: ServiceContext,
  token: AccessTokenRow,
  owner: { id: string; name: string },
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
    data: { uuid: token.id, expires_at: token.expires_at },
  });
}

/**
 * Refuses an expired (audited) or inactive token, and records the use of a usable one (buffered).
 * Call only once the secret is known to belong to the claimed owner.
 * @throws AppError TOKEN_EXPIRED, TOKEN_INACTIVE.
 */
export async function assertTokenUsable(
  ctx: ServiceContext,
  token: AccessTokenRow,
  owner: { id: string; name: string },
  meta: RequestMeta,
): Promise<void> {
  const now = ctx.clock.now();
  const status = tokenStatus(token, now);
  if (status === 'expired') {
    await auditExpiredUse(ctx, token, owner, meta);
    throw new AppError('TOKEN_EXPIRED');
  }
  if (status === 'inactive') throw new AppError('TOKEN_INACTIVE');
  ctx.lastUsed.record({ tokenId: token.id, at: now.toISOString(), ip: meta.ip, userAgent: meta.userAgent });
}

/**
 * Authenticates `identifier` with `secret`: a username with its password or one of its PATs, or an
 * organization name with one of its OATs (Docker Hub: "login name = organization").
 * @param options.alsoRead a repository to read with the token (one round trip on PostgreSQL),
 *   returned as the credential's `repository`; not read for a password.
 * @throws AppError INVALID_CREDENTIALS, TOKEN_EXPIRED, TOKEN_INACTIVE.
 */
export async function authenticateCredentials(
  ctx: ServiceContext,
  identifier: string,
  secret: string,
  meta: RequestMeta,
  options: { alsoRead?: RepositoryPath } = {},
): Promise<AuthenticatedCredential> {
  const username = normalizeUsername(identifier);
  if (looksLikeTokenSecret(ctx.config.tokenPrefix, secret)) {
    if (!parseTokenSecret(ctx.config.tokenPrefix, secret)) throw new AppError('INVALID_CREDENTIALS');
    // The token and its owner in one read (storage/token-credential.repository.ts).
    const found = await findTokenWithOwnerByHash(ctx.db, hashTokenSecret(secret), options.alsoRead);
    if (!found) throw new AppError('INVALID_CREDENTIALS');
    const { token, owner, repository } = found;
    if (token.kind === 'oat') {
      const org = owner?.kind === 'org' ? owner.org : undefined;
      if (!org || org.name !== username) throw new AppError('INVALID_CREDENTIALS');
      await assertTokenUsable(ctx, token, { id: org.id, name: org.name }, meta);
      return { method: 'oat', org, token, ...(repository && { repository }) };
    }
    const user = owner?.kind === 'user' ? owner.user : undefined;
    if (!user || user.username !== username) throw new AppError('INVALID_CREDENTIALS');
    await assertTokenUsable(ctx, token, { id: user.id, name: user.username }, meta);
    return { method: 'pat', user, token, ...(repository && { repository }) };
  }
  const user = await checkPassword(ctx, username, secret);
  if (!user) throw new AppError('INVALID_CREDENTIALS');
  if (await isTwoFactorEnabled(ctx, user.id)) throw new SecondFactorRequired(user);
  return { method: 'password', user };
}

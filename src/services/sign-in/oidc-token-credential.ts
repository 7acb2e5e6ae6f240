/**
 * A `thub_oidc_…` token (exchanged at an OIDC connection, docs/oidc.md) as a credential: the
 * password of `docker login <registry> -u <owner>` and of `POST /v2/auth/token`. Read with its
 * connection and owner in one query; refused once it expired, or at once when its connection was
 * deactivated or deleted. Uses are not recorded per request: the exchange was audited.
 */
import { AppError } from '../../core/errors.ts';
import { hashTokenSecret } from '../../core/token-secret.ts';
import {
  findOidcTokenWithOwnerByHash,
  findOidcTokenWithOwnerById,
  type OidcTokenWithOwner,
} from '../../storage/oidc-token.repository.ts';
import type { ServiceContext } from '../shared/context.ts';
import { type Principal, principalAccount } from './who-asks.ts';

function principalOf(found: OidcTokenWithOwner): Principal | undefined {
  return found.owner && { kind: 'oidc', owner: found.owner, token: found.grant };
}

/**
 * Call only with a secret whose checksum says it is an `oidc` token of this instance.
 * @throws AppError INVALID_CREDENTIALS (unknown, or another owner's), TOKEN_EXPIRED, TOKEN_INACTIVE.
 */
export async function authenticateOidcToken(
  ctx: ServiceContext,
  username: string,
  secret: string,
): Promise<Principal> {
  const found = await findOidcTokenWithOwnerByHash(ctx.db, hashTokenSecret(secret));
  const principal = found && principalOf(found);
  if (!found || !principal || principalAccount(principal).name !== username) {
    throw new AppError('INVALID_CREDENTIALS');
  }
  if (Date.parse(found.grant.expiresAt) <= ctx.clock.now().getTime()) {
    throw new AppError('TOKEN_EXPIRED', 'token expired: exchange a new identity token');
  }
  if (!found.connectionActive) {
    throw new AppError('TOKEN_INACTIVE', `OIDC connection ${found.grant.connectionLabel} is inactive`);
  }
  return principal;
}

/**
 * Re-checks, for a Hub session or refresh token that named it, that an exchanged token still
 * belongs to `ownerId`, is unexpired and its connection active.
 * @returns undefined otherwise.
 */
export async function reloadOidcPrincipal(
  ctx: ServiceContext,
  tokenId: string,
  ownerId: string,
): Promise<Principal | undefined> {
  const found = await findOidcTokenWithOwnerById(ctx.db, tokenId);
  if (!found || found.grant.ownerId !== ownerId || !found.connectionActive) return undefined;
  if (Date.parse(found.grant.expiresAt) <= ctx.clock.now().getTime()) return undefined;
  return principalOf(found);
}

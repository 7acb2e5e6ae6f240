/**
 * Refresh tokens of the registry's OAuth form (`POST /token` with `access_type=offline`, then
 * `grant_type=refresh_token`). A refresh token is an HS256 JWT (the Hub session secret, its own
 * audience) that names the account and, when it came from a PAT, that PAT. Every refresh re-checks
 * them: deleting or deactivating the PAT, or changing the password, revokes the refresh token.
 * Lifetime: `refreshTtlDays`, never past the PAT's own expiry.
 */
import { AppError } from '../core/errors.ts';
import type { RequestMeta, ServiceContext } from '../services/shared/context.ts';
import type { CredentialJwts } from '../services/sign-in/credential-jwt.ts';
import { isTwoFactorEnabled } from '../services/sign-in/two-factor.service.ts';
import type { Principal } from '../services/sign-in/who-asks.ts';

const audience = 'tokenhub-registry-refresh';
export const refreshTtlDays = 90;

export class RegistryRefreshTokens {
  readonly #ctx: ServiceContext;
  readonly #jwts: CredentialJwts;

  constructor(ctx: ServiceContext, jwts: CredentialJwts) {
    this.#ctx = ctx;
    this.#jwts = jwts;
  }

  async issue(principal: Principal): Promise<string> {
    const iat = Math.floor(this.#ctx.clock.now().getTime() / 1000);
    let exp = iat + refreshTtlDays * 86_400;
    if (principal.kind !== 'password' && principal.token.expiresAt) {
      exp = Math.min(exp, Math.floor(Date.parse(principal.token.expiresAt) / 1000));
    }
    return this.#jwts.issue(principal, audience, exp);
  }

  /**
   * @returns the credential the refresh token stands for, re-checked now.
   * @throws AppError INVALID_CREDENTIALS (bad, expired or revoked refresh token), TOKEN_EXPIRED, TOKEN_INACTIVE.
   */
  async redeem(refreshToken: string, meta: RequestMeta): Promise<Principal> {
    const resolved = await this.#jwts.resolve(refreshToken, audience, meta);
    if (resolved.status === 'invalid') {
      throw new AppError('INVALID_CREDENTIALS', 'the refresh token is invalid or expired');
    }
    const principal = resolved.status === 'ok' ? resolved.principal : undefined;
    // A password refresh token stops working once two-factor sign-in is on: tokens only.
    const passwordBlocked =
      principal?.kind === 'password' && (await isTwoFactorEnabled(this.#ctx, principal.user.id));
    if (!principal || passwordBlocked)
      throw new AppError('INVALID_CREDENTIALS', 'the refresh token was revoked');
    return principal;
  }
}

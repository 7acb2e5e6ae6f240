/**
 * Refresh tokens of the registry's OAuth form (`POST /token` with `access_type=offline`, then
 * `grant_type=refresh_token`). A refresh token is an HS256 JWT (the Hub session secret, its own
 * audience) that names the account and, when it came from a PAT, that PAT. Every refresh re-checks
 * them: deleting or deactivating the PAT, or changing the password, revokes the refresh token.
 * Lifetime: `refreshTtlDays`, never past the PAT's own expiry.
 */
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { findUserById } from '../storage/user.repository.ts';
import type { RequestMeta, ServiceContext } from './context.ts';
import {
  type AuthenticatedCredential,
  credentialOwner,
  reloadTokenCredential,
} from './credentials.service.ts';

const audience = 'tokenhub-registry-refresh';
const issuer = 'tokenhub';
export const refreshTtlDays = 90;

export class RegistryRefreshTokens {
  readonly #ctx: ServiceContext;
  readonly #secret: Uint8Array;

  constructor(ctx: ServiceContext, secret: Uint8Array) {
    this.#ctx = ctx;
    this.#secret = secret;
  }

  async issue(credential: AuthenticatedCredential): Promise<string> {
    const now = this.#ctx.clock.now();
    const iat = Math.floor(now.getTime() / 1000);
    let exp = iat + refreshTtlDays * 86_400;
    if (credential.method !== 'password' && credential.token.expires_at) {
      exp = Math.min(exp, Math.floor(Date.parse(credential.token.expires_at) / 1000));
    }
    return new SignJWT({
      auth: credential.method,
      iat_ms: now.getTime(),
      ...(credential.method === 'password' ? {} : { tid: credential.token.id }),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(credentialOwner(credential).id)
      .setJti(newId())
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.#secret);
  }

  /**
   * @returns the credential the refresh token stands for, re-checked now.
   * @throws AppError INVALID_CREDENTIALS (bad, expired or revoked refresh token), TOKEN_EXPIRED, TOKEN_INACTIVE.
   */
  async redeem(refreshToken: string, meta: RequestMeta): Promise<AuthenticatedCredential> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(refreshToken, this.#secret, {
        algorithms: ['HS256'],
        issuer,
        audience,
        currentDate: this.#ctx.clock.now(),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) {
        throw new AppError('INVALID_CREDENTIALS', 'the refresh token is invalid or expired', {
          cause: error,
        });
      }
      throw error;
    }
    const revoked = new AppError('INVALID_CREDENTIALS', 'the refresh token was revoked');
    const subject = typeof payload.sub === 'string' ? payload.sub : '';
    if (payload.auth === 'password') {
      const user = await findUserById(this.#ctx.db, subject);
      const issuedAtMs = typeof payload.iat_ms === 'number' ? payload.iat_ms : 0;
      if (!user || (user.sessions_valid_after && issuedAtMs < Date.parse(user.sessions_valid_after)))
        throw revoked;
      return { method: 'password', user };
    }
    const credential =
      typeof payload.tid === 'string'
        ? await reloadTokenCredential(this.#ctx, payload.tid, subject, meta)
        : undefined;
    if (!credential) throw revoked;
    return credential;
  }
}

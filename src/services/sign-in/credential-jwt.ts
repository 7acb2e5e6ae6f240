/**
 * JWTs that stand for an authenticated credential: Hub sessions and registry refresh tokens. HS256
 * with the server secret kept in the store; each kind has its own audience so one is never accepted
 * as the other. The JWT names the account (or organization) and, when a token was the credential,
 * that token, or the server-side password session (`sid`); resolving one re-checks them now, so
 * revoking a token or a session, or changing the password, ends every JWT that came from it.
 */
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { newId } from '../../core/ids.ts';
import { findUserById } from '../../storage/user.repository.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { isAccountSessionLive } from './account-session.service.ts';
import { reloadTokenPrincipal } from './credentials.service.ts';
import { reloadOidcPrincipal } from './oidc-token-credential.ts';
import { type Principal, principalAccount } from './who-asks.ts';

const issuer = 'tokenhub';

export type ResolvedCredential =
  | { status: 'ok'; principal: Principal }
  /** Bad signature, wrong audience, expired, malformed. */
  | { status: 'invalid' }
  /** Well-formed, but its account or token is gone, inactive, or the password changed since. */
  | { status: 'revoked' };

export class CredentialJwts {
  readonly #ctx: ServiceContext;
  readonly #secret: Uint8Array;

  constructor(ctx: ServiceContext, secret: Uint8Array) {
    this.#ctx = ctx;
    this.#secret = secret;
  }

  /** @param expiresAt Unix seconds. */
  async issue(principal: Principal, audience: string, expiresAt: number): Promise<string> {
    const now = this.#ctx.clock.now();
    const owner = principalAccount(principal);
    return new SignJWT({
      username: owner.name,
      auth: principal.kind,
      iat_ms: now.getTime(),
      ...(principal.kind === 'password'
        ? principal.sessionId
          ? { sid: principal.sessionId }
          : {}
        : { tid: principal.token.id }),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(owner.id)
      .setJti(newId())
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(expiresAt)
      .sign(this.#secret);
  }

  /**
   * Verifies `jwt` for `audience` and reloads its credential. With `meta`, a token credential's use
   * is recorded and an expired or inactive token throws TOKEN_EXPIRED / TOKEN_INACTIVE; without it,
   * such a token counts as revoked.
   */
  async resolve(jwt: string, audience: string, meta?: RequestMeta): Promise<ResolvedCredential> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, this.#secret, {
        algorithms: ['HS256'],
        issuer,
        audience,
        currentDate: this.#ctx.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return { status: 'invalid' };
      throw error;
    }
    const subject = typeof payload.sub === 'string' ? payload.sub : '';
    if (payload.auth === 'password') {
      const user = await findUserById(this.#ctx.db, subject);
      const issuedAtMs = typeof payload.iat_ms === 'number' ? payload.iat_ms : 0;
      if (!user || (user.sessionsValidAfter && issuedAtMs < Date.parse(user.sessionsValidAfter))) {
        return { status: 'revoked' };
      }
      // A JWT of a server-side session lives only as long as that session (signed out, revoked).
      const sessionId = typeof payload.sid === 'string' ? payload.sid : undefined;
      if (sessionId === undefined) return { status: 'ok', principal: { kind: 'password', user } };
      if (!(await isAccountSessionLive(this.#ctx, user, sessionId))) return { status: 'revoked' };
      return { status: 'ok', principal: { kind: 'password', user, sessionId } };
    }
    const tokenId = typeof payload.tid === 'string' ? payload.tid : undefined;
    const principal =
      tokenId === undefined
        ? undefined
        : payload.auth === 'oidc'
          ? await reloadOidcPrincipal(this.#ctx, tokenId, subject)
          : await reloadTokenPrincipal(this.#ctx, tokenId, subject, meta);
    return principal ? { status: 'ok', principal } : { status: 'revoked' };
  }
}

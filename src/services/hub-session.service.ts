/**
 * Hub API sessions: the JWT that `POST /v2/users/login` and `POST /v2/auth/token` answer and that
 * the Hub API accepts as `Authorization: Bearer`. HS256 with a secret kept in the store (so every
 * process accepts every other's sessions), lifetime `hubJwtTtlSeconds`.
 *
 * The JWT records how it was obtained (`auth`: password or pat). Each request re-checks the
 * account (password changes end older sessions) and, for a PAT-derived session, that the PAT is
 * still active and unexpired, so revoking a PAT also ends what it opened.
 */
import { randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { highestPatScope, type PatScope } from '../core/access-token-scopes.ts';
import { AppError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { OatResource } from '../core/organization-rules.ts';
import type { Db } from '../storage/database.ts';
import type { OrganizationRow } from '../storage/organization.repository.ts';
import { insertServerKey, listLiveServerKeys } from '../storage/server-key.repository.ts';
import { findUserById, type UserRow } from '../storage/user.repository.ts';
import type { ServiceContext } from './context.ts';
import {
  type AuthenticatedCredential,
  credentialOwner,
  reloadTokenCredential,
} from './credentials.service.ts';

const sessionIssuer = 'tokenhub';
const sessionAudience = 'tokenhub-hub-api';

export type HubPrincipal =
  | { kind: 'password'; user: UserRow }
  | { kind: 'pat'; user: UserRow; tokenId: string; scope: PatScope }
  | { kind: 'oat'; org: OrganizationRow; tokenId: string; resources: OatResource[] };

export type PrincipalKind = HubPrincipal['kind'];

/** Loads the session secret, creating it on the very first start (race-safe across processes). */
export async function loadHubSessionSecret(db: Db, now: Date): Promise<Uint8Array> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [key] = await listLiveServerKeys(db, 'hub-session');
    if (key) return Buffer.from(key.private_key, 'base64');
    await insertServerKey(db, {
      id: newId(),
      purpose: 'hub-session',
      state: 'active',
      private_key: randomBytes(32).toString('base64'),
      certificate: null,
      key_id: null,
      created_at: now.toISOString(),
      activated_at: now.toISOString(),
      retired_at: null,
    });
  }
  throw new Error('could not create the hub session secret');
}

export class HubSessions {
  readonly #secret: Uint8Array;
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext, secret: Uint8Array) {
    this.#ctx = ctx;
    this.#secret = secret;
  }

  /** Signs a session for a just-authenticated credential. */
  async issue(credential: AuthenticatedCredential): Promise<string> {
    const now = this.#ctx.clock.now();
    const iat = Math.floor(now.getTime() / 1000);
    const owner = credentialOwner(credential);
    return new SignJWT({
      username: owner.name,
      auth: credential.method,
      iat_ms: now.getTime(),
      ...(credential.method === 'password' ? {} : { tid: credential.token.id }),
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(sessionIssuer)
      .setAudience(sessionAudience)
      .setSubject(owner.id)
      .setJti(newId())
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.#ctx.config.hubJwtTtlSeconds)
      .sign(this.#secret);
  }

  /**
   * Verifies a bearer JWT and returns who it stands for.
   * @throws AppError SESSION_INVALID on any problem (bad signature, expired, revoked).
   */
  async verify(jwt: string): Promise<HubPrincipal> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, this.#secret, {
        algorithms: ['HS256'],
        issuer: sessionIssuer,
        audience: sessionAudience,
        currentDate: this.#ctx.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError)
        throw new AppError('SESSION_INVALID', undefined, { cause: error });
      throw error;
    }
    const subject = typeof payload.sub === 'string' ? payload.sub : '';
    if (payload.auth === 'password') {
      const user = await findUserById(this.#ctx.db, subject);
      const issuedAtMs = typeof payload.iat_ms === 'number' ? payload.iat_ms : 0;
      if (!user || (user.sessions_valid_after && issuedAtMs < Date.parse(user.sessions_valid_after))) {
        throw new AppError('SESSION_INVALID');
      }
      return { kind: 'password', user };
    }
    // A token-derived session lives only as long as its token is active.
    const credential =
      typeof payload.tid === 'string'
        ? await reloadTokenCredential(this.#ctx, payload.tid, subject, undefined)
        : undefined;
    if (credential?.method === 'pat') {
      const scope = highestPatScope(JSON.parse(credential.token.scopes));
      return { kind: 'pat', user: credential.user, tokenId: credential.token.id, scope };
    }
    if (credential?.method === 'oat') {
      const resources = JSON.parse(credential.token.scopes) as OatResource[];
      return { kind: 'oat', org: credential.org, tokenId: credential.token.id, resources };
    }
    throw new AppError('SESSION_INVALID');
  }
}

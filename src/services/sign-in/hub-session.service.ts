/**
 * Hub API sessions: the JWT that `POST /v2/users/login` and `POST /v2/auth/token` answer and that
 * the Hub API accepts as `Authorization: Bearer`. HS256 with a secret kept in the store (so every
 * process accepts every other's sessions), lifetime `hubJwtTtlSeconds`.
 *
 * The JWT records how it was obtained (`auth`: password or pat). Each request re-checks the
 * account (password changes end older sessions) and, for a PAT-derived session, that the PAT is
 * still active and unexpired, so revoking a PAT also ends what it opened, and that the caller's
 * address is within the token's allowed networks.
 */

import type { User } from '../../core/account-rules.ts';
import type { AccountSessionKind } from '../../core/account-session.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { randomKey } from '../../core/random.ts';
import type { Db } from '../../storage/database.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { ensureActiveServerKey } from '../shared/server-keys.ts';
import { assertAddressAllowed } from '../tokens/token-use-rules.ts';
import { openAccountSession } from './account-session.service.ts';
import type { CredentialJwts } from './credential-jwt.ts';
import { type Principal, principalAccount } from './who-asks.ts';

const sessionAudience = 'tokenhub-hub-api';

/** Loads the session secret (stored sealed), creating it on the very first start (race-safe across processes). */
export async function loadHubSessionSecret(db: Db, now: Date, secretKey: Buffer): Promise<Uint8Array> {
  const key = await ensureActiveServerKey(
    db,
    'hub-session',
    async () => ({
      id: newId(),
      purpose: 'hub-session',
      state: 'active',
      privateKey: randomKey(32).toString('base64'),
      certificate: null,
      keyId: null,
      createdAt: now.toISOString(),
      activatedAt: now.toISOString(),
      retiredAt: null,
    }),
    secretKey,
  );
  return Buffer.from(key.privateKey, 'base64');
}

export class HubSessions {
  readonly #jwts: CredentialJwts;
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext, jwts: CredentialJwts) {
    this.#ctx = ctx;
    this.#jwts = jwts;
  }

  /** Signs a session for a just-authenticated principal, valid `hubJwtTtlSeconds` unless told otherwise. */
  async issue(principal: Principal, ttlSeconds = this.#ctx.config.hubJwtTtlSeconds): Promise<string> {
    const iat = Math.floor(this.#ctx.clock.now().getTime() / 1000);
    return this.#jwts.issue(principal, sessionAudience, iat + ttlSeconds);
  }

  /**
   * Opens a server-side session for a password sign-in (listed, revocable) and signs its first JWT.
   * Other principals (tokens) get a JWT only: their token is what can be revoked.
   */
  async start(
    principal: Principal,
    input: { kind: AccountSessionKind; meta: RequestMeta; ttlSeconds?: number },
  ): Promise<string> {
    const ttlSeconds = input.ttlSeconds ?? this.#ctx.config.hubJwtTtlSeconds;
    if (principal.kind !== 'password') return this.issue(principal, ttlSeconds);
    const { session } = await openAccountSession(this.#ctx, principal.user, {
      kind: input.kind,
      ttlSeconds,
      meta: input.meta,
    });
    return this.issue({ ...principal, sessionId: session.id }, ttlSeconds);
  }

  /**
   * The session a JWT names, when it is valid and of a server-side password session; undefined
   * otherwise (for sign-out, which must work with any cookie).
   */
  async sessionOf(jwt: string): Promise<{ user: User; sessionId: string } | undefined> {
    const resolved = await this.#jwts.resolve(jwt, sessionAudience);
    if (resolved.status !== 'ok' || resolved.principal.kind !== 'password') return undefined;
    const { user, sessionId } = resolved.principal;
    return sessionId ? { user, sessionId } : undefined;
  }

  /**
   * Verifies a bearer JWT and returns who it stands for. A session made from an access token with
   * allowed networks is held to them at every request, from whatever address it was made.
   * @throws AppError SESSION_INVALID on any problem (bad signature, expired, revoked);
   *   TOKEN_ADDRESS_REFUSED (audited) when `meta.ip` is outside the token's allowed networks.
   */
  async verify(jwt: string, meta: RequestMeta): Promise<Principal> {
    const resolved = await this.#jwts.resolve(jwt, sessionAudience);
    if (resolved.status !== 'ok') throw new AppError('SESSION_INVALID');
    const { principal } = resolved;
    if (principal.kind === 'pat' || principal.kind === 'oat') {
      await assertAddressAllowed(this.#ctx, principal.token, principalAccount(principal), meta);
    }
    return principal;
  }
}

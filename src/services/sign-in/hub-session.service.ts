/**
 * Hub API sessions: the JWT that `POST /v2/users/login` and `POST /v2/auth/token` answer and that
 * the Hub API accepts as `Authorization: Bearer`. HS256 with a secret kept in the store (so every
 * process accepts every other's sessions), lifetime `hubJwtTtlSeconds`.
 *
 * The JWT records how it was obtained (`auth`: password or pat). Each request re-checks the
 * account (password changes end older sessions) and, for a PAT-derived session, that the PAT is
 * still active and unexpired, so revoking a PAT also ends what it opened.
 */
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { randomKey } from '../../core/random.ts';
import type { Db } from '../../storage/database.ts';
import type { ServiceContext } from '../shared/context.ts';
import { ensureActiveServerKey } from '../shared/server-keys.ts';
import type { CredentialJwts } from './credential-jwt.ts';
import type { Principal } from './who-asks.ts';

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
   * Verifies a bearer JWT and returns who it stands for.
   * @throws AppError SESSION_INVALID on any problem (bad signature, expired, revoked).
   */
  async verify(jwt: string): Promise<Principal> {
    const resolved = await this.#jwts.resolve(jwt, sessionAudience);
    if (resolved.status !== 'ok') throw new AppError('SESSION_INVALID');
    return resolved.principal;
  }
}

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
import { highestPatScope, type PatScope } from '../../core/access-token-scopes.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { OatResource } from '../../core/organization-rules.ts';
import type { Db } from '../../storage/database.ts';
import type { OrganizationRow } from '../../storage/organization.repository.ts';
import { insertServerKey, listLiveServerKeys } from '../../storage/server-key.repository.ts';
import type { UserRow } from '../../storage/user.repository.ts';
import type { ServiceContext } from '../shared/context.ts';
import type { CredentialJwts } from './credential-jwt.ts';
import type { AuthenticatedCredential } from './credentials.service.ts';

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
  readonly #jwts: CredentialJwts;
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext, jwts: CredentialJwts) {
    this.#ctx = ctx;
    this.#jwts = jwts;
  }

  /** Signs a session for a just-authenticated credential, valid `hubJwtTtlSeconds` unless told otherwise. */
  async issue(
    credential: AuthenticatedCredential,
    ttlSeconds = this.#ctx.config.hubJwtTtlSeconds,
  ): Promise<string> {
    const iat = Math.floor(this.#ctx.clock.now().getTime() / 1000);
    return this.#jwts.issue(credential, sessionAudience, iat + ttlSeconds);
  }

  /**
   * Verifies a bearer JWT and returns who it stands for.
   * @throws AppError SESSION_INVALID on any problem (bad signature, expired, revoked).
   */
  async verify(jwt: string): Promise<HubPrincipal> {
    const resolved = await this.#jwts.resolve(jwt, sessionAudience);
    if (resolved.status !== 'ok') throw new AppError('SESSION_INVALID');
    const { credential } = resolved;
    switch (credential.method) {
      case 'password':
        return { kind: 'password', user: credential.user };
      case 'pat': {
        const scope = highestPatScope(JSON.parse(credential.token.scopes));
        return { kind: 'pat', user: credential.user, tokenId: credential.token.id, scope };
      }
      case 'oat': {
        const resources = JSON.parse(credential.token.scopes) as OatResource[];
        return { kind: 'oat', org: credential.org, tokenId: credential.token.id, resources };
      }
      default:
        throw new AppError('SESSION_INVALID');
    }
  }
}

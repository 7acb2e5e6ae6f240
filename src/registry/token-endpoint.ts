/**
 * The registry token endpoint's protocol (PROTOCOLS.md §2), HTTP aside. Every request is a short
 * list of steps, each a method here; the route (api/routes/registry-token.routes.ts) only reads
 * the request, applies the sign-in limits and writes the answer:
 *
 *   check the service → parse the scopes (ahead of the credential, so the first repository they
 *   name is read with the token) → authenticate (Basic or the OAuth password grant, a refresh
 *   token, or anonymous; a CI identity token as the password goes to the owner's OIDC
 *   connections) → resolve the grant → sign
 *
 * Errors are `REGISTRY_*` codes, which the api layer renders as the registry body docker and
 * skopeo show.
 */
import { normalizeUsername } from '../core/account-rules.ts';
import { AppError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { type RepositoryPath, splitRepositoryName } from '../core/repository-access.ts';
import { looksLikeJwt } from '../services/oidc/id-token-check.ts';
import type { OidcExchange } from '../services/oidc/oidc-exchange.service.ts';
import type { RequestMeta, ServiceContext } from '../services/shared/context.ts';
import {
  type Authenticated,
  authenticateCredentials,
  SecondFactorRequired,
} from '../services/sign-in/credentials.service.ts';
import {
  accessSubjectOf,
  creatorIdOf,
  type Principal,
  policyFactsOf,
  principalAccount,
} from '../services/sign-in/who-asks.ts';
import { resolveGrants } from './grant.ts';
import type { RegistryRefreshTokens } from './refresh-tokens.service.ts';
import { parseScopes, type RegistryScope } from './scope.ts';
import type { RegistrySigner } from './signing-keys.service.ts';

/** More scopes than any client sends (a cross-repository mount sends two). */
export const maxScopesPerRequest = 32;

/** What `/token` answers; both token fields, as the protocol asks. */
export interface RegistryToken {
  token: string;
  access_token: string;
  /** Seconds. */
  expires_in: number;
  issued_at: string;
}

/**
 * Scopes parsed before the credential is checked, so that the first repository they name can be
 * read with the token (one round trip on PostgreSQL); a malformed scope is still reported after
 * bad credentials, by `scopes()`.
 */
export interface ScopesAhead {
  /** @throws AppError REGISTRY_SCOPE_INVALID */
  scopes(): RegistryScope[];
  alsoRead: RepositoryPath | undefined;
}

export class RegistryTokenEndpoint {
  readonly #ctx: ServiceContext;
  readonly #signer: RegistrySigner;
  readonly #refreshTokens: RegistryRefreshTokens;
  readonly #oidc: OidcExchange;

  constructor(
    ctx: ServiceContext,
    signer: RegistrySigner,
    refreshTokens: RegistryRefreshTokens,
    oidc: OidcExchange,
  ) {
    this.#ctx = ctx;
    this.#signer = signer;
    this.#refreshTokens = refreshTokens;
    this.#oidc = oidc;
  }

  /** @throws AppError REGISTRY_SERVICE_UNKNOWN when the registry names another service. */
  checkService(service: string | undefined): void {
    const expected = this.#ctx.config.registryService;
    if (service !== undefined && service !== expected) {
      throw new AppError(
        'REGISTRY_SERVICE_UNKNOWN',
        `unknown service "${service.slice(0, 100)}": this token server serves "${expected}"`,
      );
    }
  }

  parseScopesAhead(raws: readonly string[]): ScopesAhead {
    try {
      if (raws.length > maxScopesPerRequest) {
        throw new AppError('REGISTRY_SCOPE_INVALID', `at most ${maxScopesPerRequest} scopes per request`);
      }
      const scopes = parseScopes(raws);
      const first = scopes.find((scope) => scope.type === 'repository');
      return { scopes: () => scopes, alsoRead: first && splitRepositoryName(first.name) };
    } catch (error) {
      return {
        scopes: (): never => {
          throw error;
        },
        alsoRead: undefined,
      };
    }
  }

  /**
   * A username with a password, a PAT or (as the organization) an OAT, a token exchanged at one of
   * its OIDC connections, or a CI identity token that one of them accepts.
   * @throws AppError REGISTRY_UNAUTHORIZED saying why, in words docker and skopeo show.
   */
  async authenticate(
    username: string,
    secret: string,
    meta: RequestMeta,
    alsoRead?: RepositoryPath,
  ): Promise<Authenticated> {
    try {
      if (looksLikeJwt(secret)) {
        const principal = await this.#oidc.authenticateIdToken(normalizeUsername(username), secret, meta);
        if (principal) return { principal };
      }
      return await authenticateCredentials(this.#ctx, username, secret, meta, alsoRead && { alsoRead });
    } catch (error) {
      throw asRegistryError(error);
    }
  }

  /** The OAuth refresh grant. @throws AppError REGISTRY_UNAUTHORIZED */
  async redeemRefreshToken(refreshToken: string, meta: RequestMeta): Promise<Authenticated> {
    try {
      return { principal: await this.#refreshTokens.redeem(refreshToken, meta) };
    } catch (error) {
      throw asRegistryError(error);
    }
  }

  /**
   * A refresh token for the OAuth form's `access_type=offline`; none for a CI identity token used as
   * the password (it is stored nowhere a refresh could find it again).
   */
  async issueRefreshToken(principal: Principal): Promise<string | undefined> {
    if (principal.kind === 'oidc' && principal.token.origin === 'id-token') return undefined;
    return this.#refreshTokens.issue(principal);
  }

  /**
   * The grant (`actions: []` for what is refused) signed as a registry JWT; anonymous without `who`.
   * @throws AppError REGISTRY_UNAUTHORIZED when an organization's token policy alone refused all of it.
   */
  async issue(who: Authenticated | undefined, scopes: readonly RegistryScope[]): Promise<RegistryToken> {
    const { config, clock } = this.#ctx;
    const principal = who?.principal;
    const policyFacts = policyFactsOf(principal);
    const access = await resolveGrants(this.#ctx, {
      subject: accessSubjectOf(principal),
      creatorId: creatorIdOf(principal),
      scopes,
      ...(who?.alsoRead ? { knownRepository: who.alsoRead } : {}),
      ...(policyFacts ? { policyFacts } : {}),
    });
    const iat = Math.floor(clock.now().getTime() / 1000);
    const ttl = config.registryTokenTtlSeconds;
    // On the thread pool: the signature is the largest single cost of this route, and off the
    // event loop it overlaps the next requests' work (bench/README.md).
    const jwt = await this.#signer.current.signAsync({
      iss: config.registryIssuer,
      sub: principal ? principalAccount(principal).name : '',
      aud: config.registryService,
      exp: iat + ttl,
      nbf: iat,
      iat,
      jti: newId(),
      access,
    });
    return { token: jwt, access_token: jwt, expires_in: ttl, issued_at: new Date(iat * 1000).toISOString() };
  }
}

function asRegistryError(error: unknown): unknown {
  if (error instanceof SecondFactorRequired) {
    return new AppError(
      'REGISTRY_UNAUTHORIZED',
      'two-factor authentication is enabled for this account: use a personal access token as the password',
    );
  }
  if (error instanceof AppError)
    return new AppError('REGISTRY_UNAUTHORIZED', error.message, { cause: error });
  return error;
}

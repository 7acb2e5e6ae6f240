/**
 * Signing a CI job in with its identity token (docs/oidc.md). Two doors, one set of checks:
 *
 * - `exchange` (`POST /v2/oidc/token`): the token and a connection id in, a short-lived
 *   `thub_oidc_…` token out, carrying the merged resources of the rulesets that matched;
 * - `authenticateIdToken` (`/token`): the identity token itself as the password of the
 *   connection's owner; the owner's connections that trust its issuer and audience are tried,
 *   oldest first, and the first whose rulesets match grants.
 *
 * Each attempt runs these steps: connection active → token checked (id-token-check.ts) →
 * rulesets matched → `jti` claimed (single-use connections) → granted and audited. A refusal is
 * recorded in the connection's failure log with its reason, and thrown as OIDC_TOKEN_REFUSED.
 */
import type { JWTPayload } from 'jose';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import {
  matchRulesets,
  type OidcConnection,
  type OidcGrant,
  type OidcResource,
  refusal,
  rulesetMismatch,
} from '../../core/oidc-rules.ts';
import {
  generateTokenSecret,
  hashTokenSecret,
  type TokenSecret,
  tokenHint,
} from '../../core/token-secret.ts';
import { findNamespace } from '../../storage/namespace.repository.ts';
import {
  findConnectionById,
  findOwnedConnectionsByIssuer,
  touchConnection,
} from '../../storage/oidc-connection.repository.ts';
import { insertFailure } from '../../storage/oidc-failure.repository.ts';
import { claimJti, insertOidcToken } from '../../storage/oidc-token.repository.ts';
import { findOrganizationById } from '../../storage/organization.repository.ts';
import { findUserById } from '../../storage/user.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import {
  type OidcPrincipal,
  type OidcPrincipalOwner,
  type Principal,
  principalAccount,
} from '../sign-in/who-asks.ts';
import { checkIdToken, peekClaims } from './id-token-check.ts';
import type { IssuerKeys } from './issuer-keys.ts';

/** What an exchange answers: the secret (shown once) and what it grants. */
export interface Exchanged {
  secret: TokenSecret;
  grant: OidcGrant;
  /** The login name to use with the token: the organization or the user. */
  username: string;
}

/** Identity tokens used as a password are audited on their first use in a process, not on every `/token`. */
const auditedIdTokens = new Map<string, number>();
const maxAuditedIdTokens = 10_000;

export class OidcExchange {
  readonly #ctx: ServiceContext;
  readonly #keys: IssuerKeys;

  constructor(ctx: ServiceContext, keys: IssuerKeys) {
    this.#ctx = ctx;
    this.#keys = keys;
  }

  /** @throws AppError OIDC_TOKEN_REFUSED saying why. */
  async exchange(connectionId: string, idToken: string, meta: RequestMeta): Promise<Exchanged> {
    const connection = await findConnectionById(this.#ctx.db, connectionId);
    if (!connection) throw refusal(`there is no OIDC connection ${connectionId}`);
    const owner = await this.#ownerOf(connection);
    const grant = await this.#admit([connection], idToken, meta, 'exchange');
    const { tokenPrefix } = this.#ctx.config;
    const secret = generateTokenSecret(tokenPrefix, 'oidc');
    await insertOidcToken(
      this.#ctx.db,
      grant,
      hashTokenSecret(secret.reveal()),
      tokenHint(tokenPrefix, secret.reveal()),
    );
    const principal: OidcPrincipal = { kind: 'oidc', owner, token: grant };
    await this.#recordExchange(principal, meta);
    return { secret, grant, username: principalAccount(principal).name };
  }

  /**
   * The identity token as the password of `username` at `/token`.
   * @returns undefined when `username` has no connection trusting the token's issuer (the secret
   *   may then be a password that merely looks like a JWT).
   * @throws AppError OIDC_TOKEN_REFUSED saying why.
   */
  async authenticateIdToken(
    username: string,
    idToken: string,
    meta: RequestMeta,
  ): Promise<Principal | undefined> {
    const peeked = peekClaims(idToken);
    if (typeof peeked?.iss !== 'string') return undefined;
    const namespace = await findNamespace(this.#ctx.db, username);
    // A company has no OIDC connections (they belong to users and organizations).
    if (!namespace || namespace.kind === 'company') return undefined;
    const owner = { kind: namespace.kind, id: namespace.ownerId };
    const trusting = await findOwnedConnectionsByIssuer(this.#ctx.db, owner, peeked.iss);
    if (trusting.length === 0) return undefined;
    const audiences =
      typeof peeked.aud === 'string' ? [peeked.aud] : Array.isArray(peeked.aud) ? peeked.aud : [];
    const candidates = trusting.filter((connection) => audiences.includes(connection.audience));
    if (candidates.length === 0) {
      const expected = [...new Set(trusting.map((connection) => connection.audience))].join(' or ');
      const reason = `audience was ${JSON.stringify(peeked.aud ?? null).slice(0, 300)}, expected ${expected}`;
      for (const connection of trusting) await this.#recordFailure(connection, reason, peeked, meta);
      throw refusal(reason);
    }
    const grant = await this.#admit(candidates, idToken, meta, 'id-token');
    const connection = candidates.find((candidate) => candidate.id === grant.connectionId);
    if (!connection) throw new AppError('INTERNAL', 'the granting connection was not among the candidates');
    const principal: OidcPrincipal = { kind: 'oidc', owner: await this.#ownerOf(connection), token: grant };
    if (this.#firstUse(grant.id)) await this.#recordExchange(principal, meta);
    return principal;
  }

  /**
   * The steps every attempt runs, for connections that share issuer and audience (so the token is
   * checked once); the first connection whose rulesets match grants.
   */
  async #admit(
    connections: readonly OidcConnection[],
    idToken: string,
    meta: RequestMeta,
    origin: OidcGrant['origin'],
  ): Promise<OidcGrant> {
    const peeked = peekClaims(idToken);
    const refuse = async (targets: readonly OidcConnection[], reason: string): Promise<never> => {
      for (const connection of targets) await this.#recordFailure(connection, reason, peeked, meta);
      throw refusal(reason);
    };
    const active = connections.filter((connection) => connection.isActive);
    if (active.length === 0) return refuse(connections, 'connection inactive');
    const single = active.filter((connection) => connection.singleUse);
    if (origin === 'id-token' && single.length === active.length) {
      return refuse(
        active,
        'this connection accepts each identity token once: exchange it at POST /v2/oidc/token instead of using it as a password',
      );
    }
    const first = active[0] as OidcConnection;
    let claims: JWTPayload & { sub: string };
    try {
      claims = await checkIdToken(this.#keys, this.#ctx.config.oidc, this.#ctx.clock.now(), first, idToken);
    } catch (error) {
      if (error instanceof AppError && error.code === 'OIDC_TOKEN_REFUSED')
        return refuse(active, error.message);
      throw error;
    }
    const usable = origin === 'id-token' ? active.filter((connection) => !connection.singleUse) : active;
    for (const connection of usable) {
      const { matched, resources } = matchRulesets(connection.rulesets, claims);
      if (matched.length === 0) continue;
      if (connection.singleUse) {
        if (typeof claims.jti !== 'string' || claims.jti === '') {
          return refuse([connection], 'token has no jti, and this connection accepts each token once');
        }
        const expiresAt = new Date(((claims.exp ?? 0) + this.#ctx.config.oidc.clockSkewSeconds) * 1000);
        if (
          !(await claimJti(this.#ctx.db, connection.id, claims.jti.slice(0, 255), expiresAt.toISOString()))
        ) {
          return refuse([connection], `token already used (jti ${claims.jti.slice(0, 100)})`);
        }
      }
      return this.#grant(connection, claims, resources, origin, idToken);
    }
    return refuse(usable, noMatchReason(usable, claims));
  }

  #grant(
    connection: OidcConnection,
    claims: JWTPayload & { sub: string },
    resources: OidcResource[],
    origin: OidcGrant['origin'],
    idToken: string,
  ): OidcGrant {
    const now = this.#ctx.clock.now();
    const expiresAt =
      origin === 'exchange'
        ? new Date(now.getTime() + connection.tokenTtlSeconds * 1000)
        : new Date((claims.exp ?? 0) * 1000);
    return {
      // An identity token used as a password has no row: it is named by its own hash.
      id: origin === 'exchange' ? newId() : `id-token:${hashTokenSecret(idToken).slice(0, 32)}`,
      origin,
      connectionId: connection.id,
      connectionLabel: connection.label,
      ownerKind: connection.ownerKind,
      ownerId: connection.ownerId,
      subject: claims.sub,
      resources,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
    };
  }

  async #ownerOf(connection: OidcConnection): Promise<OidcPrincipalOwner> {
    if (connection.ownerKind === 'org') {
      const org = await findOrganizationById(this.#ctx.db, connection.ownerId);
      if (org) return { kind: 'org', org };
    } else {
      const user = await findUserById(this.#ctx.db, connection.ownerId);
      if (user) return { kind: 'user', user };
    }
    throw refusal(`the owner of OIDC connection ${connection.id} no longer exists`);
  }

  async #recordFailure(
    connection: OidcConnection,
    reason: string,
    peeked: JWTPayload | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    const subject = typeof peeked?.sub === 'string' ? peeked.sub : null;
    this.#ctx.log.info({ connection: connection.id, reason, subject }, 'OIDC identity token refused');
    await insertFailure(this.#ctx.db, {
      id: newId(),
      connectionId: connection.id,
      createdAt: this.#ctx.clock.now().toISOString(),
      reason,
      subject,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  }

  /** Audits an exchange and stamps the connection's last use. */
  async #recordExchange(principal: OidcPrincipal, meta: RequestMeta): Promise<void> {
    const grant = principal.token;
    await touchConnection(this.#ctx.db, grant.connectionId, grant.createdAt);
    await recordAudit(this.#ctx, {
      account: principalAccount(principal),
      action: grant.ownerKind === 'org' ? 'org.oidc_connection.exchange' : 'account.oidc_connection.exchange',
      name: grant.connectionLabel,
      actor: { id: null, name: grant.subject },
      meta,
      data: {
        connection_id: grant.connectionId,
        subject: grant.subject,
        resources: grant.resources,
        via: grant.origin === 'exchange' ? 'POST /v2/oidc/token' : 'registry password',
        expires_at: grant.expiresAt,
        ...(grant.origin === 'exchange' ? { id: grant.id } : {}),
      },
    });
  }

  #firstUse(grantId: string): boolean {
    if (auditedIdTokens.has(grantId)) return false;
    if (auditedIdTokens.size >= maxAuditedIdTokens) auditedIdTokens.clear();
    auditedIdTokens.set(grantId, Date.now());
    return true;
  }
}

/** Why no ruleset of `connections` matched, naming the subject as the failure log shows it. */
function noMatchReason(connections: readonly OidcConnection[], claims: JWTPayload & { sub: string }): string {
  const rulesets = connections.flatMap((connection) => connection.rulesets);
  const subjectMatches = rulesets.filter((ruleset) => !rulesetMismatch({ ...ruleset, claims: {} }, claims));
  if (subjectMatches.length === 0) return `no ruleset matched sub \`${claims.sub}\``;
  const why = subjectMatches.map((ruleset) => `${ruleset.label}: ${rulesetMismatch(ruleset, claims)}`);
  return `no ruleset matched sub \`${claims.sub}\` (${why.join('; ')})`;
}

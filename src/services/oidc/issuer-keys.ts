/**
 * Every issuer's signing keys, found through OpenID discovery (`<issuer>/.well-known/openid-configuration`
 * → `jwks_uri`) and kept by jose's remote key set: cached `keysCacheSeconds`, fetched again when a
 * token names an unknown `kid` (at most once per `keysRefreshCooldownSeconds`). Both documents go
 * through the injected `DocumentFetch`, which bounds their size and time, refuses redirects and
 * private addresses. At most {@link maxCachedIssuers} issuers are kept, the least recently used
 * leaving first. Each process keeps its own cache.
 */
import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import type { OidcSettings } from '../../config.ts';
import { assertFetchableUrl, IssuerDocumentError } from './issuer-policy.ts';

/**
 * Fetches one issuer document (api/issuer-document-fetch.ts): answers only a complete 200 response
 * within the size and time bounds, otherwise rejects with an `IssuerDocumentError` saying why.
 */
export type DocumentFetch = (
  url: string,
  init: { signal: AbortSignal; headers?: Headers },
) => Promise<Response>;

export const maxCachedIssuers = 100;

interface IssuerEntry {
  jwksUri: string;
  keys: JWTVerifyGetKey;
  /** When discovery was read (ms since the epoch; the cache follows real time, as jose's does). */
  discoveredAt: number;
}

export class IssuerKeys {
  readonly #fetch: DocumentFetch;
  readonly #settings: OidcSettings;
  readonly #entries = new Map<string, IssuerEntry>();
  readonly #pending = new Map<string, Promise<IssuerEntry>>();

  constructor(fetchDocument: DocumentFetch, settings: OidcSettings) {
    this.#fetch = fetchDocument;
    this.#settings = settings;
  }

  /**
   * The key resolver for `issuer`, for jose's `jwtVerify`. When discovery fails after an earlier
   * success, the earlier answer is used and discovery is tried again after the cooldown.
   * @throws IssuerDocumentError when discovery fails with no earlier answer (the next call tries again).
   */
  async keysFor(issuer: string): Promise<JWTVerifyGetKey> {
    const cached = this.#entries.get(issuer);
    if (cached && Date.now() - cached.discoveredAt < this.#settings.keysCacheSeconds * 1000) {
      this.#entries.delete(issuer);
      this.#entries.set(issuer, cached);
      return cached.keys;
    }
    let pending = this.#pending.get(issuer);
    if (!pending) {
      pending = this.#discover(issuer, cached)
        .catch((error: unknown) => {
          if (!cached) throw error;
          // Discovery failed but its last answer is known: keep using it, ask again after the cooldown.
          const retryIn = Math.max(1, this.#settings.keysRefreshCooldownSeconds) * 1000;
          const entry = {
            ...cached,
            discoveredAt: Date.now() - this.#settings.keysCacheSeconds * 1000 + retryIn,
          };
          this.#entries.set(issuer, entry);
          return entry;
        })
        .finally(() => this.#pending.delete(issuer));
      this.#pending.set(issuer, pending);
    }
    return (await pending).keys;
  }

  async #discover(issuer: string, previous: IssuerEntry | undefined): Promise<IssuerEntry> {
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const document = await this.#readJson(url, 'discovery document');
    if (document.issuer !== issuer) {
      throw new IssuerDocumentError(
        `the discovery document at ${url} names issuer ${JSON.stringify(document.issuer)?.slice(0, 200)}, expected ${issuer}`,
      );
    }
    if (typeof document.jwks_uri !== 'string') {
      throw new IssuerDocumentError(`the discovery document at ${url} has no jwks_uri`);
    }
    const jwksUri = assertFetchableUrl(this.#settings, document.jwks_uri).href;
    // The same key set as before keeps jose's cache (and its cooldown) instead of starting afresh.
    const keys =
      previous?.jwksUri === jwksUri
        ? previous.keys
        : createRemoteJWKSet(new URL(jwksUri), {
            timeoutDuration: this.#settings.fetchTimeoutMs,
            cacheMaxAge: this.#settings.keysCacheSeconds * 1000,
            cooldownDuration: this.#settings.keysRefreshCooldownSeconds * 1000,
            [customFetch]: (target, init) =>
              this.#fetch(target, { signal: init.signal, headers: init.headers }),
          });
    const entry = { jwksUri, keys, discoveredAt: Date.now() };
    this.#entries.delete(issuer);
    this.#entries.set(issuer, entry);
    while (this.#entries.size > maxCachedIssuers) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return entry;
  }

  async #readJson(url: string, what: string): Promise<Record<string, unknown>> {
    assertFetchableUrl(this.#settings, url);
    const response = await this.#fetch(url, {
      signal: AbortSignal.timeout(this.#settings.fetchTimeoutMs),
      headers: new Headers({ accept: 'application/json' }),
    });
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch {
      throw new IssuerDocumentError(`the ${what} at ${url} is not JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new IssuerDocumentError(`the ${what} at ${url} is not a JSON object`);
    }
    return parsed as Record<string, unknown>;
  }
}

/**
 * The web console's session: the Hub session JWT in an HttpOnly, SameSite=Strict cookie (Secure when
 * the public URL is https), never in localStorage. Every state-changing request that authenticates
 * with the cookie must carry `X-CSRF-Token`: an HMAC of the session JWT under a key derived from the
 * server secret, handed to the console in the sign-in reply and by `GET /v2/console/session`.
 * Requests with an `Authorization` header ignore the cookie (and need no CSRF token: a browser
 * never adds that header by itself).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '../config.ts';

export const consoleCookieName = 'tokenhub_session';
export const csrfHeaderName = 'x-csrf-token';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export class ConsoleCsrf {
  readonly #key: Buffer;

  /** @param serverSecret the Hub session secret; the CSRF key is derived from it, never equal to it. */
  constructor(serverSecret: Uint8Array) {
    this.#key = createHmac('sha256', serverSecret).update('tokenhub console csrf v1').digest();
  }

  tokenFor(sessionJwt: string): string {
    return createHmac('sha256', this.#key).update(sessionJwt).digest('base64url');
  }

  /** True for safe methods, or when the header carries this session's token (constant time). */
  allows(method: string, sessionJwt: string, header: string | string[] | undefined): boolean {
    if (safeMethods.has(method)) return true;
    if (typeof header !== 'string') return false;
    const expected = Buffer.from(this.tokenFor(sessionJwt));
    const given = Buffer.from(header);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

export function consoleCookieOptions(
  config: Pick<Config, 'publicUrl'>,
  maxAgeSeconds: number,
): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.publicUrl.startsWith('https://'),
    path: '/',
    maxAge: maxAgeSeconds,
  };
}

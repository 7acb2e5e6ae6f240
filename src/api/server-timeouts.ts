/**
 * Connection limits of the HTTP server (docs/security.md, "Slow clients"), from
 * `config.security`: the whole request (headers and body) must arrive within the request timeout,
 * its headers within the headers timeout, an idle keep-alive connection closes after the keep-alive
 * timeout, and a connection carries at most `maxRequestsPerSocket` requests. Node checks pending
 * requests against these every second, so a client that sends one byte every few seconds is cut off
 * (408) at most a second after its time is up, and cannot hold a file descriptor open.
 */
import type { SecuritySettings } from '../config.ts';

/** How often Node checks open requests against the timeouts, in milliseconds. */
const checkEveryMs = 1000;

/** The Fastify options that carry the limits. */
export function serverTimeouts(security: SecuritySettings) {
  const headersTimeout = Math.min(security.headersTimeoutMs, security.requestTimeoutMs);
  return {
    requestTimeout: security.requestTimeoutMs,
    keepAliveTimeout: security.keepAliveTimeoutMs,
    maxRequestsPerSocket: security.maxRequestsPerSocket,
    http: { headersTimeout, connectionsCheckingInterval: checkEveryMs },
  };
}

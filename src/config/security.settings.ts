/**
 * Hardening settings (docs/security.md): `config.security`. Connection timeouts of the HTTP server,
 * how client addresses are grouped for per-address limits, how long a successful sign-in address is
 * remembered, and the names nobody may register.
 */
import { defaultReservedNames } from '../core/reserved-names.ts';
import { integer, type Setting, setting } from './values.ts';

function parseNameList(raw: string): readonly string[] {
  return Object.freeze(
    raw
      .split(',')
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
  );
}

export const securitySettings = {
  requestTimeoutMs: integer(
    'TOKENHUB_REQUEST_TIMEOUT_MS',
    30_000,
    [1000, 600_000],
    (range) =>
      `The longest a client may take to send one whole request, headers and body, in milliseconds (${range}); a slower one is cut off with 408. See docs/security.md.`,
  ),
  headersTimeoutMs: integer(
    'TOKENHUB_HEADERS_TIMEOUT_MS',
    10_000,
    [1000, 600_000],
    (range) =>
      `The longest a client may take to send a request's headers, in milliseconds (${range}); at most the request timeout.`,
  ),
  keepAliveTimeoutMs: integer(
    'TOKENHUB_KEEP_ALIVE_TIMEOUT_MS',
    5000,
    [100, 600_000],
    (range) =>
      `How long an idle keep-alive connection stays open, in milliseconds (${range}). Behind a load balancer, set it above the balancer's idle timeout.`,
  ),
  maxRequestsPerSocket: integer(
    'TOKENHUB_MAX_REQUESTS_PER_SOCKET',
    1000,
    [0, 1_000_000],
    (range) =>
      `Requests one keep-alive connection may carry before the server closes it (${range}); \`0\` means no limit.`,
  ),
  ipv6PrefixLength: integer(
    'TOKENHUB_IPV6_PREFIX_LENGTH',
    64,
    [32, 128],
    (range) =>
      `Per-address limits count IPv6 clients by network prefix of this many bits (${range}): one host usually holds a whole /64, so counting single addresses would let it change address at every guess.`,
  ),
  knownAddressDays: integer(
    'TOKENHUB_SIGN_IN_KNOWN_ADDRESS_DAYS',
    90,
    [1, 3650],
    (range) =>
      `How long an address that signed in to an account with its password is remembered (as a keyed hash), in days (${range}): failures from other addresses never lock the account out from it. See docs/limits.md.`,
  ),
  reservedNames: setting(
    'TOKENHUB_RESERVED_NAMES',
    defaultReservedNames.join(','),
    'Names no user or organization may register, comma-separated (case-insensitive). Existing accounts keep their names. Empty keeps the default list; see docs/security.md.',
    parseNameList,
  ),
} satisfies Record<string, Setting<unknown>>;

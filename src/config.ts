/**
 * The only reader of the server's `process.env`. Every setting is stated once, in `settings`: its
 * variable, its default, its bounds and parser, and its documentation. `loadConfig` validates them
 * all, names the bad variable in its error and returns a frozen object. The README's configuration
 * table is generated from `settings` (`npm run docs:config`) and a test keeps the two in step.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import {
  type DatabaseConfig,
  flag,
  integer,
  list,
  oneOf,
  parseDatabase,
  parsePublicUrl,
  parseRedisUrl,
  parseSecretKey,
  parseSharedSecret,
  parseTokenPrefix,
  parseTrustProxy,
  type RateRule,
  rateLimit,
  type Setting,
  setting,
  text,
} from './config-values.ts';
import { maxIssuerDocumentBytes } from './core/oidc-rules.ts';

export { ConfigError, type DatabaseConfig, type RateRule, redactUrl, type Setting } from './config-values.ts';

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  database: DatabaseConfig;
  /** The longest a request waits on the store before it answers 503, in milliseconds. */
  databaseTimeoutMs: number;
  tokenPrefix: string;
  signup: 'open' | 'closed';
  hubJwtTtlSeconds: number;
  consoleSessionTtlSeconds: number;
  /** Audit events older than this many days are deleted; 0 keeps them forever. */
  auditRetentionDays: number;
  /** Fastify `trustProxy`: false, true (trust every hop), or a list of proxy addresses/CIDRs. */
  trustProxy: boolean | string[];
  lastUsedFlushIntervalMs: number;
  /** Whether token uses are recorded (last used time, IP, client); off means no last-used data. */
  lastUsedTracking: boolean;
  /** Processes `serve` runs (node:cluster workers sharing the port); 1 serves from one process. */
  workers: number;
  /** How long a stopping process (or worker) may finish its requests before it is ended, in seconds. */
  shutdownGraceSeconds: number;
  logLevel: LogLevel;
  registryService: string;
  registryIssuer: string;
  registryTokenTtlSeconds: number;
  /** Where tokenhub reads tags from (the registry's own API); undefined: tag lists are not served. */
  registryUrl: string | undefined;
  /** The secret the registry's notifications carry; undefined: notifications are refused. */
  registryNotifySecret: string | undefined;
  /** How often each process re-reads the active registry signing key, in seconds. */
  signingKeyRefreshSeconds: number;
  /** Lifetime of a device or desktop sign-in and of its auto-generated token, in days. */
  deviceSignInTtlDays: number;
  /** Lifetime of a device code and its user code (RFC 8628 `expires_in`), in seconds. */
  deviceCodeTtlSeconds: number;
  /** Minimum wait between device polls (RFC 8628 `interval`), in seconds. */
  devicePollIntervalSeconds: number;
  repositoryDefaultPrivate: boolean;
  /** 32-byte key that encrypts TOTP secrets at rest; from the variable, else from `secretKeyFile`. */
  secretKey: Buffer | undefined;
  secretKeyFile: string;
  /** Where rate-limit counters live: a Redis URL (shared by all processes), else in memory. */
  redisUrl: string | undefined;
  /** How long a hit may wait for a shared counter (Redis or the cluster primary) before failing open, in ms. */
  rateLimitTimeoutMs: number;
  /** Fair-use throttles (docs/limits.md); `undefined` means disabled. */
  rateLimits: RateLimits;
  /** Node's own `NODE_OPTIONS` (not a tokenhub setting): cluster workers inherit it. */
  nodeOptions: string | undefined;
  /** How identity tokens from CI issuers are checked (docs/oidc.md). */
  oidc: Readonly<OidcSettings>;
}

export interface RateLimits {
  patCreate: RateRule | undefined;
  loginFailuresPerAccount: RateRule | undefined;
  loginFailuresPerIp: RateRule | undefined;
  tokenPerPrincipal: RateRule | undefined;
  twoFactorFailures: RateRule | undefined;
  deviceCodesPerIp: RateRule | undefined;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** How identity tokens from CI issuers are checked (docs/oidc.md); `config.oidc`. */
const oidcSettings = {
  allowedIssuers: list(
    'TOKENHUB_OIDC_ALLOWED_ISSUERS',
    'Issuer URLs OIDC connections may trust, comma-separated and compared exactly (`https://token.actions.githubusercontent.com,https://gitlab.com`). Unset: any https issuer. Checked when a connection is saved and at every token check. See docs/oidc.md.',
  ),
  allowHttpLoopback: flag(
    'TOKENHUB_OIDC_ALLOW_HTTP_LOOPBACK',
    false,
    'Lets OIDC connections name a plain `http://` issuer on a loopback host (`localhost`, `127.0.0.1`, `::1`). For tests only.',
  ),
  allowPrivateAddresses: flag(
    'TOKENHUB_OIDC_ALLOW_PRIVATE_ADDRESSES',
    false,
    'Fetches OIDC discovery documents and key sets from private, loopback and link-local addresses (an in-cluster Kubernetes issuer, a GitLab on the internal network). Off: such an address is refused, after DNS, on every connection.',
  ),
  fetchTimeoutMs: integer(
    'TOKENHUB_OIDC_FETCH_TIMEOUT_MS',
    5000,
    [100, 30_000],
    (range) =>
      `Deadline of one fetch of an issuer's discovery document or key set, whole body included, in milliseconds (${range}). Documents over ${maxIssuerDocumentBytes / 1024} KiB and redirects are refused.`,
  ),
  clockSkewSeconds: integer(
    'TOKENHUB_OIDC_CLOCK_SKEW_SECONDS',
    60,
    [0, 300],
    (range) =>
      `Clock difference tolerated on an identity token's \`exp\`, \`nbf\` and \`iat\`, in seconds (${range}).`,
  ),
  maxTokenAgeSeconds: integer(
    'TOKENHUB_OIDC_MAX_TOKEN_AGE_SECONDS',
    3600,
    [60, 86_400],
    (range) =>
      `Oldest identity token accepted, counted from its \`iat\`, in seconds (${range}), whatever its \`exp\` says.`,
  ),
  keysCacheSeconds: integer(
    'TOKENHUB_OIDC_KEYS_CACHE_SECONDS',
    600,
    [10, 86_400],
    (range) =>
      `How long an issuer's discovery document and key set are used before they are fetched again, in seconds (${range}).`,
  ),
  keysRefreshCooldownSeconds: integer(
    'TOKENHUB_OIDC_KEYS_REFRESH_COOLDOWN_SECONDS',
    30,
    [0, 600],
    (range) =>
      `A token signed with an unknown \`kid\` fetches the issuer's key set again, at most once per this many seconds (${range}).`,
  ),
} satisfies Record<string, Setting<unknown>>;

export type OidcSettings = {
  [K in keyof typeof oidcSettings]: ReturnType<(typeof oidcSettings)[K]['parse']>;
};

/** Every setting, in the README's order. */
export const settings = {
  host: text('TOKENHUB_HOST', '127.0.0.1', 'Address to listen on.'),
  trustProxy: setting(
    'TOKENHUB_TRUST_PROXY',
    'false',
    "Behind a load balancer: `true`, or the proxies' addresses/CIDRs (comma-separated), so client IPs (audit, last used, per-IP limits) come from `X-Forwarded-For`.",
    parseTrustProxy,
  ),
  port: integer('TOKENHUB_PORT', 8080, [0, 65535], 'TCP port to listen on (0 picks a free one).'),
  publicUrl: setting(
    'TOKENHUB_PUBLIC_URL',
    '',
    'Public base URL, used for pagination links and the registry realm (`<url>/token`).',
    parsePublicUrl,
    'http://<host>:<port>',
  ),
  database: setting(
    'TOKENHUB_DATABASE_URL',
    'sqlite:./data/tokenhub.db',
    '`sqlite:<path>` (embedded, WAL mode) or `postgres://user@host:port/db`.',
    parseDatabase,
  ),
  databaseTimeoutMs: integer(
    'TOKENHUB_DATABASE_TIMEOUT_MS',
    3000,
    [100, 60_000],
    (range) =>
      `The longest a request waits on the store, in milliseconds (${range}): a PostgreSQL connection or answer, or SQLite's write lock. Past it the request gets 503 with \`Retry-After\`; so does every request while the store is unreachable. See docs/architecture.md, "When the store goes away".`,
  ),
  tokenPrefix: setting(
    'TOKENHUB_TOKEN_PREFIX',
    'thub_',
    'Instance prefix of token secrets (`<prefix>pat_…`); 2-16 of `a-z0-9`, ending in `_`.',
    parseTokenPrefix,
  ),
  signup: oneOf(
    'TOKENHUB_SIGNUP',
    'open',
    ['open', 'closed'],
    '`open` allows `POST /v2/users`; `closed` refuses it.',
  ),
  hubJwtTtlSeconds: integer(
    'TOKENHUB_HUB_JWT_TTL_SECONDS',
    600,
    [60, 86_400],
    (range) => `Lifetime of the Hub API session JWT from the login routes, in seconds (${range}).`,
  ),
  auditRetentionDays: integer(
    'TOKENHUB_AUDIT_RETENTION_DAYS',
    365,
    [0, 36_500],
    'Audit events older than this many days are deleted (hourly); `0` keeps them forever.',
  ),
  consoleSessionTtlSeconds: integer(
    'TOKENHUB_CONSOLE_SESSION_TTL_SECONDS',
    28_800,
    [300, 604_800],
    (range) => `Lifetime of a web console sign-in (an HttpOnly cookie), in seconds (${range}).`,
  ),
  lastUsedFlushIntervalMs: integer(
    'TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS',
    5000,
    [100, 60_000],
    (range) => `How often buffered last-used times of tokens are written, in milliseconds (${range}).`,
  ),
  lastUsedTracking: flag(
    'TOKENHUB_LAST_USED_TRACKING',
    true,
    '`false` stops recording token uses: `last_used`, `last_used_ip` and `last_used_ua` then stay as they were (no last-used data). For comparison only; see bench/README.md.',
  ),
  workers: integer(
    'TOKENHUB_WORKERS',
    { value: availableParallelism, shown: '(number of CPU cores)' },
    [1, 256],
    'Processes `tokenhub serve` runs, sharing the port (node:cluster); `1` serves from one process. `--workers` overrides it.',
  ),
  shutdownGraceSeconds: integer(
    'TOKENHUB_SHUTDOWN_GRACE_SECONDS',
    30,
    [1, 600],
    (range) =>
      `On SIGTERM or SIGINT, how long requests in flight may take to finish, in seconds (${range}); a process (or worker) still running then is ended, and the command exits 1.`,
  ),
  logLevel: oneOf(
    'TOKENHUB_LOG_LEVEL',
    'info',
    logLevels,
    'pino log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
  ),
  registryService: text(
    'TOKENHUB_REGISTRY_SERVICE',
    'tokenhub-registry',
    'The registry `service` name; tokens are issued only for it (JWT `aud`).',
  ),
  signingKeyRefreshSeconds: integer(
    'TOKENHUB_SIGNING_KEY_REFRESH_SECONDS',
    30,
    [1, 3600],
    (range) =>
      `How often every process re-reads the active registry signing key, in seconds (${range}): a key activated by \`tokenhub admin rotate-key --activate\` signs everywhere within this time.`,
  ),
  registryIssuer: text('TOKENHUB_REGISTRY_ISSUER', 'tokenhub', 'JWT `iss` the registry expects.'),
  registryTokenTtlSeconds: integer(
    'TOKENHUB_REGISTRY_TOKEN_TTL_SECONDS',
    300,
    [60, 3600],
    (range) => `Lifetime of registry tokens from \`/token\`, in seconds (${range}).`,
  ),
  registryUrl: setting(
    'TOKENHUB_REGISTRY_URL',
    '',
    "The registry's own URL (`http://registry:5000`), from which the Hub API's tag lists are read with a short pull token tokenhub signs itself. Unset: tag routes answer 404. See docs/repositories.md.",
    parsePublicUrl,
    '(unset)',
  ),
  registryNotifySecret: setting(
    'TOKENHUB_REGISTRY_NOTIFY_SECRET',
    '',
    "Secret (16+ characters) the registry's notifications send as `Authorization: Bearer <secret>` to `POST /v2/registry/notifications`; they give pull counts, last push and pull times and tag pushers. Unset: notifications are refused and those fields read 0 and null.",
    parseSharedSecret,
    '(unset)',
  ),
  deviceSignInTtlDays: integer(
    'TOKENHUB_DEVICE_SIGN_IN_TTL_DAYS',
    30,
    [1, 366],
    (range) =>
      `Lifetime of a device sign-in (\`/oauth/device/code\`) or desktop sign-in, and of the auto-generated token it creates, in days (${range}). See docs/device-sign-in.md.`,
  ),
  deviceCodeTtlSeconds: integer(
    'TOKENHUB_DEVICE_CODE_TTL_SECONDS',
    600,
    [60, 3600],
    (range) => `How long a device code and its user code can be approved and polled, in seconds (${range}).`,
  ),
  devicePollIntervalSeconds: integer(
    'TOKENHUB_DEVICE_POLL_INTERVAL_SECONDS',
    5,
    [1, 60],
    (range) =>
      `Minimum wait between device polls at \`/oauth/token\`, in seconds (${range}); faster polls get \`slow_down\`.`,
  ),
  repositoryDefaultPrivate: flag(
    'TOKENHUB_REPOSITORY_DEFAULT_PRIVATE',
    true,
    'Whether a repository created by its first push is private (`true`/`false`).',
  ),
  secretKey: setting(
    'TOKENHUB_SECRET_KEY',
    '',
    'Base64 of 32 random bytes that encrypt TOTP secrets at rest (AES-256-GCM). Set the same value on every process; when unset, the key file is used.',
    parseSecretKey,
    '(unset)',
  ),
  secretKeyFile: setting(
    'TOKENHUB_SECRET_KEY_FILE',
    './data/secret.key',
    'Where the encryption key is kept when `TOKENHUB_SECRET_KEY` is unset; created (mode 0600) on first start.',
    (raw) => resolve(raw),
  ),
  redisUrl: setting(
    'TOKENHUB_REDIS_URL',
    '',
    '`redis://[user:password@]host:port[/db]` (or `rediss://`): rate-limit counters shared by every node (several nodes need it). Unset: counted in memory, by the cluster primary for all the workers of a node. A Redis that is down or slow fails open (logged once, counted in `/metrics`).',
    parseRedisUrl,
    '(unset)',
  ),
  rateLimitTimeoutMs: integer(
    'TOKENHUB_RATE_LIMIT_TIMEOUT_MS',
    100,
    [5, 5000],
    (range) =>
      `How long a limit check may wait for its shared counter (Redis, or the cluster primary) before the request is let through, in milliseconds (${range}). After 3 such failures in a row checks skip the counter for 1 s (docs/limits.md).`,
  ),
  patCreate: rateLimit(
    'TOKENHUB_RATE_LIMIT_PAT_CREATE',
    '50/1h',
    'Personal access tokens an account may create (`POST /v2/access-tokens`) per window, as `<limit>/<window>`; the window in seconds or with `s`, `m`, `h`, `d`. `0` disables. See docs/limits.md.',
  ),
  loginFailuresPerAccount: rateLimit(
    'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT',
    '10/15m',
    'Failed sign-ins per account name (Hub login routes and `/token`) before further attempts, right or wrong, get 429 until the window ends. `0` disables.',
  ),
  loginFailuresPerIp: rateLimit(
    'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP',
    '50/15m',
    'Failed sign-ins per client address, as above. `0` disables.',
  ),
  twoFactorFailures: rateLimit(
    'TOKENHUB_RATE_LIMIT_TWO_FACTOR_FAILURES',
    '10/15m',
    'Wrong two-factor codes per account (on top of 5 per login token). `0` disables.',
  ),
  deviceCodesPerIp: rateLimit(
    'TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP',
    '50/1h',
    'Device sign-ins started (`POST /oauth/device/code`) per client address. Each one is a pending request stored until it expires. `0` disables.',
  ),
  tokenPerPrincipal: rateLimit(
    'TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL',
    '0',
    'Registry tokens (`/token`) per account (`user:<id>`, password or PAT) or per OAT (`oat:<token id>`) per window, e.g. `600/1m`. `0` (the default) disables.',
  ),
  ...oidcSettings,
} satisfies Record<string, Setting<unknown>>;

/** The documentation rows, in the README's order. */
export const settingSpecs: readonly Setting<unknown>[] = Object.values(settings);

/**
 * Reads and validates every `TOKENHUB_*` setting.
 * @param env the environment; `process.env` unless a test or a command passes another.
 * @param defaults variables to assume when `env` does not set them (the operator commands log at
 *   `warn` unless told otherwise).
 * @throws ConfigError naming the first bad variable.
 * @example const config = loadConfig();
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  defaults: Record<string, string | undefined> = {},
): Readonly<Config> {
  const all = { ...defaults, ...env };
  const value = <T>(spec: Setting<T>): T => spec.parse(all);
  const host = value(settings.host);
  const port = value(settings.port);
  const config: Config = {
    host,
    port,
    publicUrl: value(settings.publicUrl) ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    database: value(settings.database),
    databaseTimeoutMs: value(settings.databaseTimeoutMs),
    tokenPrefix: value(settings.tokenPrefix),
    signup: value(settings.signup),
    hubJwtTtlSeconds: value(settings.hubJwtTtlSeconds),
    trustProxy: value(settings.trustProxy),
    auditRetentionDays: value(settings.auditRetentionDays),
    consoleSessionTtlSeconds: value(settings.consoleSessionTtlSeconds),
    lastUsedFlushIntervalMs: value(settings.lastUsedFlushIntervalMs),
    lastUsedTracking: value(settings.lastUsedTracking),
    workers: value(settings.workers),
    shutdownGraceSeconds: value(settings.shutdownGraceSeconds),
    logLevel: value(settings.logLevel),
    registryService: value(settings.registryService),
    registryIssuer: value(settings.registryIssuer),
    registryTokenTtlSeconds: value(settings.registryTokenTtlSeconds),
    registryUrl: value(settings.registryUrl),
    registryNotifySecret: value(settings.registryNotifySecret),
    signingKeyRefreshSeconds: value(settings.signingKeyRefreshSeconds),
    deviceSignInTtlDays: value(settings.deviceSignInTtlDays),
    deviceCodeTtlSeconds: value(settings.deviceCodeTtlSeconds),
    devicePollIntervalSeconds: value(settings.devicePollIntervalSeconds),
    repositoryDefaultPrivate: value(settings.repositoryDefaultPrivate),
    secretKey: value(settings.secretKey),
    secretKeyFile: value(settings.secretKeyFile),
    redisUrl: value(settings.redisUrl),
    rateLimitTimeoutMs: value(settings.rateLimitTimeoutMs),
    rateLimits: Object.freeze({
      patCreate: value(settings.patCreate),
      loginFailuresPerAccount: value(settings.loginFailuresPerAccount),
      loginFailuresPerIp: value(settings.loginFailuresPerIp),
      tokenPerPrincipal: value(settings.tokenPerPrincipal),
      twoFactorFailures: value(settings.twoFactorFailures),
      deviceCodesPerIp: value(settings.deviceCodesPerIp),
    }),
    nodeOptions: all.NODE_OPTIONS,
    oidc: Object.freeze(
      Object.fromEntries(Object.entries(oidcSettings).map(([key, spec]) => [key, value<unknown>(spec)])),
    ) as OidcSettings,
  };
  return Object.freeze(config);
}

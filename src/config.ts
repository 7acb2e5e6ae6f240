/**
 * The only reader of the server's `process.env`. Every setting is stated once, in `settings`: its
 * variable, its default, its bounds and parser, and its documentation. `loadConfig` validates them
 * all, names the bad variable in its error and returns a frozen object. The README's configuration
 * table is generated from `settings` (`npm run docs:config`) and a test keeps the two in step.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { mailSettings } from './config/mail.settings.ts';
import { oidcSettings } from './config/oidc.settings.ts';
import { rateLimitSettings } from './config/rate-limit.settings.ts';
import { securitySettings } from './config/security.settings.ts';
import { sessionSettings } from './config/sessions.settings.ts';
import { tokenPolicySettings } from './config/token-policy.settings.ts';
import {
  flag,
  integer,
  oneOf,
  parseDatabase,
  parsePublicUrl,
  parseRedisUrl,
  parseSecretKey,
  parseSharedSecret,
  parseTokenPrefix,
  parseTrustProxy,
  type Setting,
  setting,
  text,
} from './config/values.ts';

export { ConfigError, type DatabaseConfig, type RateRule, redactUrl, type Setting } from './config/values.ts';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * Every setting, in the README's order; a group (`rateLimits`, `oidc`) becomes a nested object of
 * the config, and its settings stand in the README where the group stands here.
 */
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
    'Base64 of 32 random bytes that seal secrets at rest (AES-256-GCM): TOTP secrets, the registry signing keys and the session signing secret. Set the same value on every process and on the commands that read the store (`admin registry-config`, `admin export`); when unset, the key file is used.',
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
  rateLimits: rateLimitSettings,
  oidc: oidcSettings,
  tokenPolicy: tokenPolicySettings,
  mail: mailSettings,
  security: securitySettings,
  sessions: sessionSettings,
};

/** A tree of settings: a setting, or a group of them. */
type SettingTree = { readonly [key: string]: Setting<unknown> | SettingTree };
/** The values a tree of settings parses to, with its shape. */
type Values<T> = { readonly [K in keyof T]: T[K] extends Setting<infer V> ? V : Values<T[K]> };

export type Config = Omit<Values<typeof settings>, 'publicUrl'> & {
  /** `TOKENHUB_PUBLIC_URL`, else `http://<host>:<port>`. */
  readonly publicUrl: string;
  /** Node's own `NODE_OPTIONS` (not a tokenhub setting): cluster workers inherit it. */
  readonly nodeOptions: string | undefined;
};
export type RateLimits = Config['rateLimits'];
export type OidcSettings = Config['oidc'];
export type TokenPolicySettings = Config['tokenPolicy'];
export type MailSettings = Config['mail'];
export type SecuritySettings = Config['security'];

const isSetting = (node: Setting<unknown> | SettingTree): node is Setting<unknown> =>
  typeof node.parse === 'function';

function flatten(tree: SettingTree): Setting<unknown>[] {
  return Object.values(tree).flatMap((node) => (isSetting(node) ? [node] : flatten(node)));
}

/** The documentation rows, in the README's order. */
export const settingSpecs: readonly Setting<unknown>[] = flatten(settings);

function parseTree(tree: SettingTree, env: Record<string, string | undefined>): Record<string, unknown> {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(tree).map(([key, node]) => [
        key,
        isSetting(node) ? node.parse(env) : parseTree(node, env),
      ]),
    ),
  );
}

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
  const parsed = parseTree(settings, all) as Values<typeof settings>;
  const { host, port } = parsed;
  return Object.freeze({
    ...parsed,
    publicUrl: parsed.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    nodeOptions: all.NODE_OPTIONS,
  });
}

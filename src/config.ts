/**
 * The only reader of `process.env`. Every setting is declared once in `settingSpecs` (name,
 * default, meaning, parser); `loadConfig` validates them all, names the bad variable in its error
 * and returns a frozen object. The README's configuration table is generated from `settingSpecs`
 * (`npm run docs:config`) and a test keeps the two in step.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { RateRule } from './services/rate-limit/rate-limiter.ts';

export type DatabaseConfig = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  database: DatabaseConfig;
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
  logLevel: string;
  registryService: string;
  registryIssuer: string;
  registryTokenTtlSeconds: number;
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
  /** Fair-use throttles (docs/limits.md); `undefined` means disabled. */
  rateLimits: RateLimits;
}

export interface RateLimits {
  patCreate: RateRule | undefined;
  loginFailuresPerAccount: RateRule | undefined;
  loginFailuresPerIp: RateRule | undefined;
  tokenPerPrincipal: RateRule | undefined;
  twoFactorFailures: RateRule | undefined;
  deviceCodesPerIp: RateRule | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

interface SettingSpec {
  env: string;
  default: string;
  description: string;
}

/** Documentation rows for every setting; `loadConfig` reads exactly these names. */
export const settingSpecs: readonly SettingSpec[] = [
  { env: 'TOKENHUB_HOST', default: '127.0.0.1', description: 'Address to listen on.' },
  {
    env: 'TOKENHUB_TRUST_PROXY',
    default: 'false',
    description:
      "Behind a load balancer: `true`, or the proxies' addresses/CIDRs (comma-separated), so client IPs (audit, last used, per-IP limits) come from `X-Forwarded-For`.",
  },
  { env: 'TOKENHUB_PORT', default: '8080', description: 'TCP port to listen on (0 picks a free one).' },
  {
    env: 'TOKENHUB_PUBLIC_URL',
    default: 'http://<host>:<port>',
    description: 'Public base URL, used for pagination links and the registry realm (`<url>/token`).',
  },
  {
    env: 'TOKENHUB_DATABASE_URL',
    default: 'sqlite:./data/tokenhub.db',
    description: '`sqlite:<path>` (embedded, WAL mode) or `postgres://user@host:port/db`.',
  },
  {
    env: 'TOKENHUB_TOKEN_PREFIX',
    default: 'thub_',
    description: 'Instance prefix of token secrets (`<prefix>pat_…`); 2-16 of `a-z0-9`, ending in `_`.',
  },
  {
    env: 'TOKENHUB_SIGNUP',
    default: 'open',
    description: '`open` allows `POST /v2/users`; `closed` refuses it.',
  },
  {
    env: 'TOKENHUB_HUB_JWT_TTL_SECONDS',
    default: '600',
    description: 'Lifetime of the Hub API session JWT from the login routes, in seconds (60-86400).',
  },
  {
    env: 'TOKENHUB_AUDIT_RETENTION_DAYS',
    default: '365',
    description: 'Audit events older than this many days are deleted (hourly); `0` keeps them forever.',
  },
  {
    env: 'TOKENHUB_CONSOLE_SESSION_TTL_SECONDS',
    default: '28800',
    description: 'Lifetime of a web console sign-in (an HttpOnly cookie), in seconds (300-604800).',
  },
  {
    env: 'TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS',
    default: '5000',
    description: 'How often buffered last-used times of tokens are written, in milliseconds (100-60000).',
  },
  {
    env: 'TOKENHUB_LAST_USED_TRACKING',
    default: 'true',
    description:
      '`false` stops recording token uses: `last_used`, `last_used_ip` and `last_used_ua` then stay as they were (no last-used data). For comparison only; see bench/README.md.',
  },
  {
    env: 'TOKENHUB_WORKERS',
    default: '(number of CPU cores)',
    description:
      'Processes `tokenhub serve` runs, sharing the port (node:cluster); `1` serves from one process. `--workers` overrides it.',
  },
  {
    env: 'TOKENHUB_LOG_LEVEL',
    default: 'info',
    description: 'pino log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
  },
  {
    env: 'TOKENHUB_REGISTRY_SERVICE',
    default: 'tokenhub-registry',
    description: 'The registry `service` name; tokens are issued only for it (JWT `aud`).',
  },
  { env: 'TOKENHUB_REGISTRY_ISSUER', default: 'tokenhub', description: 'JWT `iss` the registry expects.' },
  {
    env: 'TOKENHUB_REGISTRY_TOKEN_TTL_SECONDS',
    default: '300',
    description: 'Lifetime of registry tokens from `/token`, in seconds (60-3600).',
  },
  {
    env: 'TOKENHUB_DEVICE_SIGN_IN_TTL_DAYS',
    default: '30',
    description:
      'Lifetime of a device sign-in (`/oauth/device/code`) or desktop sign-in, and of the auto-generated token it creates, in days (1-366). See docs/device-sign-in.md.',
  },
  {
    env: 'TOKENHUB_DEVICE_CODE_TTL_SECONDS',
    default: '600',
    description: 'How long a device code and its user code can be approved and polled, in seconds (60-3600).',
  },
  {
    env: 'TOKENHUB_DEVICE_POLL_INTERVAL_SECONDS',
    default: '5',
    description:
      'Minimum wait between device polls at `/oauth/token`, in seconds (1-60); faster polls get `slow_down`.',
  },
  {
    env: 'TOKENHUB_REPOSITORY_DEFAULT_PRIVATE',
    default: 'true',
    description: 'Whether a repository created by its first push is private (`true`/`false`).',
  },
  {
    env: 'TOKENHUB_SECRET_KEY',
    default: '(unset)',
    description:
      'Base64 of 32 random bytes that encrypt TOTP secrets at rest (AES-256-GCM). Set the same value on every process; when unset, the key file is used.',
  },
  {
    env: 'TOKENHUB_SECRET_KEY_FILE',
    default: './data/secret.key',
    description:
      'Where the encryption key is kept when `TOKENHUB_SECRET_KEY` is unset; created (mode 0600) on first start.',
  },
  {
    env: 'TOKENHUB_REDIS_URL',
    default: '(unset)',
    description:
      "`redis://[user:password@]host:port[/db]` (or `rediss://`): rate-limit counters shared by every process. Unset: counted in each process's memory. An unreachable Redis fails open (logged).",
  },
  {
    env: 'TOKENHUB_RATE_LIMIT_PAT_CREATE',
    default: '50/1h',
    description:
      'Personal access tokens an account may create (`POST /v2/access-tokens`) per window, as `<limit>/<window>`; the window in seconds or with `s`, `m`, `h`, `d`. `0` disables. See docs/limits.md.',
  },
  {
    env: 'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT',
    default: '10/15m',
    description:
      'Failed sign-ins per account name (Hub login routes and `/token`) before further attempts, right or wrong, get 429 until the window ends. `0` disables.',
  },
  {
    env: 'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP',
    default: '50/15m',
    description: 'Failed sign-ins per client address, as above. `0` disables.',
  },
  {
    env: 'TOKENHUB_RATE_LIMIT_TWO_FACTOR_FAILURES',
    default: '10/15m',
    description: 'Wrong two-factor codes per account (on top of 5 per login token). `0` disables.',
  },
  {
    env: 'TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP',
    default: '50/1h',
    description:
      'Device sign-ins started (`POST /oauth/device/code`) per client address. Each one is a pending request stored until it expires. `0` disables.',
  },
  {
    env: 'TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL',
    default: '0',
    description:
      'Registry tokens (`/token`) per account (`user:<id>`, password or PAT) or per OAT (`oat:<token id>`) per window, e.g. `600/1m`. `0` (the default) disables.',
  },
];

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function parseDatabase(env: Env): DatabaseConfig {
  const raw = read(env, 'TOKENHUB_DATABASE_URL') ?? 'sqlite:./data/tokenhub.db';
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError(`TOKENHUB_DATABASE_URL is not a valid URL: "${redactUrl(raw)}"`);
    }
    return { dialect: 'postgres', url: raw };
  }
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path === '')
      throw new ConfigError('TOKENHUB_DATABASE_URL: sqlite: needs a path, e.g. sqlite:./data/tokenhub.db');
    return { dialect: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  throw new ConfigError(
    `TOKENHUB_DATABASE_URL must start with sqlite: or postgres://, got "${redactUrl(raw)}"`,
  );
}

/** Hides a password in a database URL before it reaches an error message or a log line. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function parseTrustProxy(env: Env): boolean | string[] {
  const raw = read(env, 'TOKENHUB_TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  const list = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (list.some((entry) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry))) {
    throw new ConfigError(
      `TOKENHUB_TRUST_PROXY must be true, false or a comma-separated list of addresses/CIDRs, got "${raw}"`,
    );
  }
  return list;
}

function parseSecretKey(env: Env): Buffer | undefined {
  const raw = read(env, 'TOKENHUB_SECRET_KEY');
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) {
    throw new ConfigError('TOKENHUB_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
  }
  return key;
}

function parseRedisUrl(env: Env): string | undefined {
  const raw = read(env, 'TOKENHUB_REDIS_URL');
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`TOKENHUB_REDIS_URL is not a valid URL: "${redactUrl(raw)}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(
      `TOKENHUB_REDIS_URL must start with redis:// or rediss://, got "${redactUrl(raw)}"`,
    );
  }
  return raw;
}

const windowUnits: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** `<limit>/<window>` (window in seconds, or with an s/m/h/d unit); `0` or a zero limit disables. */
function rateRule(env: Env, name: string, fallback: string): RateRule | undefined {
  const raw = read(env, name) ?? fallback;
  if (raw === '0') return undefined;
  const match = /^(\d+)\/(\d+)([smhd]?)$/.exec(raw);
  if (!match) {
    throw new ConfigError(
      `${name} must be <limit>/<window> such as 10/15m or 600/60, or 0 to disable, got "${raw}"`,
    );
  }
  const limit = Number(match[1]);
  const windowSeconds = Number(match[2]) * (windowUnits[match[3] ?? ''] ?? 1);
  if (limit > 1_000_000) throw new ConfigError(`${name}: the limit must be at most 1000000, got ${limit}`);
  if (windowSeconds < 1 || windowSeconds > 7 * 86_400) {
    throw new ConfigError(`${name}: the window must be between 1 second and 7 days, got "${raw}"`);
  }
  return limit === 0 ? undefined : { limit, windowSeconds };
}

function parsePublicUrl(env: Env, host: string, port: number): string {
  const raw = read(env, 'TOKENHUB_PUBLIC_URL');
  if (raw === undefined) return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`TOKENHUB_PUBLIC_URL is not a valid URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`TOKENHUB_PUBLIC_URL must be http or https, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function parseBoolean(env: Env, name: string, fallback: boolean): boolean {
  return oneOf(env, name, fallback ? 'true' : 'false', ['true', 'false']) === 'true';
}

/**
 * Reads and validates every `TOKENHUB_*` setting.
 * @throws ConfigError naming the first bad variable.
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: Env): Readonly<Config> {
  const host = read(env, 'TOKENHUB_HOST') ?? '127.0.0.1';
  const port = integer(env, 'TOKENHUB_PORT', 8080, 0, 65535);
  const tokenPrefix = read(env, 'TOKENHUB_TOKEN_PREFIX') ?? 'thub_';
  if (!/^[a-z0-9]{1,15}_$/.test(tokenPrefix)) {
    throw new ConfigError(`TOKENHUB_TOKEN_PREFIX must be 2-16 of a-z0-9 ending in "_", got "${tokenPrefix}"`);
  }
  const config: Config = {
    host,
    port,
    publicUrl: parsePublicUrl(env, host, port),
    database: parseDatabase(env),
    tokenPrefix,
    signup: oneOf(env, 'TOKENHUB_SIGNUP', 'open', ['open', 'closed']),
    hubJwtTtlSeconds: integer(env, 'TOKENHUB_HUB_JWT_TTL_SECONDS', 600, 60, 86_400),
    trustProxy: parseTrustProxy(env),
    auditRetentionDays: integer(env, 'TOKENHUB_AUDIT_RETENTION_DAYS', 365, 0, 36_500),
    consoleSessionTtlSeconds: integer(env, 'TOKENHUB_CONSOLE_SESSION_TTL_SECONDS', 28_800, 300, 604_800),
    lastUsedFlushIntervalMs: integer(env, 'TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS', 5000, 100, 60_000),
    lastUsedTracking: parseBoolean(env, 'TOKENHUB_LAST_USED_TRACKING', true),
    workers: integer(env, 'TOKENHUB_WORKERS', availableParallelism(), 1, 256),
    logLevel: oneOf(env, 'TOKENHUB_LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    registryService: read(env, 'TOKENHUB_REGISTRY_SERVICE') ?? 'tokenhub-registry',
    registryIssuer: read(env, 'TOKENHUB_REGISTRY_ISSUER') ?? 'tokenhub',
    registryTokenTtlSeconds: integer(env, 'TOKENHUB_REGISTRY_TOKEN_TTL_SECONDS', 300, 60, 3600),
    deviceSignInTtlDays: integer(env, 'TOKENHUB_DEVICE_SIGN_IN_TTL_DAYS', 30, 1, 366),
    deviceCodeTtlSeconds: integer(env, 'TOKENHUB_DEVICE_CODE_TTL_SECONDS', 600, 60, 3600),
    devicePollIntervalSeconds: integer(env, 'TOKENHUB_DEVICE_POLL_INTERVAL_SECONDS', 5, 1, 60),
    repositoryDefaultPrivate: parseBoolean(env, 'TOKENHUB_REPOSITORY_DEFAULT_PRIVATE', true),
    secretKey: parseSecretKey(env),
    secretKeyFile: resolve(read(env, 'TOKENHUB_SECRET_KEY_FILE') ?? './data/secret.key'),
    redisUrl: parseRedisUrl(env),
    rateLimits: Object.freeze({
      patCreate: rateRule(env, 'TOKENHUB_RATE_LIMIT_PAT_CREATE', '50/1h'),
      loginFailuresPerAccount: rateRule(env, 'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT', '10/15m'),
      loginFailuresPerIp: rateRule(env, 'TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP', '50/15m'),
      tokenPerPrincipal: rateRule(env, 'TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL', '0'),
      twoFactorFailures: rateRule(env, 'TOKENHUB_RATE_LIMIT_TWO_FACTOR_FAILURES', '10/15m'),
      deviceCodesPerIp: rateRule(env, 'TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP', '50/1h'),
    }),
  };
  return Object.freeze(config);
}

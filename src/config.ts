/**
 * The only reader of `process.env`. Every setting is declared once in `settingSpecs` (name,
 * default, meaning, parser); `loadConfig` validates them all, names the bad variable in its error
 * and returns a frozen object. The README's configuration table is generated from `settingSpecs`
 * (`npm run docs:config`) and a test keeps the two in step.
 */
import { resolve } from 'node:path';

export type DatabaseConfig = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  database: DatabaseConfig;
  tokenPrefix: string;
  signup: 'open' | 'closed';
  hubJwtTtlSeconds: number;
  lastUsedFlushIntervalMs: number;
  logLevel: string;
  registryService: string;
  registryIssuer: string;
  registryTokenTtlSeconds: number;
  repositoryDefaultPrivate: boolean;
  /** 32-byte key that encrypts TOTP secrets at rest; from the variable, else from `secretKeyFile`. */
  secretKey: Buffer | undefined;
  secretKeyFile: string;
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
    env: 'TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS',
    default: '5000',
    description: 'How often buffered last-used times of tokens are written, in milliseconds (100-60000).',
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
    description: 'Where the encryption key is kept when `TOKENHUB_SECRET_KEY` is unset; created (mode 0600) on first start.',
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

function parseSecretKey(env: Env): Buffer | undefined {
  const raw = read(env, 'TOKENHUB_SECRET_KEY');
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) {
    throw new ConfigError('TOKENHUB_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
  }
  return key;
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
    lastUsedFlushIntervalMs: integer(env, 'TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS', 5000, 100, 60_000),
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
    repositoryDefaultPrivate: parseBoolean(env, 'TOKENHUB_REPOSITORY_DEFAULT_PRIVATE', true),
    secretKey: parseSecretKey(env),
    secretKeyFile: resolve(read(env, 'TOKENHUB_SECRET_KEY_FILE') ?? './data/secret.key'),
  };
  return Object.freeze(config);
}

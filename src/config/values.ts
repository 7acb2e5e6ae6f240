/**
 * How the text of a setting becomes a value: the parsers and setting builders of config.ts, which
 * states each setting with them. Nothing here reads the environment; every error names the variable.
 */
import { resolve } from 'node:path';

export type DatabaseConfig = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

/** At most `limit` hits per `windowSeconds`. A disabled limit is `undefined`, never a rule. */
export interface RateRule {
  limit: number;
  windowSeconds: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

/** One setting: its variable, the default the README shows, its documentation, and its parser. */
export interface Setting<T> {
  env: string;
  default: string;
  description: string;
  /** @throws ConfigError naming the variable. */
  parse(env: Env): T;
}

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** A setting whose default is `fallback` (also what the README shows, unless `shown` says otherwise). */
export function setting<T>(
  name: string,
  fallback: string,
  description: string,
  parse: (raw: string, name: string) => T,
  shown = fallback,
): Setting<T> {
  return { env: name, default: shown, description, parse: (env) => parse(read(env, name) ?? fallback, name) };
}

export function text(name: string, fallback: string, description: string): Setting<string> {
  return setting(name, fallback, description, (raw) => raw);
}

/**
 * A whole number in `[min, max]`. A `description` function is given the range (`60-86400`), so the
 * documented bounds are the enforced ones.
 */
export function integer(
  name: string,
  fallback: number | { value: () => number; shown: string },
  [min, max]: [number, number],
  description: string | ((range: string) => string),
): Setting<number> {
  const doc = typeof description === 'string' ? description : description(`${min}-${max}`);
  const value = typeof fallback === 'number' ? undefined : fallback.value;
  const shown = typeof fallback === 'number' ? String(fallback) : fallback.shown;
  return {
    env: name,
    default: shown,
    description: doc,
    parse(env) {
      const raw = read(env, name);
      if (raw === undefined) return value ? value() : Number(shown);
      if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
      const parsed = Number(raw);
      if (parsed < min || parsed > max)
        throw new ConfigError(`${name} must be between ${min} and ${max}, got ${parsed}`);
      return parsed;
    },
  };
}

export function oneOf<const T extends string>(
  name: string,
  fallback: T,
  allowed: readonly T[],
  description: string,
) {
  return setting(name, fallback, description, (raw): T => {
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  });
}

export function flag(name: string, fallback: boolean, description: string): Setting<boolean> {
  const values = ['true', 'false'] as const;
  const choice = oneOf(name, fallback ? 'true' : 'false', values, description);
  return { ...choice, parse: (env) => choice.parse(env) === 'true' };
}

function parseUrl(name: string, raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${redactUrl(raw)}"`);
  }
}

/** Hides a password in a database URL before it reaches an error message or a log line. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export function parseDatabase(raw: string, name: string): DatabaseConfig {
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    parseUrl(name, raw);
    return { dialect: 'postgres', url: raw };
  }
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path === '') throw new ConfigError(`${name}: sqlite: needs a path, e.g. sqlite:./data/tokenhub.db`);
    return { dialect: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  throw new ConfigError(`${name} must start with sqlite: or postgres://, got "${redactUrl(raw)}"`);
}

export function parseTrustProxy(raw: string, name: string): boolean | string[] {
  if (raw === 'false') return false;
  if (raw === 'true') return true;
  const list = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (list.some((entry) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry))) {
    throw new ConfigError(
      `${name} must be true, false or a comma-separated list of addresses/CIDRs, got "${raw}"`,
    );
  }
  return list;
}

export function parseSecretKey(raw: string, name: string): Buffer | undefined {
  if (raw === '') return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) {
    throw new ConfigError(`${name} must be 32 bytes in base64 (openssl rand -base64 32)`);
  }
  return key;
}

/** A comma-separated list; unset or empty is `undefined` (no list). */
export function list(name: string, description: string): Setting<readonly string[] | undefined> {
  return setting(
    name,
    '',
    description,
    (raw) => {
      const entries = raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean);
      return entries.length === 0 ? undefined : Object.freeze(entries);
    },
    '(unset)',
  );
}

export function parseRedisUrl(raw: string, name: string): string | undefined {
  if (raw === '') return undefined;
  const url = parseUrl(name, raw);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigError(`${name} must start with redis:// or rediss://, got "${redactUrl(raw)}"`);
  }
  return raw;
}

export function parsePublicUrl(raw: string, name: string): string | undefined {
  if (raw === '') return undefined;
  const url = parseUrl(name, raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be http or https, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

/** A secret shared with another server: unset, or at least 16 characters of no whitespace. */
export function parseSharedSecret(raw: string, name: string): string | undefined {
  if (raw === '') return undefined;
  if (raw.length < 16 || /\s/.test(raw)) {
    throw new ConfigError(`${name} must be at least 16 characters without spaces (openssl rand -hex 32)`);
  }
  return raw;
}

export function parseTokenPrefix(raw: string, name: string): string {
  if (!/^[a-z0-9]{1,15}_$/.test(raw)) {
    throw new ConfigError(`${name} must be 2-16 of a-z0-9 ending in "_", got "${raw}"`);
  }
  return raw;
}

const windowUnits: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** `<limit>/<window>` (window in seconds, or with an s/m/h/d unit); `0` or a zero limit disables. */
function parseRateRule(raw: string, name: string): RateRule | undefined {
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

export const rateLimit = (name: string, fallback: string, description: string) =>
  setting(name, fallback, description, parseRateRule);

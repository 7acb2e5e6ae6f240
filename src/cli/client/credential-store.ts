/**
 * The CLI's credential store: `$XDG_CONFIG_HOME/tokenhub/credentials.json` (directory 0700, file
 * 0600, replaced atomically). One entry per server; never a password.
 *
 * @example
 * {
 *   "current": "https://hub.example.com",
 *   "servers": {
 *     "https://hub.example.com": {
 *       "username": "alice", "kind": "auto", "token": "thub_pat_…", "signed_in_at": "2026-11-24T07:00:00.000Z"
 *     }
 *   },
 *   "registries": { "registry.example.com:5000": "https://hub.example.com" }
 * }
 *
 * `kind` says what `token` is: `auto` an auto-generated PAT from the device sign-in (revoked by
 * `logout`), `pat` a personal access token given as the password of `login --password-stdin`
 * (kept on the server by `logout`), `oat` likewise an organization access token (the username is
 * then the organization), `cli-session` the refresh token of a password session kept on the server
 * (`POST /v2/auth/cli-session`: listed among the account's sessions, ended by `logout` or from the
 * console, expiring after `TOKENHUB_CLI_SESSION_TTL_SECONDS`; never the password),
 * `password-session` a 10-minute Hub session JWT (what a password login left with a server that
 * has no CLI sessions). `registries` maps the registry hosts this
 * tokenhub serves to it, for `docker-credential-tokenhub`; it survives `logout`.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type CredentialKind = 'auto' | 'pat' | 'oat' | 'cli-session' | 'password-session';

export interface StoredCredential {
  username: string;
  kind: CredentialKind;
  token: string;
  signed_in_at: string;
  /** When the token or session expires (ISO 8601), as the server said; display only. */
  expires_at?: string;
  /** The server-side session of a `cli-session` credential (its refresh token is `token`). */
  session_id?: string;
  /**
   * A password session kept next to a token credential (`login --password-stdin` with the password
   * of the same account while signed in with a token): used where the server wants a password
   * session, until it ends; the token keeps serving docker and skopeo. With `session_id`, `token`
   * is a CLI session's refresh token, else a session JWT.
   */
  password_session?: { token: string; expires_at?: string; session_id?: string };
}

export interface CredentialFile {
  current?: string;
  servers: Record<string, StoredCredential>;
  registries: Record<string, string>;
}

export const credentialsFileName = 'credentials.json';

export function credentialsPath(configDir: string): string {
  return join(configDir, credentialsFileName);
}

/** Reads the store; a missing file is an empty store, a damaged one an error naming it. */
export function readCredentials(configDir: string): CredentialFile {
  const path = credentialsPath(configDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { servers: {}, registries: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CredentialFile>;
    return {
      ...(typeof parsed.current === 'string' ? { current: parsed.current } : {}),
      servers: parsed.servers && typeof parsed.servers === 'object' ? parsed.servers : {},
      registries: parsed.registries && typeof parsed.registries === 'object' ? parsed.registries : {},
    };
  } catch {
    throw new Error(`${path} is not valid JSON: fix or delete it`);
  }
}

/** Writes the whole store: a temp file with mode 0600 renamed over the old one. */
export function writeCredentials(configDir: string, file: CredentialFile): void {
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  chmodSync(configDir, 0o700);
  const path = credentialsPath(configDir);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

/** Read, change, write. Not locked: the last of two concurrent writers wins. */
export function updateCredentials(configDir: string, change: (file: CredentialFile) => void): CredentialFile {
  const file = readCredentials(configDir);
  change(file);
  writeCredentials(configDir, file);
  return file;
}

/**
 * The canonical form of a server URL (the store's key): scheme, host, port and path, no trailing
 * slash. A bare `host:port` gets `https://`, except loopback addresses, which get `http://`.
 * @throws Error when it is not an http(s) URL.
 */
export function normalizeServerUrl(raw: string): string {
  let text = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const loopback = /^(localhost|127\.|\[::1\])/i.test(text);
    text = `${loopback ? 'http' : 'https'}://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`not a server URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) URL: ${raw}`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * A registry host as docker and containers key it: `host[:port]`, lowercase, from a bare host or
 * a URL (`https://reg.example.com/v2/` → `reg.example.com`).
 */
export function normalizeRegistryHost(raw: string): string {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `dummy://${text}`;
  try {
    return new URL(withScheme).host.toLowerCase();
  } catch {
    return text.toLowerCase();
  }
}

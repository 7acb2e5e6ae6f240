/**
 * Which server a command talks to and with what credentials, and the authenticated requests.
 *
 * Server: `--server`, else `TOKENHUB_SERVER`, else the one `tokenhub login` used last.
 * Credentials: `TOKENHUB_TOKEN` (with `TOKENHUB_USERNAME`, or the stored username), else the store.
 * A stored or given access token is exchanged at `POST /v2/auth/token` once per run; a stored CLI
 * session's refresh token at `POST /v2/auth/refresh` (a password session: token management works
 * without a prompt until the session ends); a stored password-session JWT is sent as it is.
 *
 * Token management needs a password session (the server answers a token-derived session 403
 * "token issued from personal access token is not allowed"). On that answer the command tries the
 * password session `login --password-stdin` stored next to the token, if any; then, with a
 * terminal attached, asks for the password (and a 2FA code) and uses that session for the rest of
 * the run, storing nothing; without a terminal it fails with the API's message and a hint.
 */
import { type CliEnv, readCliEnv } from './cli-env.ts';
import { refreshCliSession } from './cli-session.ts';
import {
  type CredentialKind,
  normalizeServerUrl,
  readCredentials,
  type StoredCredential,
} from './credential-store.ts';
import { ApiError, type ApiResponse, apiRequest, type RequestOptions } from './http-client.ts';
import { exchangeForSession } from './password-login.ts';
import { canPrompt, promptSecret } from './terminal.ts';

/** Raised for a command line that cannot work (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface ServerOptions {
  server?: string;
}

interface ActiveCredential {
  username: string;
  token: string;
  kind: CredentialKind | 'env';
  /** A password session stored next to a token, for what only a password session may do. */
  passwordSession?: { token: string; refresh: boolean };
}

const tokenSessionRefused = /token issued from (personal|organization) access token is not allowed/;

let cachedEnv: CliEnv | undefined;
/** The CLI environment, read once per process. */
export function cliEnv(): CliEnv {
  cachedEnv ??= readCliEnv();
  return cachedEnv;
}

/**
 * The server a command addresses.
 * @throws Error "not logged in" when none is given or remembered (UsageError for `login`, where
 *   `--server` is the missing piece); UsageError for a malformed URL.
 */
export function resolveServer(options: ServerOptions, env: CliEnv = cliEnv(), forLogin = false): string {
  const raw = options.server ?? env.server ?? readCredentials(env.configDir).current;
  if (!raw && forLogin) throw new UsageError('which server? pass --server URL or set TOKENHUB_SERVER');
  if (!raw) throw new Error('not logged in: run tokenhub login --server URL, or set TOKENHUB_SERVER');
  try {
    return normalizeServerUrl(raw);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export class HubSession {
  readonly server: string;
  readonly credential: ActiveCredential | undefined;
  #bearer: string | undefined;
  /** Whether `#bearer` is a password session (from the store or the prompt). */
  #passwordBearer = false;

  constructor(server: string, credential: ActiveCredential | undefined) {
    this.server = server;
    this.credential = credential;
  }

  /** The session for a command's `--server` option and the environment. */
  static open(options: ServerOptions, env: CliEnv = cliEnv()): HubSession {
    const server = resolveServer(options, env);
    const stored: StoredCredential | undefined = readCredentials(env.configDir).servers[server];
    if (env.token) {
      const username = env.username ?? stored?.username;
      if (!username) {
        throw new UsageError(
          'TOKENHUB_TOKEN needs TOKENHUB_USERNAME: the account (or organization) the token belongs to',
        );
      }
      return new HubSession(server, { username, token: env.token, kind: 'env' });
    }
    return new HubSession(
      server,
      stored && {
        username: stored.username,
        token: stored.token,
        kind: stored.kind,
        ...(stored.password_session
          ? {
              passwordSession: {
                token: stored.password_session.token,
                refresh: Boolean(stored.password_session.session_id),
              },
            }
          : {}),
      },
    );
  }

  /** @throws Error when there are no credentials for this server. */
  requireCredential(): ActiveCredential {
    if (!this.credential) {
      throw new Error(`not logged in to ${this.server}: run tokenhub login --server ${this.server}`);
    }
    return this.credential;
  }

  /**
   * Asks the server whether the credential still works (an access token is exchanged for a
   * session), without a request of its own: for `whoami` with an organization access token.
   * @throws ApiError as the server answered (401 for an unknown token or wrong organization name).
   */
  async confirmCredential(): Promise<void> {
    await this.#sessionBearer();
  }

  async #sessionBearer(): Promise<string> {
    const credential = this.requireCredential();
    if (this.#bearer) return this.#bearer;
    if (credential.kind === 'password-session') return this.#adoptPasswordSession(credential.token);
    if (credential.kind === 'cli-session') {
      return this.#adoptPasswordSession(await refreshCliSession(this.server, credential.token));
    }
    try {
      this.#bearer = await exchangeForSession(this.server, credential.username, credential.token);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      const where = credential.kind === 'env' ? 'TOKENHUB_TOKEN' : `the stored token for ${this.server}`;
      throw new ApiError(
        401,
        `${error.message} (${where} no longer works: run tokenhub login)`,
        error.code,
        error.body,
      );
    }
    return this.#bearer;
  }

  #adoptPasswordSession(jwt: string): string {
    this.#bearer = jwt;
    this.#passwordBearer = true;
    return jwt;
  }

  async #askForPassword(): Promise<string> {
    const { username } = this.requireCredential();
    const password = await promptSecret(`Password for ${username} on ${this.server}: `);
    return this.#adoptPasswordSession(await exchangeForSession(this.server, username, password));
  }

  /**
   * A request with the session (`auth: 'optional'` sends none when logged out, for public reads).
   * When the server wants a password session, tries the stored one (`login --password-stdin`),
   * then asks for the password on a terminal.
   * @throws ApiError with the API's message (plus a hint where one helps).
   */
  async request<T>(
    method: string,
    path: string,
    options: Omit<RequestOptions, 'bearer'> & { auth?: 'required' | 'optional' } = {},
  ): Promise<ApiResponse<T>> {
    if (options.auth === 'optional' && !this.credential) {
      return apiRequest<T>(this.server, method, path, options);
    }
    const bearer = await this.#sessionBearer();
    try {
      return await apiRequest<T>(this.server, method, path, { ...options, bearer });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const refusedToken = error.status === 403 && tokenSessionRefused.test(error.message);
      const expiredPassword = error.status === 401 && this.#passwordBearer;
      if (!refusedToken && !expiredPassword) throw error;
      const stored = this.credential?.passwordSession;
      if (refusedToken && stored && !this.#passwordBearer) {
        this.#adoptPasswordSession(
          stored.refresh ? await refreshCliSession(this.server, stored.token) : stored.token,
        );
        return this.request<T>(method, path, options);
      }
      if (canPrompt() && this.credential?.kind !== 'env') {
        return apiRequest<T>(this.server, method, path, { ...options, bearer: await this.#askForPassword() });
      }
      throw new ApiError(error.status, `${error.message}${this.#hint(refusedToken)}`, error.code, error.body);
    }
  }

  #hint(refusedToken: boolean): string {
    const user = this.credential?.username ?? 'USER';
    const login = `tokenhub login --username ${user} --password-stdin`;
    if (!refusedToken) {
      return ` (the password session from '${login}' lasts 10 minutes: log in again, or run this in a terminal)`;
    }
    return ` (this needs a password sign-in: run this in a terminal to be asked for the password, or '${login}' first)`;
  }
}

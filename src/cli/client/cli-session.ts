/**
 * CLI sessions: a password sign-in kept on the server (tokenhub extension, docs/cli.md). `login`
 * opens one and stores only its refresh token; each run trades it for a short password-session JWT
 * (`POST /v2/auth/refresh`), so token management needs no password again until the session ends;
 * `logout` ends it on the server (`DELETE /v2/console/session` with that JWT).
 */
import { hostname } from 'node:os';
import type { CliSession, RefreshedSession } from '../../api/contract/account-sessions.contract.ts';
import { ApiError, apiRequest } from './http-client.ts';

/**
 * Opens a CLI session with a just-issued password-session JWT.
 * @returns undefined when the server has no CLI sessions (an older tokenhub: 404).
 */
export async function openCliSession(server: string, passwordJwt: string): Promise<CliSession | undefined> {
  try {
    const { body } = await apiRequest<CliSession>(server, 'POST', '/v2/auth/cli-session', {
      bearer: passwordJwt,
      json: { device: hostname().slice(0, 100) },
    });
    return body;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * A password-session JWT for the CLI session of `refreshToken`.
 * @throws ApiError 401 "…: run tokenhub login" once the session ended (signed out, revoked, expired).
 */
export async function refreshCliSession(server: string, refreshToken: string): Promise<string> {
  try {
    const { body } = await apiRequest<RefreshedSession>(server, 'POST', '/v2/auth/refresh', {
      json: { refresh_token: refreshToken },
    });
    return body.access_token;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      throw new ApiError(
        401,
        `your sign-in to ${server} has ended (signed out, revoked or expired): run tokenhub login`,
        error.code,
        error.body,
      );
    }
    throw error;
  }
}

/** Ends the CLI session on the server. A session that already ended counts as ended. */
export async function endCliSession(server: string, refreshToken: string): Promise<void> {
  let jwt: string;
  try {
    jwt = await refreshCliSession(server, refreshToken);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return;
    throw error;
  }
  await apiRequest(server, 'DELETE', '/v2/console/session', { bearer: jwt });
}

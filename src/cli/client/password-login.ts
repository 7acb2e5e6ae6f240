/**
 * A password (or token) login at `POST /v2/auth/token`, with the two-factor step
 * (`POST /v2/users/2fa-login`) when the account asks for it and a terminal is attached.
 */
import { decodeJwt } from 'jose';
import { ApiError, apiRequest } from './http-client.ts';
import { canPrompt, promptLine } from './terminal.ts';

/** Docker Hub's `login_2fa_token` reply to a correct password with 2FA on (PROTOCOLS.md §1). */
function secondStepToken(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 401) return undefined;
  const token = error.body.login_2fa_token;
  return typeof token === 'string' ? token : undefined;
}

/**
 * Exchanges `identifier` + `secret` for a Hub session JWT.
 * @throws ApiError as the server answered; Error when 2FA is on and no terminal can ask for a code.
 */
export async function exchangeForSession(
  server: string,
  identifier: string,
  secret: string,
): Promise<string> {
  try {
    const { body } = await apiRequest<{ access_token: string }>(server, 'POST', '/v2/auth/token', {
      json: { identifier, secret },
    });
    return body.access_token;
  } catch (error) {
    const loginToken = secondStepToken(error);
    if (loginToken === undefined) throw error;
    if (!canPrompt()) {
      throw new Error(
        `two-factor authentication is on for ${identifier}: run this in a terminal to enter a code, ` +
          'or use a personal access token as the password',
      );
    }
    const code = await promptLine('Two-factor code (or a recovery code): ');
    const { body } = await apiRequest<{ token: string }>(server, 'POST', '/v2/users/2fa-login', {
      json: { login_2fa_token: loginToken, code },
    });
    return body.token;
  }
}

/** `exp` of a JWT as ISO 8601, read without verifying (for display only), or undefined. */
export function jwtExpiry(jwt: string): string | undefined {
  try {
    const { exp } = decodeJwt(jwt);
    return typeof exp === 'number' ? new Date(exp * 1000).toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What kind of access token a secret is shaped like (`<prefix>pat_…` or `<prefix>oat_…`, 32 body
 * + 6 checksum characters), or undefined for anything else (a password). A token is stored as
 * given; a password never is.
 */
export function accessTokenKind(secret: string): 'pat' | 'oat' | undefined {
  const match = /^[a-z0-9_]*(pat|oat)_[0-9A-Za-z]{38}$/.exec(secret);
  return match?.[1] === 'pat' || match?.[1] === 'oat' ? match[1] : undefined;
}

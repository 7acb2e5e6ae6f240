/**
 * The device sign-in of `tokenhub login` (RFC 8628; docs/device-sign-in.md): ask for a device code,
 * show the verification URL and user code, poll `POST /oauth/token` every `interval` seconds
 * (five more after each `slow_down`, §3.5) until the user approves or denies in the browser or the
 * code expires. The answer is a new auto-generated PAT (`generated_by: "auto"`, repo:admin) for
 * docker, and (`scope=session`) the refresh token of a CLI session for token management, so one
 * sign-in serves both.
 */

import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceAuthorizationObject } from '../../api/contract/device-sign-in.contract.ts';
import { ApiError, apiRequest } from './http-client.ts';
import { startSpinner } from './terminal.ts';

export const cliClientId = 'tokenhub-cli';
const deviceGrantType = 'urn:ietf:params:oauth:grant-type:device_code';
const slowDownStepSeconds = 5;

export interface DeviceGrant {
  token: string;
  /** Seconds until the token and its sign-in expire. */
  expiresIn: number | undefined;
  /** The approving account, when the server names it (an optional extra parameter). */
  username: string | undefined;
  /** The CLI session asked for with the token, when the server opened one. */
  session: { refreshToken: string; id: string; expiresAt: string | undefined } | undefined;
}

/**
 * Runs the whole flow; instructions and the spinner go to stderr.
 * @throws Error with the reason when the request was denied, expired or refused.
 */
export async function deviceSignIn(server: string): Promise<DeviceGrant> {
  const { body: start } = await apiRequest<DeviceAuthorizationObject>(server, 'POST', '/oauth/device/code', {
    form: { client_id: cliClientId, client_name: `tokenhub CLI on ${hostname()}`, scope: 'session' },
  });
  const url = start.verification_uri_complete ?? start.verification_uri;
  process.stderr.write(
    `To sign in, open this page in a browser:\n\n  ${url}\n\n` +
      `and check that it shows the code ${start.user_code}\n\n`,
  );
  let intervalSeconds = Math.max(1, start.interval ?? 5);
  const deadline = Date.now() + start.expires_in * 1000;
  const spinner = startSpinner('Waiting for you to approve the sign-in…');
  try {
    while (Date.now() < deadline) {
      await sleep(intervalSeconds * 1000);
      try {
        const { body } = await apiRequest<Record<string, unknown>>(server, 'POST', '/oauth/token', {
          form: { grant_type: deviceGrantType, device_code: start.device_code, client_id: cliClientId },
        });
        const token = body.access_token;
        if (typeof token !== 'string') throw new Error('the server answered without an access token');
        const refreshToken = body.refresh_token;
        const sessionId = body.session_id;
        return {
          token,
          expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
          username: typeof body.username === 'string' ? body.username : undefined,
          session:
            typeof refreshToken === 'string' && typeof sessionId === 'string'
              ? {
                  refreshToken,
                  id: sessionId,
                  expiresAt:
                    typeof body.session_expires_at === 'string' ? body.session_expires_at : undefined,
                }
              : undefined,
        };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.code === 'authorization_pending') continue;
        if (error.code === 'slow_down') {
          intervalSeconds += slowDownStepSeconds;
          continue;
        }
        if (error.code === 'access_denied') throw new Error('the sign-in was denied in the browser');
        if (error.code === 'expired_token') {
          throw new Error('the code expired before it was approved: run tokenhub login again');
        }
        throw error;
      }
    }
    throw new Error('the code expired before it was approved: run tokenhub login again');
  } finally {
    spinner.stop();
  }
}

/** Revokes an auto-generated token (RFC 7009; the server answers 200 whatever the token). */
export async function revokeAutoToken(server: string, token: string): Promise<void> {
  await apiRequest(server, 'POST', '/oauth/revoke', {
    form: { token, token_type_hint: 'access_token', client_id: cliClientId },
  });
}

/**
 * Accounts, organizations and tokens made through a running node's HTTP API (and, for what has no
 * API, the operator command), for the multi-process suites.
 */
import { expect } from 'vitest';
import { runCommand } from './clients.ts';
import { type CallResult, call } from './tokenhub-process.ts';

const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;
export const password = 'a long password';

function expectStatus(result: CallResult, status: number, what: string): void {
  if (result.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${result.status} ${result.error ?? result.text}`);
  }
}

/** Signs up `username` and returns a password session JWT. */
export async function signUp(url: string, username: string): Promise<string> {
  const created = await call(url, {
    method: 'POST',
    path: '/v2/users',
    body: { username, email: `${username}@example.com`, password },
  });
  expectStatus(created, 201, `sign-up of ${username}`);
  return login(url, username);
}

export async function login(url: string, username: string): Promise<string> {
  const res = await call(url, { method: 'POST', path: '/v2/users/login', body: { username, password } });
  expectStatus(res, 200, `login of ${username}`);
  return res.json.token as string;
}

export async function createPat(
  url: string,
  jwt: string,
  label: string,
  scopes = ['repo:write'],
): Promise<{ uuid: string; token: string }> {
  const res = await call(url, {
    method: 'POST',
    path: '/v2/access-tokens',
    bearer: jwt,
    body: { token_label: label, scopes },
  });
  expectStatus(res, 201, `PAT ${label}`);
  return { uuid: res.json.uuid, token: res.json.token };
}

/** An organization owned by the session's user, on `tier` (set with the operator command). */
export async function createOrg(
  url: string,
  jwt: string,
  name: string,
  tier: 'free' | 'team' | 'business',
  env: Record<string, string>,
): Promise<void> {
  const res = await call(url, { method: 'POST', path: '/v2/orgs', bearer: jwt, body: { name } });
  expectStatus(res, 201, `organization ${name}`);
  if (tier !== 'free') await admin(env, ['set-tier', name, tier]);
}

/** Runs `tokenhub admin …` on the node's store. */
export async function admin(env: Record<string, string>, args: string[]): Promise<string> {
  const result = await runCommand(process.execPath, [bin, 'admin', ...args], { env, timeoutMs: 60_000 });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** The body of `POST /v2/orgs/{org}/access-tokens` for a pull token of every repository. */
export function oatBody(org: string, label: string) {
  return {
    label,
    resources: [{ type: 'TYPE_REPO', path: `${org}/*`, scopes: ['scope-image-pull'] }],
  };
}

/** `GET /token` with Basic credentials for a push and pull scope on `<user>/app`. */
export function tokenRequest(url: string, username: string, secret: string, timeoutMs?: number) {
  return call(url, {
    path: `/token?service=tokenhub-registry&scope=repository:${username}/app:pull,push`,
    basic: { username, password: secret },
    ...(timeoutMs ? { timeoutMs } : {}),
  });
}

/** A device sign-in started and approved by `jwt`'s user; resolves with its device code. */
export async function approvedDeviceCode(url: string, jwt: string, clientId: string): Promise<string> {
  const started = await call(url, {
    method: 'POST',
    path: '/oauth/device/code',
    body: new URLSearchParams({ client_id: clientId, client_name: `${clientId} test` }),
  });
  expectStatus(started, 200, 'device code');
  const approved = await call(url, {
    method: 'POST',
    path: '/v2/device/verify',
    bearer: jwt,
    body: { user_code: started.json.user_code, action: 'approve' },
  });
  expectStatus(approved, 200, 'device approval');
  return started.json.device_code as string;
}

export function pollDevice(url: string, deviceCode: string, clientId: string) {
  return call(url, {
    method: 'POST',
    path: '/oauth/token',
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: deviceCode,
      client_id: clientId,
    }),
  });
}

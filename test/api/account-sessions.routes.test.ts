/**
 * Password sessions on the server: every password sign-in is listed (console, Hub login, CLI), and
 * ending one (sign-out, revoke one, revoke the others, a password change, expiry) makes its cookie,
 * JWT or refresh token refused at the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let password: string;

beforeAll(async () => {
  t = await createTestApp({ env: { TOKENHUB_CLI_SESSION_TTL_SECONDS: '86400' } });
  password = await t.signUp('alice');
  await t.signUp('bobby');
});
afterAll(async () => t.close());

const me = (jwt: string) => t.inject({ method: 'GET', url: '/v2/users/me', jwt });
const list = async (jwt: string) =>
  (await t.inject({ method: 'GET', url: '/v2/users/me/sessions', jwt })).json().results as Array<{
    id: string;
    kind: string;
    device: string;
    ip: string;
    current: boolean;
    last_seen_at: string;
  }>;

async function consoleSignIn() {
  const res = await t.inject({
    method: 'POST',
    url: '/v2/console/session',
    body: { username: 'alice', password },
  });
  const cookie = res.cookies.find((c) => c.name === 'tokenhub_session')?.value ?? '';
  return { cookie, csrf: res.json().csrf_token as string };
}

async function cliSession(jwt: string, device = 'laptop') {
  const res = await t.inject({ method: 'POST', url: '/v2/auth/cli-session', jwt, body: { device } });
  expect(res.statusCode).toBe(201);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.json() as { session_id: string; refresh_token: string; expires_at: string };
}

const refresh = (refresh_token: string) =>
  t.inject({ method: 'POST', url: '/v2/auth/refresh', body: { refresh_token } });

describe('listing', () => {
  it('lists console, API and CLI sessions with device, address and last seen; marks the current one', async () => {
    const api = await t.login('alice', password);
    await consoleSignIn();
    const cli = await cliSession(api);
    const sessions = await list(api);
    expect(sessions.map((s) => s.kind).sort()).toEqual(expect.arrayContaining(['api', 'cli', 'console']));
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const cliRow = sessions.find((s) => s.id === cli.session_id);
    expect(cliRow).toMatchObject({ kind: 'cli', device: 'laptop', ip: '127.0.0.1', current: false });
    // Nothing secret in the list.
    expect(JSON.stringify(sessions)).not.toContain(cli.refresh_token);
    // Another account sees none of them.
    const bobby = await t.login('bobby', 'correct horse battery');
    expect((await list(bobby)).map((s) => s.id)).not.toContain(cli.session_id);
  });
});

describe('ending sessions', () => {
  it('DELETE /v2/console/session ends the cookie session on the server, not only in the browser', async () => {
    const { cookie, csrf } = await consoleSignIn();
    const headers = { cookie: `tokenhub_session=${cookie}` };
    expect((await t.inject({ method: 'GET', url: '/v2/console/session', headers })).statusCode).toBe(200);
    const out = await t.inject({
      method: 'DELETE',
      url: '/v2/console/session',
      headers: { ...headers, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    // A copy of the cookie kept by an attacker (or a second tab) is refused from now on.
    expect((await t.inject({ method: 'GET', url: '/v2/console/session', headers })).statusCode).toBe(401);
    expect((await t.inject({ method: 'GET', url: '/v2/access-tokens', headers })).statusCode).toBe(401);
  });

  it('a CLI refresh token buys password-session JWTs that manage tokens, until it is signed out', async () => {
    const cli = await cliSession(await t.login('alice', password));
    const first = await refresh(cli.refresh_token);
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const jwt = first.json().access_token as string;
    expect((await t.createPat(jwt, { token_label: 'from the cli' })).token).toMatch(/^thub_pat_/);
    // A day of commands later, still no password.
    t.clock.advanceSeconds(20 * 3600);
    const later = (await refresh(cli.refresh_token)).json().access_token as string;
    expect((await t.inject({ method: 'GET', url: '/v2/access-tokens', jwt: later })).statusCode).toBe(200);

    // tokenhub logout: DELETE /v2/console/session with the bearer ends the CLI session.
    expect((await t.inject({ method: 'DELETE', url: '/v2/console/session', jwt: later })).statusCode).toBe(
      204,
    );
    expect((await me(later)).statusCode).toBe(401);
    expect((await refresh(cli.refresh_token)).statusCode).toBe(401);
  });

  it('one session is revoked by id from another; the rest keep working', async () => {
    const mine = await t.login('alice', password);
    const other = await t.login('alice', password);
    const cli = await cliSession(other);
    const otherId = (await list(other)).find((s) => s.current)?.id ?? '';
    expect(
      (await t.inject({ method: 'DELETE', url: `/v2/users/me/sessions/${otherId}`, jwt: mine })).statusCode,
    ).toBe(204);
    expect((await me(other)).statusCode).toBe(401);
    expect((await me(mine)).statusCode).toBe(200);
    // The CLI session opened from it is a session of its own: it keeps working.
    expect((await refresh(cli.refresh_token)).statusCode).toBe(200);
    // Twice, or someone else's, or not an id: 404 / 400, never 500.
    expect(
      (await t.inject({ method: 'DELETE', url: `/v2/users/me/sessions/${otherId}`, jwt: mine })).statusCode,
    ).toBe(404);
    const bobby = await t.login('bobby', 'correct horse battery');
    expect(
      (await t.inject({ method: 'DELETE', url: `/v2/users/me/sessions/${cli.session_id}`, jwt: bobby }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.inject({ method: 'DELETE', url: '/v2/users/me/sessions/nope%00', jwt: mine })).statusCode,
    ).toBe(400);
  });

  it('signing out everywhere else keeps only the current session', async () => {
    const keep = await t.login('alice', password);
    const gone = await t.login('alice', password);
    const cli = await cliSession(gone);
    expect((await t.inject({ method: 'DELETE', url: '/v2/users/me/sessions', jwt: keep })).statusCode).toBe(
      204,
    );
    expect((await me(gone)).statusCode).toBe(401);
    expect((await refresh(cli.refresh_token)).statusCode).toBe(401);
    expect((await me(keep)).statusCode).toBe(200);
    expect((await list(keep)).map((s) => s.current)).toEqual([true]);
  });

  it('a password change and the session lifetime end CLI sessions', async () => {
    await t.signUp('carol', 'first password');
    const cli = await cliSession(await t.login('carol', 'first password'));
    const jwt = await t.login('carol', 'first password');
    t.clock.advanceSeconds(1);
    await t.inject({
      method: 'PUT',
      url: '/v2/users/me/password',
      jwt,
      body: { current_password: 'first password', new_password: 'second password' },
    });
    expect((await refresh(cli.refresh_token)).statusCode).toBe(401);

    const next = await cliSession(await t.login('carol', 'second password'));
    t.clock.advanceSeconds(86_401);
    const expired = await refresh(next.refresh_token);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toMatch(/log in again/);
  });

  it('bad input is a 4xx with a message', async () => {
    const jwt = await t.login('alice', password);
    for (const body of [{ refresh_token: '' }, { refresh_token: 'x'.repeat(500) }, {}]) {
      expect((await t.inject({ method: 'POST', url: '/v2/auth/refresh', body })).statusCode).toBe(400);
    }
    expect((await refresh('thub_session_made-up')).statusCode).toBe(401);
    const nul = await t.inject({
      method: 'POST',
      url: '/v2/auth/cli-session',
      jwt,
      body: { device: 'a\u0000b' },
    });
    expect(nul.statusCode).toBe(400);
    const long = await t.inject({
      method: 'POST',
      url: '/v2/auth/cli-session',
      jwt,
      body: { device: 'd'.repeat(101) },
    });
    expect(long.statusCode).toBe(400);
  });
});

const fixture = () => ({ t, username: 'alice', password });
describe('shared security suite', () => {
  runSharedSecuritySuite(fixture, { method: 'GET', url: '/v2/users/me/sessions', allows: ['password'] });
  runSharedSecuritySuite(fixture, { method: 'DELETE', url: '/v2/users/me/sessions', allows: ['password'] });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/users/me/sessions/00000000-0000-4000-8000-000000000000',
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/auth/cli-session',
    body: { device: 'x' },
    allows: ['password'],
  });
});

describe('audit and throttling', () => {
  const events = async (jwt: string) =>
    (await t.inject({ method: 'GET', url: '/v2/auditlogs/alice?page_size=100', jwt })).json().logs as Array<{
      action: string;
      name: string;
      data: Record<string, string>;
    }>;

  it('ending one session and ending the others are in the account’s activity, with what ended', async () => {
    const keep = await t.login('alice', password);
    const cli = await cliSession(await t.login('alice', password), 'build-box');
    expect(
      (await t.inject({ method: 'DELETE', url: `/v2/users/me/sessions/${cli.session_id}`, jwt: keep }))
        .statusCode,
    ).toBe(204);
    await t.login('alice', password);
    await t.login('alice', password);
    const others = String((await list(keep)).length - 1);
    expect((await t.inject({ method: 'DELETE', url: '/v2/users/me/sessions', jwt: keep })).statusCode).toBe(
      204,
    );
    const log = await events(keep);
    expect(log.find((e) => e.action === 'account.session.end')).toMatchObject({
      name: 'build-box',
      data: { session_id: cli.session_id, kind: 'cli', ip: '127.0.0.1' },
    });
    expect(log.find((e) => e.action === 'account.session.end_others')).toMatchObject({
      name: `${others} sessions`,
      data: { count: others },
    });
  });

  it('wrong refresh tokens count per address and get 429 past the limit; a valid one is never refused', async () => {
    const limited = await createTestApp({ env: { TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '3/15m' } });
    try {
      const pw = await limited.signUp('dora');
      const opened = await limited.inject({
        method: 'POST',
        url: '/v2/auth/cli-session',
        jwt: await limited.login('dora', pw),
        body: {},
      });
      const guess = () =>
        limited.inject({
          method: 'POST',
          url: '/v2/auth/refresh',
          body: { refresh_token: `thub_session_${'A'.repeat(43)}` },
        });
      expect((await guess()).statusCode).toBe(401);
      expect((await guess()).statusCode).toBe(401);
      expect((await guess()).statusCode).toBe(401);
      const refused = await guess();
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      const valid = await limited.inject({
        method: 'POST',
        url: '/v2/auth/refresh',
        body: { refresh_token: opened.json().refresh_token },
      });
      expect(valid.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let password: string;

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
});
afterAll(async () => t.close());

async function signIn(username = 'alice', secret = password) {
  const res = await t.inject({
    method: 'POST',
    url: '/v2/console/session',
    body: { username, password: secret },
  });
  const cookie = res.cookies.find((c) => c.name === 'tokenhub_session');
  return { res, cookie, csrf: res.statusCode === 200 ? (res.json().csrf_token as string) : '' };
}

const withCookie = (value: string, extra: Record<string, string> = {}) => ({
  cookie: `tokenhub_session=${value}`,
  ...extra,
});

describe('console sessions', () => {
  it('sign-in sets an HttpOnly, SameSite=Strict cookie and answers a CSRF token, never the JWT', async () => {
    const { res, cookie, csrf } = await signIn();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: 'alice', is_admin: false, csrf_token: expect.any(String) });
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 28_800 });
    expect(cookie?.secure).toBeFalsy();
    expect(res.body).not.toContain(cookie?.value ?? 'x');
    const session = await t.inject({
      method: 'GET',
      url: '/v2/console/session',
      headers: withCookie(cookie?.value ?? ''),
    });
    expect(session.json()).toMatchObject({ username: 'alice', csrf_token: csrf });
  });

  it('cookie sessions may read without a CSRF token but must send it to change anything', async () => {
    const { cookie, csrf } = await signIn();
    const headers = withCookie(cookie?.value ?? '');
    expect((await t.inject({ method: 'GET', url: '/v2/access-tokens', headers })).statusCode).toBe(200);
    const body = { token_label: 'from the console', scopes: ['repo:read'] };
    const noCsrf = await t.inject({ method: 'POST', url: '/v2/access-tokens', headers, body });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().message).toMatch(/CSRF/);
    const wrong = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      headers: { ...headers, 'x-csrf-token': `${csrf}x` },
      body,
    });
    expect(wrong.statusCode).toBe(403);
    const other = await signIn();
    const foreign = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      headers: { ...headers, 'x-csrf-token': other.csrf },
      body,
    });
    expect(foreign.statusCode).toBe(403);
    const ok = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      headers: { ...headers, 'x-csrf-token': csrf },
      body,
    });
    expect(ok.statusCode).toBe(201);
  });

  it('refuses a token as the console password, and wrong passwords', async () => {
    const pat = await t.createPat(await t.login('alice', password), { scopes: ['repo:admin'] });
    const res = (await signIn('alice', pat.token)).res;
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/with your password/);
    expect((await signIn('alice', 'nope nope')).res.statusCode).toBe(401);
    expect((await signIn('alice', 'nope nope')).cookie).toBeUndefined();
  });

  it('asks for the second step when 2FA is on', async () => {
    const p = await t.signUp('bobby');
    const jwt = await t.login('bobby', p);
    const { secret } = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(secret, t.clock.now()) },
    });
    t.clock.advanceSeconds(30);
    const first = await signIn('bobby', p);
    expect(first.res.statusCode).toBe(401);
    expect(first.cookie).toBeUndefined();
    const second = await t.inject({
      method: 'POST',
      url: '/v2/console/session/2fa',
      body: { login_2fa_token: first.res.json().login_2fa_token, code: totpCode(secret, t.clock.now()) },
    });
    expect(second.statusCode).toBe(200);
    expect(second.cookies.find((c) => c.name === 'tokenhub_session')?.httpOnly).toBe(true);
  });

  it('sign-out clears the cookie; an expired cookie is refused', async () => {
    const { cookie } = await signIn();
    const out = await t.inject({
      method: 'DELETE',
      url: '/v2/console/session',
      headers: withCookie(cookie?.value ?? ''),
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'tokenhub_session')?.value).toBe('');
    const before = t.clock.now();
    t.clock.advanceSeconds(28_801);
    try {
      expect(
        (
          await t.inject({
            method: 'GET',
            url: '/v2/console/session',
            headers: withCookie(cookie?.value ?? ''),
          })
        ).statusCode,
      ).toBe(401);
    } finally {
      t.clock.set(before);
    }
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const https = await createTestApp({ env: { TOKENHUB_PUBLIC_URL: 'https://hub.example.com' } });
    try {
      const p = await https.signUp('carol');
      const res = await https.inject({
        method: 'POST',
        url: '/v2/console/session',
        body: { username: 'carol', password: p },
      });
      expect(res.cookies.find((c) => c.name === 'tokenhub_session')?.secure).toBe(true);
    } finally {
      await https.close();
    }
  });
});

describe('shared security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  runSharedSecuritySuite(fixture, { method: 'GET', url: '/v2/console/session', allows: ['password'] });
});

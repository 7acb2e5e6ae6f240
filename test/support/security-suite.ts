/**
 * The shared security suite (STYLE.md habit 11): every Hub route that needs a session runs it.
 * It checks that no credentials, a malformed header, a forged or expired session, a raw token used
 * as a bearer, and a session of a revoked PAT are refused with 401, and that a PAT-derived session
 * gets 403 where only a password session may act.
 */
import { expect, it } from 'vitest';
import type { PrincipalKind } from '../../src/services/sign-in/who-asks.ts';
import type { InjectOptions, TestApp } from './app-harness.ts';

export interface SecurityFixture {
  t: TestApp;
  /** Username of an account with a password session and a PAT. */
  username: string;
  password: string;
}

export interface GuardedRoute {
  method: InjectOptions['method'];
  url: string;
  body?: unknown;
  /** Principal kinds the route accepts. */
  allows: readonly PrincipalKind[];
}

export function runSharedSecuritySuite(fixture: () => SecurityFixture, route: GuardedRoute): void {
  const call = (extra: Partial<InjectOptions>) =>
    fixture().t.inject({ method: route.method, url: route.url, body: route.body, ...extra });

  it(`${route.method} ${route.url}: no credentials → 401`, async () => {
    const res = await call({});
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ detail: expect.any(String), message: expect.any(String) });
  });

  it(`${route.method} ${route.url}: malformed Authorization header → 401`, async () => {
    expect((await call({ headers: { authorization: 'Basic abc' } })).statusCode).toBe(401);
    expect((await call({ headers: { authorization: 'Bearer' } })).statusCode).toBe(401);
  });

  it(`${route.method} ${route.url}: forged session → 401`, async () => {
    const { t, username, password } = fixture();
    const jwt = await t.login(username, password);
    const [header, payload] = jwt.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    expect((await call({ jwt: forged })).statusCode).toBe(401);
    expect((await call({ jwt: 'not-a-jwt' })).statusCode).toBe(401);
  });

  it(`${route.method} ${route.url}: expired session → 401`, async () => {
    const { t, username, password } = fixture();
    const jwt = await t.login(username, password);
    const before = t.clock.now();
    t.clock.advanceSeconds(t.config.hubJwtTtlSeconds + 1);
    try {
      expect((await call({ jwt })).statusCode).toBe(401);
    } finally {
      t.clock.set(before);
    }
  });

  it(`${route.method} ${route.url}: a raw access token as the bearer → 401`, async () => {
    const { t, username, password } = fixture();
    const pat = await t.createPat(await t.login(username, password), { scopes: ['repo:admin'] });
    const res = await call({ jwt: pat.token });
    expect(res.statusCode).toBe(401);
  });

  it(`${route.method} ${route.url}: session from a PAT → ${route.allows.includes('pat') ? 'allowed' : '403'}`, async () => {
    const { t, username, password } = fixture();
    const pat = await t.createPat(await t.login(username, password), { scopes: ['repo:admin'] });
    const res = await call({ jwt: await t.login(username, pat.token) });
    if (route.allows.includes('pat')) {
      expect(res.statusCode).not.toBe(401);
      expect(res.statusCode).not.toBe(403);
    } else {
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toBe('token issued from personal access token is not allowed');
    }
  });

  it(`${route.method} ${route.url}: session of a deactivated PAT → 401`, async () => {
    const { t, username, password } = fixture();
    const passwordJwt = await t.login(username, password);
    const pat = await t.createPat(passwordJwt, { scopes: ['repo:admin'] });
    const patJwt = await t.login(username, pat.token);
    const off = await t.inject({
      method: 'PATCH',
      url: `/v2/access-tokens/${pat.uuid}`,
      jwt: passwordJwt,
      body: { is_active: false },
    });
    expect(off.statusCode).toBe(200);
    expect((await call({ jwt: patJwt })).statusCode).toBe(401);
  });
}

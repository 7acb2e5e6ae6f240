import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let password: string;
beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
});
afterAll(async () => t.close());

describe('POST /v2/users', () => {
  it('signs up with Docker ID rules, case-insensitively unique', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/users',
      body: { username: 'Carol2', email: 'carol@example.com', password: 'long enough pw' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'carol2', email: 'carol@example.com', is_admin: false });
    expect(res.body).not.toContain('argon2');
    const again = await t.inject({
      method: 'POST',
      url: '/v2/users',
      body: { username: 'CAROL2', email: 'c@example.com', password: 'long enough pw' },
    });
    expect(again.statusCode).toBe(409);
  });

  it.each([
    [{ username: 'abc', email: 'a@example.com', password: 'long enough pw' }, 'username'],
    [{ username: 'a'.repeat(31), email: 'a@example.com', password: 'long enough pw' }, 'username'],
    [{ username: 'with_underscore', email: 'a@example.com', password: 'long enough pw' }, 'username'],
    [{ username: 'validname', email: 'not-an-email', password: 'long enough pw' }, 'email'],
    [{ username: 'validname', email: 'a@example.com', password: 'short' }, 'password'],
    [{ username: 'validname', email: 'a@example.com' }, 'password'],
  ])('refuses %j naming %s', async (body, field) => {
    const res = await t.inject({ method: 'POST', url: '/v2/users', body });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().fields)).toContain(field);
  });

  it('is refused when sign-up is closed', async () => {
    const closed = await createTestApp({ env: { TOKENHUB_SIGNUP: 'closed' } });
    try {
      const res = await closed.inject({
        method: 'POST',
        url: '/v2/users',
        body: { username: 'eveeve', email: 'e@example.com', password: 'long enough pw' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().message).toBe('sign-up is closed on this instance');
    } finally {
      await closed.close();
    }
  });
});

describe('PUT /v2/users/me/password', () => {
  it('needs the current password, then ends older sessions', async () => {
    await t.signUp('dave', 'first password');
    const jwt = await t.login('dave', 'first password');
    const wrong = await t.inject({
      method: 'PUT',
      url: '/v2/users/me/password',
      jwt,
      body: { current_password: 'nope nope', new_password: 'second password' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().fields).toEqual({ current_password: ['the current password is incorrect'] });
    const tooShort = await t.inject({
      method: 'PUT',
      url: '/v2/users/me/password',
      jwt,
      body: { current_password: 'first password', new_password: 'short' },
    });
    expect(tooShort.statusCode).toBe(400);
    t.clock.advanceSeconds(1);
    const ok = await t.inject({
      method: 'PUT',
      url: '/v2/users/me/password',
      jwt,
      body: { current_password: 'first password', new_password: 'second password' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: '/v2/users/me', jwt })).statusCode).toBe(401);
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/v2/auth/token',
          body: { identifier: 'dave', secret: 'first password' },
        })
      ).statusCode,
    ).toBe(401);
    const fresh = await t.login('dave', 'second password');
    expect((await t.inject({ method: 'GET', url: '/v2/users/me', jwt: fresh })).statusCode).toBe(200);
  });
});

const fixture = () => ({ t, username: 'alice', password });
describe('shared security suite', () => {
  runSharedSecuritySuite(fixture, { method: 'GET', url: '/v2/users/me', allows: ['password', 'pat'] });
  runSharedSecuritySuite(fixture, {
    method: 'PUT',
    url: '/v2/users/me/password',
    body: { current_password: 'x', new_password: 'y' },
    allows: ['password'],
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

let t: TestApp;
let password: string;

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
});
afterAll(async () => t.close());

const login = (body: unknown) => t.inject({ method: 'POST', url: '/v2/users/login', body });
const authToken = (body: unknown) => t.inject({ method: 'POST', url: '/v2/auth/token', body });

describe('POST /v2/users/login and /v2/auth/token', () => {
  it('answer a session JWT for the password, which the Hub API accepts', async () => {
    const legacy = await login({ username: 'alice', password });
    expect(legacy.statusCode).toBe(200);
    const current = await authToken({ identifier: 'Alice', secret: password });
    expect(current.statusCode).toBe(200);
    for (const jwt of [legacy.json().token, current.json().access_token]) {
      const me = await t.inject({ method: 'GET', url: '/v2/users/me', jwt });
      expect(me.json()).toMatchObject({ username: 'alice', email: 'alice@example.com', is_admin: false });
    }
  });

  it('records in the JWT how it was obtained and its lifetime', async () => {
    const jwt = (await authToken({ identifier: 'alice', secret: password })).json().access_token as string;
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ username: 'alice', auth: 'password' });
    expect(claims.exp - claims.iat).toBe(600);
  });

  it('accept a PAT of the account as the password, and the session says so', async () => {
    const pat = await t.createPat(await t.login('alice', password));
    const res = await login({ username: 'alice', password: pat.token });
    expect(res.statusCode).toBe(200);
    const claims = JSON.parse(Buffer.from(res.json().token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ auth: 'pat', tid: pat.uuid });
  });

  it('refuse a PAT presented for another username without saying whose it is', async () => {
    await t.signUp('bobby');
    const pat = await t.createPat(await t.login('alice', password));
    const res = await authToken({ identifier: 'bobby', secret: pat.token });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('incorrect username or password');
  });

  it.each([
    ['a wrong password', { identifier: 'alice', secret: 'wrong password!' }],
    ['an unknown user', { identifier: 'nobody', secret: 'wrong password!' }],
    ['a made-up token', { identifier: 'alice', secret: `thub_pat_${'a'.repeat(38)}` }],
    [
      'a token with a bad checksum',
      { identifier: 'alice', secret: 'thub_pat_3kQv9xZ0aBcDeFgHiJkLmNoPqRsTuVwX0000000' },
    ],
  ])('refuse %s with the same 401', async (_name, body) => {
    const res = await authToken(body);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      detail: 'incorrect username or password',
      message: 'incorrect username or password',
    });
  });

  it('refuse malformed bodies with 400', async () => {
    expect((await authToken({ identifier: 'alice' })).statusCode).toBe(400);
    expect((await login({ username: 'alice', password: '' })).statusCode).toBe(400);
    expect((await login({ username: ['alice'], password })).statusCode).toBe(400);
    expect((await login({ username: 'alice', password: 'x'.repeat(5000) })).statusCode).toBe(400);
  });

  it('audit successes and failures with IP and user agent', async () => {
    await authToken({ identifier: 'alice', secret: 'not the password' });
    const events = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'ip', 'user_agent', 'data'])
      .where('account_name', '=', 'alice')
      .where('action', 'like', 'account.login.%')
      .execute();
    expect(events.some((e) => e.action === 'account.login.success')).toBe(true);
    const failure = events.find((e) => e.action === 'account.login.failure');
    expect(failure).toMatchObject({ ip: '127.0.0.1', user_agent: 'tokenhub-tests/1.0' });
    expect(failure?.data).toContain('INVALID_CREDENTIALS');
    expect(JSON.stringify(events)).not.toContain('not the password');
  });
});

describe('last used', () => {
  it('is buffered, written at the next flush, and a burst costs a handful of writes', async () => {
    const pat = await t.createPat(await t.login('alice', password));
    const lastUsed = t.app.services.lastUsed;
    await lastUsed.flush();
    const res = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: pat.token },
      headers: { 'user-agent': 'docker/28.2.2' },
    });
    expect(res.statusCode).toBe(200);
    const read = () =>
      t.database.db
        .selectFrom('access_tokens')
        .select(['last_used_at', 'last_used_ip', 'last_used_ua'])
        .where('id', '=', pat.uuid)
        .executeTakeFirstOrThrow();
    expect((await read()).last_used_at).toBeNull();
    await lastUsed.flush();
    expect(await read()).toEqual({
      last_used_at: '2026-03-01T12:00:00.000Z',
      last_used_ip: '127.0.0.1',
      last_used_ua: 'docker/28.2.2',
    });
    const listed = await t.inject({
      method: 'GET',
      url: `/v2/access-tokens/${pat.uuid}`,
      jwt: await t.login('alice', password),
    });
    expect(listed.json()).toMatchObject({
      last_used: '2026-03-01T12:00:00.000Z',
      last_used_ua: 'docker/28.2.2',
    });
  });
});

/**
 * Fair-use throttles through the routes (docs/limits.md): PAT creation per account, failed sign-ins
 * per account and per address on every sign-in door, device sign-ins started per address, `/token`
 * per principal, the 429 shape and headers, and failing open when Redis is down. Time moves on the harness's manual clock.
 */
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { freePort } from '../support/free-port.ts';
import { setOrgTier } from '../support/org-fixtures.ts';

const redisUrl = process.env.TOKENHUB_TEST_REDIS_URL;
if (!redisUrl) {
  console.warn(
    '[throttling] shared-Redis test SKIPPED: set TOKENHUB_TEST_REDIS_URL=redis://127.0.0.1:6379 to run it',
  );
}

const apps: TestApp[] = [];
async function open(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ env });
  apps.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
/** `X-RateLimit-Reset` is the Unix time the window ends (Docker Hub's documented meaning). */
const unix = (iso: string) => String(Date.parse(iso) / 1000);
const rateHeaders = (res: LightMyRequestResponse) => ({
  limit: res.headers['x-ratelimit-limit'],
  remaining: res.headers['x-ratelimit-remaining'],
  reset: res.headers['x-ratelimit-reset'],
  retryAfter: res.headers['retry-after'],
});

function authToken(t: TestApp, identifier: string, secret: string, remoteAddress = '127.0.0.1') {
  return t.app.inject({
    method: 'POST',
    url: '/v2/auth/token',
    payload: { identifier, secret },
    remoteAddress,
  });
}
function registryToken(t: TestApp, user: string, secret: string) {
  return t.inject({
    method: 'GET',
    url: '/token?service=tokenhub-registry&scope=repository:alice/app:pull',
    headers: { authorization: basic(user, secret) },
  });
}

describe('PAT creation per account', () => {
  it('answers 429 with Retry-After and X-RateLimit-* after the limit, until the window ends', async () => {
    const t = await open({ TOKENHUB_RATE_LIMIT_PAT_CREATE: '3/1h' });
    await t.signUp('alice');
    await t.signUp('bobby');
    const jwt = await t.login('alice', defaultPassword);
    const create = (session: string) =>
      t.inject({ method: 'POST', url: '/v2/access-tokens', jwt: session, body: { token_label: 'ci' } });

    const created = [await create(jwt), await create(jwt), await create(jwt)];
    expect(created.map((res) => res.statusCode)).toEqual([201, 201, 201]);
    expect(created.map((res) => rateHeaders(res).remaining)).toEqual(['2', '1', '0']);
    // 12:00:00 on the clock: the hour-aligned window ends at 13:00.
    expect(rateHeaders(created[0] as LightMyRequestResponse)).toMatchObject({
      limit: '3',
      reset: unix('2026-03-01T13:00:00Z'),
    });
    expect(created[0]?.headers['retry-after']).toBeUndefined();

    t.clock.advanceSeconds(60);
    const refused = await create(jwt);
    expect(refused.statusCode).toBe(429);
    expect(rateHeaders(refused)).toEqual({
      limit: '3',
      remaining: '0',
      reset: unix('2026-03-01T13:00:00Z'),
      retryAfter: '3540',
    });
    expect(refused.json()).toEqual({
      detail: 'too many access tokens created; try again in 3540 seconds',
      message: 'too many access tokens created; try again in 3540 seconds',
    });
    const list = await t.inject({ method: 'GET', url: '/v2/access-tokens', jwt });
    expect(list.json()).toMatchObject({ count: 3 });

    // Another account has its own bucket.
    expect((await create(await t.login('bobby', defaultPassword))).statusCode).toBe(201);

    t.clock.advanceSeconds(3540);
    expect((await create(await t.login('alice', defaultPassword))).statusCode).toBe(201);
  });

  it('counts desktop sign-ins (desktop-generate) against the same budget', async () => {
    const t = await open({ TOKENHUB_RATE_LIMIT_PAT_CREATE: '1/1h' });
    const jwt = await t.login('alice', await t.signUp('alice'));
    const generate = () => t.inject({ method: 'POST', url: '/v2/access-tokens/desktop-generate', jwt });
    expect((await generate()).statusCode).toBe(201);
    expect((await generate()).statusCode).toBe(429);
  });

  it('is off with 0', async () => {
    const t = await open({ TOKENHUB_RATE_LIMIT_PAT_CREATE: '0' });
    await t.signUp('alice');
    const jwt = await t.login('alice', defaultPassword);
    const res = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      body: { token_label: 'ci' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

describe('failed sign-ins per account', () => {
  const env = {
    TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3/15m',
    TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '0',
  };

  it('locks the account on every door for addresses it never signed in from, refuses even the right password, and opens after the window', async () => {
    const t = await open(env);
    await t.signUp('alice');
    await t.signUp('bobby');
    const failures = [
      await authToken(t, 'alice', 'wrong password'),
      await t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'Alice', password: 'nope' },
      }),
      await registryToken(t, 'alice', 'still wrong'),
    ];
    expect(failures.map((res) => res.statusCode)).toEqual([401, 401, 401]);
    // The headers show this address's own budget on the account (10 by default), never the
    // per-account counter, which also counts other clients' failures, until it refuses.
    expect(failures.map((res) => rateHeaders(res).remaining)).toEqual(['9', '8', '7']);

    const locked = await authToken(t, 'alice', defaultPassword);
    expect(locked.statusCode).toBe(429);
    expect(rateHeaders(locked)).toEqual({
      limit: '3',
      remaining: '0',
      reset: unix('2026-03-01T12:15:00Z'),
      retryAfter: '900',
    });
    expect(locked.json().message).toBe('too many failed sign-in attempts; try again in 900 seconds');
    const legacy = await t.inject({
      method: 'POST',
      url: '/v2/users/login',
      body: { username: 'alice', password: defaultPassword },
    });
    expect(legacy.statusCode).toBe(429);

    // The registry endpoint answers in its own body shape.
    const registry = await registryToken(t, 'alice', defaultPassword);
    expect(registry.statusCode).toBe(429);
    expect(registry.headers['retry-after']).toBe('900');
    expect(registry.json()).toEqual({
      details: 'too many failed sign-in attempts; try again in 900 seconds',
      errors: [
        { code: 'TOOMANYREQUESTS', message: 'too many failed sign-in attempts; try again in 900 seconds' },
      ],
    });
    const oauth = await t.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=password&service=tokenhub-registry&username=alice&password=${encodeURIComponent(defaultPassword)}`,
    });
    expect(oauth.statusCode).toBe(429);
    expect(oauth.json()).toHaveProperty('details');

    // Another account from the same address is not affected.
    expect((await authToken(t, 'bobby', defaultPassword)).statusCode).toBe(200);

    t.clock.advanceSeconds(900);
    expect((await authToken(t, 'alice', defaultPassword)).statusCode).toBe(200);
  });

  it('never locks out the account’s tokens, nor its password from an address it signed in from', async () => {
    const t = await open(env);
    await t.signUp('alice');
    const pat = await t.createPat(await t.login('alice', defaultPassword), { scopes: ['repo:read'] });
    const attacker = '10.9.9.9';
    for (let i = 0; i < 3; i++)
      expect((await authToken(t, 'alice', 'wrong password', attacker)).statusCode).toBe(401);
    expect((await authToken(t, 'alice', defaultPassword, attacker)).statusCode).toBe(429);
    expect((await authToken(t, 'alice', defaultPassword)).statusCode).toBe(200);
    expect((await registryToken(t, 'alice', pat.token)).statusCode).toBe(200);
    expect((await authToken(t, 'alice', pat.token)).statusCode).toBe(200);
  });

  it('counts failures only: successful sign-ins leave the budget whole', async () => {
    const t = await open(env);
    await t.signUp('alice');
    for (let i = 0; i < 5; i++) {
      const res = await authToken(t, 'alice', defaultPassword);
      expect(res.statusCode).toBe(200);
      expect(rateHeaders(res)).toMatchObject({ limit: '10', remaining: '10' });
    }
    const pat = await t.createPat(await t.login('alice', defaultPassword));
    for (let i = 0; i < 5; i++) expect((await registryToken(t, 'alice', pat.token)).statusCode).toBe(200);
    expect(rateHeaders(await authToken(t, 'alice', 'wrong'))).toMatchObject({ remaining: '9' });
  });

  it('counts a refused token per address only, after checking it: a valid one is never refused', async () => {
    const t = await open({
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3/15m',
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '3/15m',
    });
    await t.signUp('alice');
    const jwt = await t.login('alice', defaultPassword);
    const pat = await t.createPat(jwt);
    await t.inject({
      method: 'PATCH',
      url: `/v2/access-tokens/${pat.uuid}`,
      jwt,
      body: { is_active: false },
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await registryToken(t, 'alice', pat.token)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const mistyped = `${pat.token.slice(0, -1)}${pat.token.endsWith('a') ? 'b' : 'a'}`;
    expect((await registryToken(t, 'alice', mistyped)).statusCode).toBe(429);
    const valid = await t.createPat(jwt, { token_label: 'second' });
    expect((await registryToken(t, 'alice', valid.token)).statusCode).toBe(200);
  });

  it('lets no more than `limit` of 20 concurrent wrong guesses reach the password check', async () => {
    const t = await open(env);
    await t.signUp('alice');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => authToken(t, 'alice', `guess number ${i}`)),
    );
    const statuses = results.map((res) => res.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
  });
});

describe('failed sign-ins per address', () => {
  it('refuses every account from a noisy address, and no one else', async () => {
    const t = await open({
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '0',
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '3/15m',
    });
    await t.signUp('alice');
    const noisy = '10.0.0.1';
    for (const name of ['root', 'admin', 'alice']) {
      expect((await authToken(t, name, 'password1', noisy)).statusCode).toBe(401);
    }
    const locked = await authToken(t, 'alice', defaultPassword, noisy);
    expect(locked.statusCode).toBe(429);
    expect(rateHeaders(locked)).toMatchObject({ limit: '3', remaining: '0', retryAfter: '900' });
    expect((await authToken(t, 'alice', defaultPassword, '10.0.0.2')).statusCode).toBe(200);
    t.clock.advanceSeconds(900);
    expect((await authToken(t, 'alice', defaultPassword, noisy)).statusCode).toBe(200);
  });

  it('shows the tighter of the two limits on an allowed request', async () => {
    const t = await open();
    await t.signUp('alice');
    const res = await authToken(t, 'alice', defaultPassword);
    // Defaults: 10 per account and 50 per address; the account's is the tighter.
    expect(rateHeaders(res)).toMatchObject({
      limit: '10',
      remaining: '10',
      reset: unix('2026-03-01T12:15:00Z'),
    });
  });
});

describe('device sign-ins started per address', () => {
  const startDeviceSignIn = (t: TestApp, remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/device/code',
      payload: 'client_id=tokenhub-cli&client_name=laptop',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress,
    });

  it('answers 429 in the OAuth shape past the limit, for that address only, until the window ends', async () => {
    const t = await open({ TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP: '2/1h' });
    const busy = '10.0.0.7';
    for (const remaining of ['1', '0']) {
      const res = await startDeviceSignIn(t, busy);
      expect(res.statusCode).toBe(200);
      expect(rateHeaders(res)).toMatchObject({ limit: '2', remaining });
    }
    const refused = await startDeviceSignIn(t, busy);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'too many device sign-ins started from this address; try again in 3600 seconds',
    });
    expect(rateHeaders(refused)).toMatchObject({ remaining: '0', retryAfter: '3600' });
    const pending = await t.database.db.selectFrom('device_sign_ins').select('id').execute();
    expect(pending).toHaveLength(2);
    expect((await startDeviceSignIn(t, '10.0.0.8')).statusCode).toBe(200);
    t.clock.advanceSeconds(3600);
    expect((await startDeviceSignIn(t, busy)).statusCode).toBe(200);
  });

  it('is 50 an hour by default', async () => {
    const t = await open();
    expect(rateHeaders(await startDeviceSignIn(t, '10.0.0.9'))).toMatchObject({
      limit: '50',
      remaining: '49',
    });
  });
});

describe('/token per principal', () => {
  it('gives each account and each OAT its own bucket; anonymous requests are not counted', async () => {
    const t = await open({ TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL: '2/1m' });
    await t.signUp('alice');
    await t.signUp('bobby');
    const jwt = await t.login('alice', defaultPassword);
    const pat = await t.createPat(jwt);
    expect(
      (await t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'acme' } })).statusCode,
    ).toBe(201);
    await setOrgTier(t, 'acme', 'team');
    const oatRes = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/access-tokens',
      jwt,
      body: { label: 'ci', resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }] },
    });
    expect(oatRes.statusCode).toBe(201);
    const oat = oatRes.json<{ token: string }>().token;

    const first = await registryToken(t, 'alice', pat.token);
    expect(first.statusCode).toBe(200);
    expect(rateHeaders(first)).toMatchObject({
      limit: '2',
      remaining: '1',
      reset: unix('2026-03-01T12:01:00Z'),
    });
    expect((await registryToken(t, 'alice', defaultPassword)).statusCode).toBe(200);
    const refused = await registryToken(t, 'alice', pat.token);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ details: 'too many token requests; try again in 60 seconds' });
    expect(rateHeaders(refused)).toMatchObject({ limit: '2', remaining: '0', retryAfter: '60' });

    // The organization's token is not the user who created it.
    expect((await registryToken(t, 'acme', oat)).statusCode).toBe(200);
    expect((await registryToken(t, 'acme', oat)).statusCode).toBe(200);
    expect((await registryToken(t, 'acme', oat)).statusCode).toBe(429);
    expect((await registryToken(t, 'bobby', defaultPassword)).statusCode).toBe(200);

    for (let i = 0; i < 5; i++) {
      const anonymous = await t.inject({ method: 'GET', url: '/token?service=tokenhub-registry' });
      expect(anonymous.statusCode).toBe(200);
      expect(anonymous.headers['x-ratelimit-limit']).toBeUndefined();
    }
    t.clock.advanceSeconds(60);
    expect((await registryToken(t, 'alice', pat.token)).statusCode).toBe(200);
  });

  it('is off by default', async () => {
    const t = await open();
    expect(t.config.rateLimits.tokenPerPrincipal).toBeUndefined();
    await t.signUp('alice');
    for (let i = 0; i < 20; i++)
      expect((await registryToken(t, 'alice', defaultPassword)).statusCode).toBe(200);
  });
});

describe('Redis backend', () => {
  it('fails open when Redis is unreachable: requests are served and a warning is logged', async () => {
    const t = await open({
      TOKENHUB_REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      TOKENHUB_RATE_LIMIT_PAT_CREATE: '1/1h',
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '1/15m',
    });
    expect(t.app.rateLimiter.backend).toBe('redis');
    await t.signUp('alice');
    for (let i = 0; i < 3; i++) expect((await authToken(t, 'alice', 'wrong')).statusCode).toBe(401);
    const jwt = await t.login('alice', defaultPassword);
    for (let i = 0; i < 3; i++) await t.createPat(jwt);
    expect((await registryToken(t, 'alice', defaultPassword)).statusCode).toBe(200);
    const warnings = t.logLines.filter((line) => line.includes('limits fail open'));
    expect(warnings).toHaveLength(1);
  });

  it.skipIf(!redisUrl)('shares failure counts between processes', async () => {
    const env = {
      TOKENHUB_REDIS_URL: redisUrl ?? '',
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3/15m',
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '0',
    };
    const [a, b] = await Promise.all([open(env), open(env)]);
    // The counters outlive the test and the clock starts at a fixed time: a fresh name per run.
    const name = `user${randomBytes(5).toString('hex')}`;
    await a.signUp(name);
    await b.signUp(name);
    expect((await authToken(a, name, 'wrong')).statusCode).toBe(401);
    expect((await authToken(b, name, 'wrong')).statusCode).toBe(401);
    expect((await authToken(a, name, 'wrong')).statusCode).toBe(401);
    expect((await authToken(b, name, defaultPassword)).statusCode).toBe(429);
    expect(a.logLines.some((line) => line.includes('fails open'))).toBe(false);
  });
});

describe('settings', () => {
  it('reads <limit>/<window> with an optional unit, and 0 as off', () => {
    const limits = loadConfig({
      TOKENHUB_RATE_LIMIT_PAT_CREATE: '600/60',
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '5/2h',
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '0/15m',
      TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL: '100/1d',
      TOKENHUB_RATE_LIMIT_TWO_FACTOR_FAILURES: '4/10m',
      TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP: '0',
    }).rateLimits;
    expect(limits).toEqual({
      patCreate: { limit: 600, windowSeconds: 60 },
      loginFailuresPerAccount: { limit: 5, windowSeconds: 7200 },
      loginFailuresPerIp: undefined,
      tokenPerPrincipal: { limit: 100, windowSeconds: 86_400 },
      twoFactorFailures: { limit: 4, windowSeconds: 600 },
      deviceCodesPerIp: undefined,
      loginFailuresPerAccountAddress: { limit: 10, windowSeconds: 900 },
      signupsPerIp: { limit: 10, windowSeconds: 3600 },
    });
    expect(loadConfig({}).rateLimits).toEqual({
      patCreate: { limit: 50, windowSeconds: 3600 },
      loginFailuresPerAccount: { limit: 10, windowSeconds: 900 },
      loginFailuresPerAccountAddress: { limit: 10, windowSeconds: 900 },
      loginFailuresPerIp: { limit: 50, windowSeconds: 900 },
      signupsPerIp: { limit: 10, windowSeconds: 3600 },
      tokenPerPrincipal: undefined,
      twoFactorFailures: { limit: 10, windowSeconds: 900 },
      deviceCodesPerIp: { limit: 50, windowSeconds: 3600 },
    });
    expect(loadConfig({}).redisUrl).toBeUndefined();
  });

  it.each([
    ['TOKENHUB_RATE_LIMIT_PAT_CREATE', 'fifty'],
    ['TOKENHUB_RATE_LIMIT_PAT_CREATE', '50'],
    ['TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP', '10/0'],
    ['TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT', '10/8d'],
    ['TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL', '10/1w'],
    ['TOKENHUB_REDIS_URL', 'localhost:6379'],
    ['TOKENHUB_REDIS_URL', 'http://127.0.0.1:6379'],
  ])('names %s when it is "%s"', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('never puts a Redis password in an error', () => {
    expect(() => loadConfig({ TOKENHUB_REDIS_URL: 'http://u:hunter2@redis:6379' })).toThrow(/u:\*\*\*@/);
  });
});

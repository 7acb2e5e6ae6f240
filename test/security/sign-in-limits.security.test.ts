/**
 * Attacks on the sign-in limits (docs/limits.md, docs/security.md), each reproduced and refused:
 * forged tokens with a valid checksum on every door, flooding the limiter to reset it, locking the
 * real owner out, parallel correct sign-ins, headers that leak others' failures, sign-up floods and
 * IPv6 address hopping. Bounded in count and time; only `app.inject` (no network).
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTokenSecret } from '../../src/core/token-secret.ts';
import { totpCode } from '../../src/core/totp.ts';
import type { MemoryRateLimiter } from '../../src/services/rate-limit/rate-limiter.memory.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

function door(t: TestApp, which: number, identifier: string, secret: string, remoteAddress: string) {
  const headers = { 'user-agent': 'attacker/1.0' };
  switch (which % 4) {
    case 0:
      return t.app.inject({
        method: 'POST',
        url: '/v2/auth/token',
        payload: { identifier, secret },
        remoteAddress,
        headers,
      });
    case 1:
      return t.app.inject({
        method: 'POST',
        url: '/v2/users/login',
        payload: { username: identifier, password: secret },
        remoteAddress,
        headers,
      });
    case 2:
      return t.app.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry',
        headers: { ...headers, authorization: basic(identifier, secret) },
        remoteAddress,
      });
    default:
      return t.app.inject({
        method: 'POST',
        url: '/token',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'password',
          service: 'tokenhub-registry',
          username: identifier,
          password: secret,
        }).toString(),
        remoteAddress,
      });
  }
}

const authToken = (t: TestApp, identifier: string, secret: string, remoteAddress = '127.0.0.1') =>
  door(t, 0, identifier, secret, remoteAddress);

async function open(dialect: 'sqlite' | 'postgres', env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ dialect, env });
  apps.push(t);
  return t;
}

const statuses = (responses: LightMyRequestResponse[]) => responses.map((res) => res.statusCode);

describe.each(testDialects('security: sign-in limits'))('sign-in limits on %s', (dialect) => {
  it('3: forged tokens with a valid checksum count as failed sign-ins on every door, and their audit rows are aggregated', async () => {
    const t = await open(dialect, { TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '8/15m' });
    await t.signUp('victim');
    const results: LightMyRequestResponse[] = [];
    for (let i = 0; i < 12; i++) {
      const forged = generateTokenSecret(t.config.tokenPrefix, 'pat').reveal();
      results.push(await door(t, i, 'victim', forged, '198.51.100.7'));
    }
    expect(
      statuses(results)
        .slice(0, 8)
        .every((s) => s === 401),
    ).toBe(true);
    expect(statuses(results).slice(8)).toEqual([429, 429, 429, 429]);
    expect(results[11]?.headers['retry-after']).toBe('900');
    // The Hub doors audit every checked failure (a token is checked before it is counted, so the
    // 429s too): the failures of one address for one name are one event with a count.
    const rows = await t.database.db
      .selectFrom('audit_events')
      .select(['data'])
      .where('action', '=', 'account.login.failure')
      .execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]?.data ?? '{}')).toMatchObject({ reason: 'INVALID_CREDENTIALS', count: 6 });
    // Another address is not affected.
    expect((await authToken(t, 'victim', defaultPassword, '198.51.100.8')).statusCode).toBe(200);
    // 17: the account's valid tokens are never refused, not even from the refused address.
    const pat = await t.createPat(await t.login('victim', defaultPassword));
    for (const which of [0, 2, 3])
      expect((await door(t, which, 'victim', pat.token, '198.51.100.7')).statusCode).toBe(200);
  });

  it('4: a flood of distinct names from one address creates no counters once the address is refused', async () => {
    const t = await open(dialect, { TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '5/15m' });
    const limiter = t.app.rateLimiter as MemoryRateLimiter;
    const flood = [];
    for (let i = 0; i < 60; i++)
      flood.push(await authToken(t, `name${i}xyz`, 'wrong password', '203.0.113.9'));
    expect(statuses(flood).filter((s) => s === 429)).toHaveLength(55);
    // The address's counter and at most the five names it could try; refused attempts left nothing.
    expect(limiter.size).toBeLessThanOrEqual(1 + 5 * 2);
  });

  it('5: wrong passwords from elsewhere never lock the owner out of an address it signed in from', async () => {
    const t = await open(dialect);
    await t.signUp('owner');
    await t.login('owner', defaultPassword);
    const wrong = [];
    for (let i = 0; i < 12; i++) wrong.push(await authToken(t, 'owner', `guess ${i}`, `192.0.2.${i + 1}`));
    expect(
      statuses(wrong)
        .slice(0, 10)
        .every((s) => s === 401),
    ).toBe(true);
    // The per-account slow-down applies to addresses that never signed in to the account...
    expect(statuses(wrong).slice(10)).toEqual([429, 429]);
    expect((await authToken(t, 'owner', defaultPassword, '192.0.2.200')).statusCode).toBe(429);
    // ...never to the owner's own, whose headers show only its own budget.
    const owner = await authToken(t, 'owner', defaultPassword);
    expect(owner.statusCode).toBe(200);
    expect(owner.headers['x-ratelimit-remaining']).toBe('10');
    expect(owner.headers['x-ratelimit-limit']).toBe('10');
  });

  it('5: sixteen parallel correct sign-ins of one account are all answered', async () => {
    const t = await open(dialect);
    await t.signUp('busy');
    const results = await Promise.all(
      Array.from({ length: 16 }, () => authToken(t, 'busy', defaultPassword)),
    );
    expect(statuses(results)).toEqual(Array(16).fill(200));
  });

  it('5: headers of a failed attempt never reveal the failures of other clients', async () => {
    const t = await open(dialect);
    await t.signUp('watched');
    for (let i = 0; i < 6; i++) await authToken(t, 'watched', 'nope', `192.0.2.${i + 50}`);
    const mine = await authToken(t, 'watched', 'typo', '192.0.2.99');
    expect(mine.statusCode).toBe(401);
    expect(mine.headers['x-ratelimit-remaining']).toBe('9');
  });

  it('8: sign-up is throttled per address', async () => {
    const t = await open(dialect, { TOKENHUB_RATE_LIMIT_SIGNUPS_PER_IP: '3/1h' });
    const signUp = (name: string, remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v2/users',
        payload: { username: name, email: `${name}@example.com`, password: defaultPassword },
        remoteAddress,
      });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await signUp(`flood${i}user`, '203.0.113.50'));
    expect(statuses(results)).toEqual([201, 201, 201, 429, 429]);
    expect(results[3]?.json().message).toMatch(
      /too many sign-ups from this address; try again in \d+ seconds/,
    );
    expect((await signUp('another1', '203.0.113.51')).statusCode).toBe(201);
  });

  it('14: IPv6 clients are counted by /64: hopping addresses inside it does not reset the limit', async () => {
    const t = await open(dialect, { TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '4/15m' });
    const hops = [];
    for (let i = 1; i <= 6; i++)
      hops.push(await authToken(t, `target${i}x`, 'wrong password', `2001:db8:aa:bb::${i.toString(16)}`));
    expect(statuses(hops)).toEqual([401, 401, 401, 401, 429, 429]);
    expect((await authToken(t, 'targetzz', 'wrong password', '2001:db8:aa:bc::1')).statusCode).toBe(401);
  });
});

describe('second factor', () => {
  it('5: a valid second factor from a known address is never locked out by wrong codes from elsewhere', async () => {
    const t = await open('sqlite');
    await t.signUp('secured');
    const jwt = await t.login('secured', defaultPassword);
    const secret = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json().secret;
    const enabled = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(secret, t.clock.now()) },
    });
    expect(enabled.statusCode).toBe(200);
    const step = (remoteAddress: string, code: string) =>
      authToken(t, 'secured', defaultPassword, remoteAddress).then((first) =>
        t.app.inject({
          method: 'POST',
          url: '/v2/users/2fa-login',
          payload: { login_2fa_token: first.json().login_2fa_token, code },
          remoteAddress,
        }),
      );
    // The attacker knows the password: 12 wrong codes from another address.
    const wrong = [];
    for (let i = 0; i < 12; i++) wrong.push(await step('198.51.100.66', '000000'));
    expect(statuses(wrong).filter((s) => s === 429).length).toBeGreaterThan(0);
    t.clock.advanceSeconds(30);
    const owner = await step('127.0.0.1', totpCode(secret, t.clock.now()));
    expect(owner.statusCode).toBe(200);
  });
});

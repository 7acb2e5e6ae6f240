/**
 * A stolen session guesses no faster at the account pages than at the door (docs/security.md):
 * wrong current passwords at the password change, and wrong passwords or codes at turning two-factor
 * off, count against the sign-in limits and are audited; and enabling two-factor sign-in (with its
 * first recovery codes) needs the password unless the session signed in within 5 minutes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});

async function failureCount(t: TestApp): Promise<number> {
  const rows = await t.database.db
    .selectFrom('audit_events')
    .select('data')
    .where('action', '=', 'account.login.failure')
    .execute();
  return rows.reduce((sum, row) => sum + Number(JSON.parse(row.data).count ?? 1), 0);
}

describe.each(testDialects('security: account changes'))('on %s', (dialect) => {
  it('9: wrong current passwords at the password change are limited like sign-ins and audited', async () => {
    const t = await createTestApp({
      dialect,
      env: { TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS: '3/15m' },
    });
    apps.push(t);
    await t.signUp('alice');
    const jwt = await t.login('alice', defaultPassword);
    const change = (current: string) =>
      t.inject({
        method: 'PUT',
        url: '/v2/users/me/password',
        jwt,
        body: { current_password: current, new_password: 'a brand new password' },
      });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await change(`guess ${i}`)).statusCode);
    expect(statuses).toEqual([403, 403, 403, 429, 429]);
    const refused = await change(defaultPassword);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(await failureCount(t)).toBe(3);
  });

  it('9: wrong passwords and codes at turning two-factor off are limited and audited', async () => {
    const t = await createTestApp({
      dialect,
      env: { TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS: '3/15m' },
    });
    apps.push(t);
    await t.signUp('bobby');
    const jwt = await t.login('bobby', defaultPassword);
    const { secret } = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    const on = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(secret, t.clock.now()) },
    });
    expect(on.statusCode).toBe(200);
    const disable = (password: string) =>
      t.inject({ method: 'POST', url: '/v2/users/me/2fa/disable', jwt, body: { password, code: '000000' } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await disable(`guess ${i}`)).statusCode);
    expect(statuses).toEqual([403, 403, 403, 429, 429]);
    expect(await failureCount(t)).toBe(3);
  });

  it('10: enabling two-factor sign-in needs the password once the sign-in is older than 5 minutes', async () => {
    const t = await createTestApp({ dialect });
    apps.push(t);
    await t.signUp('carol');
    const stolen = await t.login('carol', defaultPassword);
    t.clock.advanceSeconds(301);
    const { secret } = (
      await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt: stolen })
    ).json();
    const code = () => totpCode(secret, t.clock.now());
    const without = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt: stolen,
      body: { code: code() },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().message).toMatch(/needs your password/);
    const wrong = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt: stolen,
      body: { code: code(), password: 'not the password' },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().fields).toHaveProperty('password');
    const state = await t.inject({ method: 'GET', url: '/v2/users/me/2fa', jwt: stolen });
    expect(state.json().enabled).toBe(false);
    const right = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt: stolen,
      body: { code: code(), password: defaultPassword },
    });
    expect(right.statusCode).toBe(200);
    expect(right.json().recovery_codes).toHaveLength(10);
  });
});

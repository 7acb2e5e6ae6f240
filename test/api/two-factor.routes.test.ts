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

/** Moves the clock to the next 30-second step so a fresh code is never "already used". */
function nextStep() {
  t.clock.advanceSeconds(30);
}

async function enableFor(username: string, userPassword: string) {
  const jwt = await t.login(username, userPassword);
  const setup = await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt });
  expect(setup.statusCode).toBe(200);
  const { secret, otpauth_uri } = setup.json();
  const enabled = await t.inject({
    method: 'POST',
    url: '/v2/users/me/2fa/enable',
    jwt,
    body: { code: totpCode(secret, t.clock.now()) },
  });
  expect(enabled.statusCode).toBe(200);
  return {
    secret,
    otpauthUri: otpauth_uri as string,
    recoveryCodes: enabled.json().recovery_codes as string[],
    jwt,
  };
}

const secondStep = (login_2fa_token: string, code: string) =>
  t.inject({ method: 'POST', url: '/v2/users/2fa-login', body: { login_2fa_token, code } });

describe('enabling two-factor sign-in', () => {
  it('setup gives a secret and an otpauth URI; a wrong code does not enable it', async () => {
    const jwt = await t.login('alice', password);
    const setup = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.otpauth_uri).toMatch(/^otpauth:\/\/totp\/tokenhub:alice\?.*secret=/);
    const wrong = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: '000000' },
    });
    // 403 naming the field, not 401: the console signs out on a 401, and the session is fine.
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({
      fields: { code: [expect.stringMatching(/code is incorrect/)] },
      message: expect.stringMatching(/code is incorrect/),
    });
    expect((await t.inject({ method: 'GET', url: '/v2/users/me/2fa', jwt })).json()).toEqual({
      enabled: false,
      recovery_codes_left: 0,
      setup_pending: true,
    });
  });

  it('setup answers the same pending secret until it is confirmed or cancelled', async () => {
    const p = await t.signUp('pending');
    const setup = async () => {
      // A new sign-in each time: the secret must survive the session that asked for it.
      const jwt = await t.login('pending', p);
      return (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json().secret;
    };
    const first = await setup();
    expect(await setup()).toBe(first);
    const jwt = await t.login('pending', p);
    const cancel = await t.inject({ method: 'DELETE', url: '/v2/users/me/2fa/setup', jwt });
    expect(cancel.statusCode).toBe(204);
    expect((await t.inject({ method: 'GET', url: '/v2/users/me/2fa', jwt })).json().setup_pending).toBe(
      false,
    );
    const second = await setup();
    expect(second).not.toBe(first);
    const enabled = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(second, t.clock.now()) },
    });
    expect(enabled.statusCode).toBe(200);
    expect((await t.inject({ method: 'DELETE', url: '/v2/users/me/2fa/setup', jwt })).statusCode).toBe(409);
  });

  it('enable without setup is refused, and the secret is stored sealed', async () => {
    const p = await t.signUp('nosetup');
    const jwt = await t.login('nosetup', p);
    expect(
      (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/enable', jwt, body: { code: '123456' } }))
        .statusCode,
    ).toBe(409);
    const { secret } = await enableFor('nosetup', p);
    const rows = await t.database.db.selectFrom('user_totp').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
  });
});

describe('signing in with two-factor on', () => {
  let secret: string;
  let recoveryCodes: string[];
  beforeAll(async () => {
    await t.signUp('bobby', 'bob password');
    ({ secret, recoveryCodes } = await enableFor('bobby', 'bob password'));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
  });

  it('a password login asks for the second step on both login routes', async () => {
    for (const [url, body] of [
      ['/v2/users/login', { username: 'bobby', password: 'bob password' }],
      ['/v2/auth/token', { identifier: 'bobby', secret: 'bob password' }],
    ] as const) {
      const res = await t.inject({ method: 'POST', url, body });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({
        detail: 'Require secondary authentication on MFA enabled account',
        login_2fa_token: expect.any(String),
      });
    }
  });

  it('the second step with a TOTP code answers a session; the code and the login token are single-use', async () => {
    nextStep();
    const { login_2fa_token } = (
      await t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'bobby', password: 'bob password' },
      })
    ).json();
    const code = totpCode(secret, t.clock.now());
    const ok = await secondStep(login_2fa_token, code);
    expect(ok.statusCode).toBe(200);
    expect(
      (await t.inject({ method: 'GET', url: '/v2/users/me', jwt: ok.json().token })).json().username,
    ).toBe('bobby');
    expect((await secondStep(login_2fa_token, code)).json().message).toMatch(
      /invalid, expired or already used/,
    );
    const again = (
      await t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'bobby', password: 'bob password' },
      })
    ).json();
    const reused = await secondStep(again.login_2fa_token, code);
    expect(reused.statusCode).toBe(401);
    expect(reused.json().message).toMatch(/already used/);
  });

  it('a recovery code works once', async () => {
    const start = () =>
      t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'bobby', password: 'bob password' },
      });
    const recovery = recoveryCodes[0] ?? '';
    expect(
      (await secondStep((await start()).json().login_2fa_token, recovery.toUpperCase())).statusCode,
    ).toBe(200);
    expect((await secondStep((await start()).json().login_2fa_token, recovery)).statusCode).toBe(401);
    const jwt = (await secondStep((await start()).json().login_2fa_token, recoveryCodes[1] ?? '')).json()
      .token;
    expect((await t.inject({ method: 'GET', url: '/v2/users/me/2fa', jwt })).json()).toEqual({
      enabled: true,
      recovery_codes_left: 8,
      setup_pending: false,
    });
  });

  it('five wrong codes burn the login token; an expired one is refused', async () => {
    const { login_2fa_token } = (
      await t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'bobby', password: 'bob password' },
      })
    ).json();
    for (let i = 0; i < 5; i++)
      expect((await secondStep(login_2fa_token, '000000')).json().message).toMatch(/incorrect/);
    nextStep();
    const burnt = await secondStep(login_2fa_token, totpCode(secret, t.clock.now()));
    expect(burnt.json().message).toMatch(/invalid, expired or already used/);
    const late = (
      await t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'bobby', password: 'bob password' },
      })
    ).json();
    t.clock.advanceSeconds(301);
    expect((await secondStep(late.login_2fa_token, totpCode(secret, t.clock.now()))).statusCode).toBe(401);
  });

  it('a wrong password still says only that, without a login token', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/users/login',
      body: { username: 'bobby', password: 'wrong one' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      detail: 'incorrect username or password',
      message: 'incorrect username or password',
    });
  });

  it('PATs skip the second step at the Hub and at the registry; the password is refused at the registry', async () => {
    nextStep();
    const start = (
      await t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'bobby', password: 'bob password' },
      })
    ).json();
    const jwt = (await secondStep(start.login_2fa_token, totpCode(secret, t.clock.now()))).json().token;
    const pat = await t.createPat(jwt, { scopes: ['repo:read'] });
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/v2/auth/token',
          body: { identifier: 'bobby', secret: pat.token },
        })
      ).statusCode,
    ).toBe(200);
    const registry = (secretValue: string) =>
      t.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry',
        headers: { authorization: `Basic ${Buffer.from(`bobby:${secretValue}`).toString('base64')}` },
      });
    expect((await registry(pat.token)).statusCode).toBe(200);
    const refused = await registry('bob password');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().details).toBe(
      'two-factor authentication is enabled for this account: use a personal access token as the password',
    );
  });

  it('disable needs the password and a current code', async () => {
    nextStep();
    const start = (
      await t.inject({
        method: 'POST',
        url: '/v2/users/login',
        body: { username: 'bobby', password: 'bob password' },
      })
    ).json();
    const jwt = (await secondStep(start.login_2fa_token, totpCode(secret, t.clock.now()))).json().token;
    nextStep();
    const disable = (body: unknown) =>
      t.inject({ method: 'POST', url: '/v2/users/me/2fa/disable', jwt, body });
    const wrongPassword = await disable({ password: 'nope nope', code: totpCode(secret, t.clock.now()) });
    expect(wrongPassword.statusCode).toBe(403);
    expect(wrongPassword.json().fields).toEqual({ password: ['the password is incorrect'] });
    const wrongCode = await disable({ password: 'bob password', code: '111111' });
    expect(wrongCode.statusCode).toBe(403);
    expect(Object.keys(wrongCode.json().fields)).toEqual(['code']);
    // The session that made the mistakes still works.
    expect((await t.inject({ method: 'GET', url: '/v2/users/me', jwt })).statusCode).toBe(200);
    expect(
      (await disable({ password: 'bob password', code: totpCode(secret, t.clock.now()) })).statusCode,
    ).toBe(204);
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/v2/users/login',
          body: { username: 'bobby', password: 'bob password' },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('audits enable, disable, recovery code use and failed codes', async () => {
    const actions = (
      await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('account_name', '=', 'bobby')
        .execute()
    ).map((e) => e.action);
    for (const action of [
      'account.2fa.enable',
      'account.2fa.disable',
      'account.recovery_code.use',
      'account.login.2fa_failure',
    ]) {
      expect(actions).toContain(action);
    }
  });
});

describe('refresh tokens and two-factor', () => {
  it('a password refresh token stops working once 2FA is enabled', async () => {
    const p = await t.signUp('carol', 'carol password');
    const form = (fields: Record<string, string>) =>
      t.inject({
        method: 'POST',
        url: '/token',
        body: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const first = await form({
      grant_type: 'password',
      username: 'carol',
      password: p,
      access_type: 'offline',
    });
    const refreshToken = first.json().refresh_token as string;
    expect((await form({ grant_type: 'refresh_token', refresh_token: refreshToken })).statusCode).toBe(200);
    nextStep();
    await enableFor('carol', p);
    expect((await form({ grant_type: 'refresh_token', refresh_token: refreshToken })).statusCode).toBe(401);
  });
});

const fixture = () => ({ t, username: 'alice', password });
describe('shared security suite', () => {
  runSharedSecuritySuite(fixture, { method: 'GET', url: '/v2/users/me/2fa', allows: ['password'] });
  runSharedSecuritySuite(fixture, { method: 'POST', url: '/v2/users/me/2fa/setup', allows: ['password'] });
  runSharedSecuritySuite(fixture, { method: 'DELETE', url: '/v2/users/me/2fa/setup', allows: ['password'] });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/users/me/2fa/enable',
    body: { code: '123456' },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/users/me/2fa/disable',
    body: { password: 'x', code: '123456' },
    allows: ['password'],
  });
});

describe('wrong codes per account', () => {
  it('are limited across login tokens, and the limit answers 429 with Retry-After', async () => {
    const app = await createTestApp({ env: { TOKENHUB_RATE_LIMIT_TWO_FACTOR_FAILURES: '3/15m' } });
    try {
      const p = await app.signUp('dave');
      const jwt = await app.login('dave', p);
      const { secret } = (await app.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
      await app.inject({
        method: 'POST',
        url: '/v2/users/me/2fa/enable',
        jwt,
        body: { code: totpCode(secret, app.clock.now()) },
      });
      app.clock.advanceSeconds(30);
      const loginToken = async () =>
        (
          await app.inject({
            method: 'POST',
            url: '/v2/users/login',
            body: { username: 'dave', password: p },
          })
        ).json().login_2fa_token as string;
      const step = async (code: string) =>
        app.inject({
          method: 'POST',
          url: '/v2/users/2fa-login',
          body: { login_2fa_token: await loginToken(), code },
        });
      expect([
        (await step('000000')).statusCode,
        (await step('000000')).statusCode,
        (await step('000000')).statusCode,
      ]).toEqual([401, 401, 401]);
      const limited = await step(totpCode(secret, app.clock.now()));
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toEqual(expect.any(String));
      app.clock.advanceSeconds(900);
      expect((await step(totpCode(secret, app.clock.now()))).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

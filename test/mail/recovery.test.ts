/**
 * Account recovery over a real SMTP server: forgot password → mail → link → new password, old
 * sessions gone, access tokens kept, audited, notice mailed; the same answer whether or not an
 * account has the address; single-use, expiring links; throttling per client address and per
 * account; sign-in with the verified address; regenerating recovery codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';

let smtp: SmtpReceiver;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  t = await createTestApp({ env: { ...smtp.env, TOKENHUB_RATE_LIMIT_MAIL_REQUESTS_PER_IP: '1000/1h' } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const codeOf = (link: string) => new URL(link).searchParams.get('code') ?? '';
const path = (link: string) => link.replace('http://tokenhub.test', '');

/** Signs up `name` and follows the verification link; returns a password session. */
async function verifiedAccount(app: TestApp, name: string): Promise<string> {
  await app.signUp(name);
  const mail = await smtp.waitFor(`${name}@example.com`, (m) => m.subject.startsWith('Verify'));
  const res = await app.inject({
    method: 'POST',
    url: '/v2/users/email-verification',
    body: { code: codeOf(smtp.linkIn(mail)) },
  });
  expect(res.statusCode).toBe(200);
  return app.login(name, defaultPassword);
}

const askReset = (app: TestApp, email: string) =>
  app.inject({ method: 'POST', url: '/v2/users/password-reset', body: { email } });

describe('forgot password', () => {
  it('mails a link; the new password works, old sessions end, access tokens keep working', async () => {
    const oldSession = await verifiedAccount(t, 'resetanna');
    const pat = await t.createPat(oldSession);

    const asked = await askReset(t, 'ResetAnna@Example.com');
    expect(asked.statusCode).toBe(202);
    expect(asked.headers['cache-control']).toBe('no-store');
    const mail = await smtp.waitFor(
      'resetanna@example.com',
      (m) => m.subject === 'Reset your tokenhub password',
    );
    expect(mail.text).not.toContain(defaultPassword);
    const link = smtp.linkIn(mail);
    expect(link).toMatch(/^http:\/\/tokenhub\.test\/mail\/reset-password\?code=/);

    const form = await t.inject({ method: 'GET', url: path(link) });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="new_password"');
    const differ = await t.app.inject({
      method: 'POST',
      url: '/mail/reset-password',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code: codeOf(link),
        new_password: 'abc',
        repeat_password: 'abd',
      }).toString(),
    });
    expect(differ.statusCode).toBe(400);
    const short = await t.inject({
      method: 'POST',
      url: '/v2/users/password-reset/confirm',
      body: { code: codeOf(link), new_password: 'short' },
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().message).toMatch(/at least 8/);

    t.clock.advanceSeconds(1);
    const done = await t.app.inject({
      method: 'POST',
      url: '/mail/reset-password',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        code: codeOf(link),
        new_password: 'a brand new password',
        repeat_password: 'a brand new password',
      }).toString(),
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Password changed');

    expect((await t.inject({ method: 'GET', url: '/v2/users/me', jwt: oldSession })).statusCode).toBe(401);
    await expect(t.login('resetanna', defaultPassword)).rejects.toThrow(/401/);
    await t.login('resetanna', 'a brand new password');
    // The access token still signs in.
    await t.login('resetanna', pat.token);

    // Used once.
    const reused = await t.inject({
      method: 'POST',
      url: '/v2/users/password-reset/confirm',
      body: { code: codeOf(link), new_password: 'yet another password' },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().message).toMatch(/already used/);
    expect((await t.inject({ method: 'GET', url: path(link) })).statusCode).toBe(400);

    const notice = await smtp.waitFor('resetanna@example.com', (m) =>
      m.text.includes('Your password was reset'),
    );
    expect(notice.subject).toBe('tokenhub security notice: Your password was reset');
    const audit = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'actor_name'])
      .where('account_name', '=', 'resetanna')
      .where('action', '=', 'account.password.reset')
      .execute();
    expect(audit).toEqual([{ action: 'account.password.reset', actor_name: 'resetanna' }]);
  });

  it('answers the same for unknown and unverified addresses, and mails nothing', async () => {
    await t.signUp('resetunver');
    await smtp.waitFor('resetunver@example.com');
    const before = smtp.messages().length;
    const known = await askReset(t, 'resetanna@example.com');
    const unknown = await askReset(t, 'nobody@nowhere.example');
    const unverified = await askReset(t, 'resetunver@example.com');
    for (const res of [unknown, unverified]) {
      expect(res.statusCode).toBe(known.statusCode);
      expect(res.body).toBe(known.body);
    }
    await smtp.waitFor('resetanna@example.com', (m) => m.subject === 'Reset your tokenhub password');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = smtp.messages().slice(before);
    expect(after.map((m) => m.to[0])).toEqual(['resetanna@example.com']);
  });

  it('a link expires after 30 minutes; a newer link ends the older; bad input is a 400', async () => {
    await verifiedAccount(t, 'resetben');
    await askReset(t, 'resetben@example.com');
    const first = smtp.linkIn(
      await smtp.waitFor('resetben@example.com', (m) => m.subject.startsWith('Reset')),
    );
    await askReset(t, 'resetben@example.com');
    const second = smtp.linkIn(
      await smtp.waitFor(
        'resetben@example.com',
        (m) => m.subject.startsWith('Reset') && !m.text.includes(codeOf(first)),
      ),
    );
    const confirm = (code: string) =>
      t.inject({
        method: 'POST',
        url: '/v2/users/password-reset/confirm',
        body: { code, new_password: 'long enough pw' },
      });
    expect((await confirm(codeOf(first))).statusCode).toBe(400);
    t.clock.advanceSeconds(30 * 60 + 1);
    expect((await confirm(codeOf(second))).statusCode).toBe(400);
    for (const email of ['not an address', 'a\u0000@b.c', 'x'.repeat(400)]) {
      expect((await askReset(t, email)).statusCode, email).toBe(400);
    }
    for (const code of ['', '\u0000', 'z'.repeat(43)]) expect((await confirm(code)).statusCode).toBe(400);
  });
});

describe('throttling', () => {
  it('refuses a client address past its limit with 429, and mails an account at most its budget', async () => {
    const limited = await createTestApp({
      env: {
        ...smtp.env,
        TOKENHUB_RATE_LIMIT_MAIL_REQUESTS_PER_IP: '6/1h',
        TOKENHUB_RATE_LIMIT_MAIL_REQUESTS_PER_ACCOUNT: '2/1h',
      },
    });
    try {
      await verifiedAccount(limited, 'throttled');
      const before = smtp.messagesTo('throttled@example.com').length;
      const answers: number[] = [];
      for (let i = 0; i < 7; i++) answers.push((await askReset(limited, 'throttled@example.com')).statusCode);
      expect(answers).toEqual([202, 202, 202, 202, 202, 202, 429]);
      const refused = await askReset(limited, 'someone@else.example');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await limited.app.mailSender?.runOnce();
      expect(smtp.messagesTo('throttled@example.com').length - before).toBe(2);
    } finally {
      await limited.close();
    }
  });
});

describe('sign-in with the verified address', () => {
  it('works on the Hub login routes and the console once verified, never before', async () => {
    await t.signUp('emaillogin');
    const byAddress = { identifier: 'EmailLogin@example.com', secret: defaultPassword };
    expect((await t.inject({ method: 'POST', url: '/v2/auth/token', body: byAddress })).statusCode).toBe(401);
    const mail = await smtp.waitFor('emaillogin@example.com');
    await t.inject({
      method: 'POST',
      url: '/v2/users/email-verification',
      body: { code: codeOf(smtp.linkIn(mail)) },
    });

    const token = await t.inject({ method: 'POST', url: '/v2/auth/token', body: byAddress });
    expect(token.statusCode).toBe(200);
    const me = await t.inject({ method: 'GET', url: '/v2/users/me', jwt: token.json().access_token });
    expect(me.json()).toMatchObject({ username: 'emaillogin', email_verified: true });
    const legacy = await t.inject({
      method: 'POST',
      url: '/v2/users/login',
      body: { username: 'emaillogin@example.com', password: defaultPassword },
    });
    expect(legacy.statusCode).toBe(200);
    const console = await t.inject({
      method: 'POST',
      url: '/v2/console/session',
      body: { username: 'emaillogin@example.com', password: defaultPassword },
    });
    expect(console.statusCode).toBe(200);
    expect(console.json().username).toBe('emaillogin');
    const wrong = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'emaillogin@example.com', secret: 'wrong password' },
    });
    expect(wrong.statusCode).toBe(401);
  });
});

describe('regenerating recovery codes', () => {
  it('needs the password and a current code; the old codes stop working', async () => {
    await t.signUp('recoverer');
    const jwt = await t.login('recoverer', defaultPassword);
    const { secret } = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    const enabled = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(secret, t.clock.now()) },
    });
    const oldCodes = enabled.json().recovery_codes as string[];
    t.clock.advanceSeconds(30);
    const regenerate = (body: unknown) =>
      t.inject({ method: 'POST', url: '/v2/users/me/2fa/recovery-codes', jwt, body });
    expect(
      (await regenerate({ password: 'wrong password', code: totpCode(secret, t.clock.now()) })).statusCode,
    ).toBe(403);
    expect((await regenerate({ password: defaultPassword, code: '000000' })).statusCode).toBe(403);
    const fresh = await regenerate({ password: defaultPassword, code: totpCode(secret, t.clock.now()) });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers['cache-control']).toBe('no-store');
    const newCodes = fresh.json().recovery_codes as string[];
    expect(newCodes).toHaveLength(10);
    expect(newCodes).not.toContain(oldCodes[0]);

    const login = await t.inject({
      method: 'POST',
      url: '/v2/users/login',
      body: { username: 'recoverer', password: defaultPassword },
    });
    const step = (code: string) =>
      t.inject({
        method: 'POST',
        url: '/v2/users/2fa-login',
        body: { login_2fa_token: login.json().login_2fa_token, code },
      });
    expect((await step(oldCodes[0] ?? '')).statusCode).toBe(401);
    expect((await step(newCodes[0] ?? '')).statusCode).toBe(200);
  });

  runSharedSecuritySuite(() => ({ t, username: 'resetanna', password: 'a brand new password' }), {
    method: 'POST',
    url: '/v2/users/me/2fa/recovery-codes',
    body: { password: 'x', code: '123456' },
    allows: ['password'],
  });
  for (const route of [
    { method: 'GET' as const, url: '/v2/users/me/email' },
    { method: 'PATCH' as const, url: '/v2/users/me/email', body: { expiry_notices: false } },
    { method: 'PUT' as const, url: '/v2/users/me/email', body: { password: 'x', email: 'a@b.example' } },
    { method: 'POST' as const, url: '/v2/users/me/email/verification' },
  ]) {
    runSharedSecuritySuite(() => ({ t, username: 'resetanna', password: 'a brand new password' }), {
      ...route,
      allows: ['password'],
    });
  }
});

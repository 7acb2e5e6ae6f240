/**
 * Verified addresses over a real SMTP server (test/support/smtp-receiver.ts): sign-up mails a link
 * that verifies the address once; resend, expiry, reuse and bad codes; email change needs the
 * password and the new address's link, and tells the old address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';

let smtp: SmtpReceiver;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  t = await createTestApp({ env: smtp.env });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const codeOf = (link: string) => new URL(link).searchParams.get('code') ?? '';
const form = (fields: Record<string, string>) => ({
  body: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
});

async function emailState(jwt: string) {
  const res = await t.inject({ method: 'GET', url: '/v2/users/me/email', jwt });
  expect(res.statusCode).toBe(200);
  return res.json<{ email: string; email_verified: boolean; mail_enabled: boolean }>();
}

describe('sign-up verification', () => {
  it('mails a link on sign-up; following it verifies the address, once', async () => {
    await t.signUp('verifyalice');
    const jwt = await t.login('verifyalice', defaultPassword);
    expect(await emailState(jwt)).toMatchObject({ email_verified: false, mail_enabled: true });
    const me = await t.inject({ method: 'GET', url: '/v2/users/me', jwt });
    expect(me.json()).toMatchObject({ email_verified: false });

    const mail = await smtp.waitFor('verifyalice@example.com');
    expect(mail.subject).toBe('Verify your email address for tokenhub');
    expect(mail.from).toContain('tokenhub@tokenhub.test');
    expect(mail.secure).toBe(true); // STARTTLS, accepted with TOKENHUB_SMTP_TLS_REJECT_UNAUTHORIZED=false
    expect(mail.html).toContain('Verify my email address');
    const link = smtp.linkIn(mail);
    expect(link.startsWith('http://tokenhub.test/mail/verify-email?code=')).toBe(true);

    // Opening the link changes nothing (a scanner may fetch it); the button's POST verifies.
    const pageRes = await t.inject({ method: 'GET', url: link.replace('http://tokenhub.test', '') });
    expect(pageRes.statusCode).toBe(200);
    expect(pageRes.headers['cache-control']).toBe('no-store');
    expect(pageRes.body).toContain('Verify my address');
    expect((await emailState(jwt)).email_verified).toBe(false);

    const done = await t.app.inject({
      method: 'POST',
      url: '/mail/verify-email',
      ...form({ code: codeOf(link) }),
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('verifyalice@example.com');
    expect(await emailState(jwt)).toMatchObject({ email_verified: true });
    expect((await t.inject({ method: 'GET', url: '/v2/users/me', jwt })).json()).toMatchObject({
      email_verified: true,
    });

    // Used once: the page and the API refuse it with a message.
    const again = await t.inject({ method: 'GET', url: link.replace('http://tokenhub.test', '') });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('already used');
    const api = await t.inject({
      method: 'POST',
      url: '/v2/users/email-verification',
      body: { code: codeOf(link) },
    });
    expect(api.statusCode).toBe(400);
    expect(api.json().message).toMatch(/unknown, expired or already used/);

    const resend = await t.inject({ method: 'POST', url: '/v2/users/me/email/verification', jwt });
    expect(resend.statusCode).toBe(409);
    // The code never reaches a log line, even at debug (the harness logs at debug).
    expect(t.logLines.some((line) => line.includes('/v2/'))).toBe(true);
    expect(t.logLines.filter((line) => line.includes(codeOf(link)))).toEqual([]);
  });

  it('a link expires after 24 hours; resend mails a new one and ends the old', async () => {
    await t.signUp('verifybob');
    const jwt = await t.login('verifybob', defaultPassword);
    const first = smtp.linkIn(await smtp.waitFor('verifybob@example.com'));
    const resend = await t.inject({ method: 'POST', url: '/v2/users/me/email/verification', jwt });
    expect(resend.statusCode).toBe(202);
    const second = smtp.linkIn(
      await smtp.waitFor('verifybob@example.com', (mail) => !mail.text.includes(codeOf(first))),
    );
    const old = await t.inject({
      method: 'POST',
      url: '/v2/users/email-verification',
      body: { code: codeOf(first) },
    });
    expect(old.statusCode).toBe(400);

    t.clock.advanceSeconds(24 * 3600 + 1);
    const late = await t.inject({
      method: 'POST',
      url: '/v2/users/email-verification',
      body: { code: codeOf(second) },
    });
    expect(late.statusCode).toBe(400);
    expect((await emailState(await t.login('verifybob', defaultPassword))).email_verified).toBe(false);
  });

  it('bad codes get a clear 400, never a 500', async () => {
    for (const code of ['x', 'a'.repeat(43), '\u0000'.repeat(43), '%ff%fe', 'é'.repeat(43)]) {
      const res = await t.inject({ method: 'POST', url: '/v2/users/email-verification', body: { code } });
      expect(res.statusCode, code).toBe(400);
      const pageRes = await t.inject({
        method: 'GET',
        url: `/mail/verify-email?code=${encodeURIComponent(code)}`,
      });
      expect(pageRes.statusCode, code).toBe(400);
    }
    const raw = await t.inject({ method: 'GET', url: '/mail/reset-password?code=%ff%00' });
    expect(raw.statusCode).toBe(400);
    const tooLong = await t.inject({
      method: 'POST',
      url: '/v2/users/email-verification',
      body: { code: 'a'.repeat(5000) },
    });
    expect(tooLong.statusCode).toBe(400);
  });
});

describe('changing the address', () => {
  it('needs the password, verifies the new address, and tells the old one', async () => {
    await t.signUp('changecarol');
    const jwt = await t.login('changecarol', defaultPassword);
    const verify = smtp.linkIn(await smtp.waitFor('changecarol@example.com'));
    await t.inject({ method: 'POST', url: '/v2/users/email-verification', body: { code: codeOf(verify) } });

    const wrong = await t.inject({
      method: 'PUT',
      url: '/v2/users/me/email',
      jwt,
      body: { password: 'not the password', email: 'carol@new.example' },
    });
    // A wrong password inside a session is a 403 naming the field: the session goes on.
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().fields).toHaveProperty('password');
    const asked = await t.inject({
      method: 'PUT',
      url: '/v2/users/me/email',
      jwt,
      body: { password: defaultPassword, email: 'carol@new.example' },
    });
    expect(asked.statusCode).toBe(202);
    // Until the new address's link is followed, the old address stays, verified.
    expect(await emailState(jwt)).toMatchObject({ email: 'changecarol@example.com', email_verified: true });

    const link = smtp.linkIn(await smtp.waitFor('carol@new.example'));
    const done = await t.inject({
      method: 'POST',
      url: '/v2/users/email-verification',
      body: { code: codeOf(link) },
    });
    expect(done.statusCode).toBe(200);
    expect(await emailState(jwt)).toMatchObject({ email: 'carol@new.example', email_verified: true });
    const told = await smtp.waitFor('changecarol@example.com', (mail) =>
      mail.subject.includes('was changed'),
    );
    expect(told.text).toContain('carol@new.example');
  });

  it('another account cannot verify an address already verified elsewhere', async () => {
    await t.signUp('changedave');
    const jwt = await t.login('changedave', defaultPassword);
    const res = await t.inject({
      method: 'PUT',
      url: '/v2/users/me/email',
      jwt,
      body: { password: defaultPassword, email: 'carol@new.example' },
    });
    expect(res.statusCode).toBe(409);
  });
});

describe('without TOKENHUB_SMTP_URL', () => {
  it('runs as before and says mail is off', async () => {
    const plain = await createTestApp();
    try {
      await plain.signUp('nomailerin');
      const jwt = await plain.login('nomailerin', defaultPassword);
      const state = await plain.inject({ method: 'GET', url: '/v2/users/me/email', jwt });
      expect(state.json()).toMatchObject({ mail_enabled: false, email_verified: false });
      const resend = await plain.inject({ method: 'POST', url: '/v2/users/me/email/verification', jwt });
      expect(resend.statusCode).toBe(409);
      expect(resend.json().message).toMatch(/TOKENHUB_SMTP_URL/);
      const reset = await plain.inject({
        method: 'POST',
        url: '/v2/users/password-reset',
        body: { email: 'nomailerin@example.com' },
      });
      expect(reset.statusCode).toBe(409);
      expect(plain.app.mailSender).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

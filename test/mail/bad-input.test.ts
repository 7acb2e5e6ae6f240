/**
 * Bad input at every mail route, on SQLite and PostgreSQL (which cannot store a NUL byte): NUL
 * bytes, control characters, invalid UTF-8 and over-long values get a 4xx with a message (or, at
 * sign-in, the usual 401), never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';

let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => smtp?.close());

const nasty = [
  'a\u0000@b.example',
  'a\u0000b',
  '\u0000',
  'x\r\nBcc: evil@example.com',
  '\ud800@b.example',
  'é'.repeat(400),
];

/** Percent-encodes `value`; a lone surrogate becomes the invalid UTF-8 it would be. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

for (const dialect of testDialects('mail bad input')) {
  describe(`mail routes on ${dialect}`, () => {
    let t: TestApp;
    let jwt: string;
    beforeAll(async () => {
      t = await createTestApp({
        dialect,
        env: { ...smtp.env, TOKENHUB_RATE_LIMIT_MAIL_REQUESTS_PER_IP: '0' },
      });
      await t.signUp('badinput');
      jwt = await t.login('badinput', defaultPassword);
    });
    afterAll(async () => t?.close());

    it('answers every bad value with a 4xx and a message', async () => {
      const calls = nasty.flatMap((value) => [
        { method: 'POST' as const, url: '/v2/users/password-reset', body: { email: value } },
        {
          method: 'POST' as const,
          url: '/v2/users/password-reset/confirm',
          body: { code: value, new_password: value },
        },
        { method: 'POST' as const, url: '/v2/users/email-verification', body: { code: value } },
        {
          method: 'PUT' as const,
          url: '/v2/users/me/email',
          jwt,
          body: { password: defaultPassword, email: value },
        },
        {
          method: 'PUT' as const,
          url: '/v2/users/me/email',
          jwt,
          body: { password: value, email: 'ok@example.com' },
        },
        { method: 'GET' as const, url: `/mail/verify-email?code=${encode(value)}` },
        { method: 'GET' as const, url: `/mail/reset-password?code=${encode(value)}` },
        // Sign-in by address (a name without "@" takes the username path, not this feature's).
        ...(value.includes('@')
          ? [
              {
                method: 'POST' as const,
                url: '/v2/auth/token',
                body: { identifier: value, secret: defaultPassword },
              },
              { method: 'POST' as const, url: '/v2/users/login', body: { username: value, password: 'x' } },
            ]
          : []),
      ]);
      for (const request of calls) {
        const res = await t.inject(request);
        const what = `${request.method} ${request.url} ${JSON.stringify(request.body ?? '')}`;
        expect(res.statusCode, what).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, what).toBeLessThan(500);
        expect(res.body.length, what).toBeGreaterThan(0);
      }
      const raw = await t.app.inject({
        method: 'POST',
        url: '/v2/users/password-reset',
        headers: { 'content-type': 'application/json' },
        payload: Buffer.from([
          0x7b, 0x22, 0x65, 0x6d, 0x61, 0x69, 0x6c, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d,
        ]),
      });
      expect(raw.statusCode).toBe(400);
      const form = await t.app.inject({
        method: 'POST',
        url: '/mail/reset-password',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'code=%00%ff&new_password=%00&repeat_password=%00',
      });
      expect(form.statusCode).toBe(400);
      expect(t.logLines.join('')).not.toMatch(/"level":50/);
    });
  });
}

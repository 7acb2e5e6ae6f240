/**
 * Delivery over a real SMTP server: an SMTP outage delays mail but loses none (retried after a
 * backoff, counted in /metrics); security notices reach a verified address and nothing reaches an
 * unverified one; a malformed TOKENHUB_SMTP_URL stops `tokenhub serve` naming the variable.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { setVerifiedEmail } from '../../src/storage/user-email.repository.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { runCommand } from '../support/clients.ts';
import { userRow } from '../support/org-fixtures.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';

const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;

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

async function verified(name: string): Promise<string> {
  await t.signUp(name);
  const user = await userRow(t, name);
  await setVerifiedEmail(t.database.db, user.id, `${name}@verified.example`, t.clock.now().toISOString());
  return t.login(name, defaultPassword);
}

const metric = async (name: string) => {
  const text = (await t.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
};

describe('an SMTP outage', () => {
  it('delays mail until the server is back; nothing is lost or sent twice', async () => {
    const jwt = await verified('outage');
    await t.app.mailSender?.runOnce();
    const sentBefore = await metric('tokenhub_mail_sent_total');
    await smtp.stop();
    const changed = await t.inject({
      method: 'PUT',
      url: '/v2/users/me/password',
      jwt,
      body: { current_password: defaultPassword, new_password: 'another long password' },
    });
    expect(changed.statusCode).toBe(204); // the request never waits on SMTP
    await t.app.mailSender?.runOnce();
    expect(await metric('tokenhub_mail_failed_total')).toBe(1);
    const row = await t.database.db
      .selectFrom('mail_outbox')
      .select(['state', 'attempts', 'last_error', 'next_attempt_at'])
      .where('recipient', '=', 'outage@verified.example')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'pending', attempts: 1, next_attempt_at: '2026-03-01T12:00:30.000Z' });
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);

    await smtp.start();
    await t.app.mailSender?.runOnce(); // not due yet
    expect(smtp.messagesTo('outage@verified.example')).toHaveLength(0);
    t.clock.advanceSeconds(31);
    await t.app.mailSender?.runOnce();
    const notices = smtp.messagesTo('outage@verified.example');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('Your password was changed');
    expect(await metric('tokenhub_mail_sent_total')).toBe(sentBefore + 1);
    await t.app.mailSender?.runOnce();
    expect(smtp.messagesTo('outage@verified.example')).toHaveLength(1);

    const ls = await t.database.db
      .selectFrom('mail_outbox')
      .select('state')
      .where('state', '=', 'pending')
      .execute();
    expect(ls).toEqual([]);
  });
});

describe('security notices', () => {
  it('a new PAT and two-factor turned off are mailed to a verified address', async () => {
    const jwt = await verified('noticed');
    await t.createPat(jwt, { token_label: 'laptop' });
    const created = await smtp.waitFor('noticed@verified.example', (m) =>
      m.text.includes('personal access token'),
    );
    expect(created.text).toContain('Token "laptop" (repo:read)');
    expect(created.text).not.toMatch(/thub_pat_/);

    const { secret } = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(secret, t.clock.now()) },
    });
    t.clock.advanceSeconds(30);
    const off = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/disable',
      jwt,
      body: { password: defaultPassword, code: totpCode(secret, t.clock.now()) },
    });
    expect(off.statusCode).toBe(204);
    await smtp.waitFor('noticed@verified.example', (m) =>
      m.text.includes('Two-factor authentication was turned off'),
    );
  });

  it('an approved device sign-in is mailed', async () => {
    const jwt = await verified('devicer');
    const started = await t.inject({
      method: 'POST',
      url: '/oauth/device/code',
      body: { client_id: 'my-ide' },
    });
    expect(started.statusCode).toBe(200);
    const approved = await t.inject({
      method: 'POST',
      url: '/v2/device/verify',
      jwt,
      body: { user_code: started.json().user_code, action: 'approve' },
    });
    expect(approved.statusCode).toBeLessThan(300);
    const mail = await smtp.waitFor('devicer@verified.example', (m) =>
      m.text.includes('device was approved'),
    );
    expect(mail.text).toContain('my-ide');
  });

  it('an unverified address receives nothing but verification mail', async () => {
    await t.signUp('quietone');
    const jwt = await t.login('quietone', defaultPassword);
    await t.createPat(jwt);
    await t.inject({
      method: 'PUT',
      url: '/v2/users/me/password',
      jwt,
      body: { current_password: defaultPassword, new_password: 'another long password' },
    });
    await t.app.mailSender?.runOnce();
    expect(smtp.messagesTo('quietone@example.com').map((m) => m.subject)).toEqual([
      'Verify your email address for tokenhub',
    ]);
  });
});

describe('a malformed TOKENHUB_SMTP_URL', () => {
  it('stops start-up with a message naming the variable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokenhub-smtp-url-'));
    try {
      for (const url of ['http://mail.example', 'smtp://', 'not a url']) {
        const res = await runCommand(process.execPath, [bin, 'serve', '--workers', '1'], {
          env: {
            TOKENHUB_SMTP_URL: url,
            TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
            TOKENHUB_PORT: '0',
          },
          timeoutMs: 20_000,
        });
        expect(res.code, url).toBe(1);
        expect(`${res.stdout}${res.stderr}`, url).toContain('TOKENHUB_SMTP_URL');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

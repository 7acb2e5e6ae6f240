/**
 * An invite addressed to an email address, end to end over a real SMTP server: the invite mail
 * arrives; an account that signed up with that address cannot see or take the invite (even with
 * `role: owner`) until it follows its verification link; then it accepts with its own session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { setUpOrg } from '../support/org-fixtures.ts';
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

describe('an invite by email', () => {
  it('is refused for an unverified matching address and accepted after verification', async () => {
    await t.signUp('alice');
    await t.signUp('bobby');
    const owner = await t.login('alice', defaultPassword);
    await setUpOrg(t, 'acme');
    const sent = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/invites',
      jwt: owner,
      body: { invitee: 'Newcomer@Example.com', role: 'owner' },
    });
    expect(sent.statusCode).toBe(201);
    const inviteId = sent.json().id as string;
    const mail = await smtp.waitFor('newcomer@example.com', (m) => m.subject.includes('invited you'));
    expect(mail.subject).toBe('alice invited you to acme on tokenhub');
    expect(mail.text).toContain('as owner');
    expect(mail.text).toContain('http://tokenhub.test/orgs');

    await t.signUp('newcomer'); // signs up with newcomer@example.com, unverified
    const newcomer = await t.login('newcomer', defaultPassword);
    expect(
      (await t.inject({ method: 'GET', url: '/v2/users/me/invites', jwt: newcomer })).json().results,
    ).toEqual([]);
    const refused = await t.inject({ method: 'POST', url: `/v2/invites/${inviteId}/accept`, jwt: newcomer });
    expect(refused.statusCode).toBe(404);
    const members = await t.inject({ method: 'GET', url: '/v2/orgs/acme/members', jwt: owner });
    expect(JSON.stringify(members.json())).not.toContain('newcomer');

    const verify = smtp.linkIn(
      await smtp.waitFor('newcomer@example.com', (m) => m.subject.startsWith('Verify')),
    );
    const code = new URL(verify).searchParams.get('code');
    expect(
      (await t.inject({ method: 'POST', url: '/v2/users/email-verification', body: { code } })).statusCode,
    ).toBe(200);
    const mine = (await t.inject({ method: 'GET', url: '/v2/users/me/invites', jwt: newcomer })).json()
      .results;
    expect(mine).toHaveLength(1);
    const accepted = await t.inject({ method: 'POST', url: `/v2/invites/${inviteId}/accept`, jwt: newcomer });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ username: 'newcomer', role: 'Owner' });
  });

  it('an invite by username is mailed to that account only once its address is verified', async () => {
    await t.signUp('carol');
    const owner = await t.login('alice', defaultPassword);
    const res = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/invites',
      jwt: owner,
      body: { invitee: 'carol' },
    });
    expect(res.statusCode, res.body).toBe(201);
    await t.app.mailSender?.runOnce();
    expect(smtp.messagesTo('carol@example.com').map((m) => m.subject)).toEqual([
      'Verify your email address for tokenhub',
    ]);
  });
});

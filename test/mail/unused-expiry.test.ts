/**
 * Tokens expired for being unused (`TOKENHUB_TOKEN_UNUSED_EXPIRY_DAYS`) are mailed over a real
 * SMTP server: one mail per recipient and run naming their tokens (a personal token's owner, every
 * owner of an organization for its tokens), nothing to an unverified address, nothing on a second run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/services/orgs/org-member.service.ts';
import { runMaintenance } from '../../src/services/shared/maintenance.ts';
import { unusedTokenExpiry } from '../../src/services/tokens/unused-token-expiry.ts';
import { setVerifiedEmail } from '../../src/storage/user-email.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { fixtureMeta, setUpOrg, userRow } from '../support/org-fixtures.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { mintOat, mintPat } from '../support/token-fixtures.ts';

let smtp: SmtpReceiver;
let t: TestApp;
const subject = 'tokenhub: unused access tokens have expired';

beforeAll(async () => {
  smtp = await startSmtpReceiver();
  t = await createTestApp({ env: { ...smtp.env, TOKENHUB_TOKEN_UNUSED_EXPIRY_DAYS: '30' } });
  for (const name of ['alice', 'dave', 'carol']) {
    await t.signUp(name);
    if (name !== 'carol') {
      const user = await userRow(t, name);
      await setVerifiedEmail(t.database.db, user.id, `${name}@unused.example`, t.clock.now().toISOString());
    }
  }
  await mintPat(t, 'alice', { label: 'forgotten ci' });
  await mintPat(t, 'carol', { label: 'carol ci' });
  const org = await setUpOrg(t, 'acme', { members: [] });
  await addMember(t.app.services, org, 'dave', 'owner', { id: null, name: 'operator' }, fixtureMeta);
  await mintOat(t, org, [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }], 'acme robot');
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('unused-token expiry notices', () => {
  it('tells each owner once which tokens expired, never an unverified address', async () => {
    t.clock.advanceSeconds(31 * 86_400);
    await runMaintenance(t.app.services, [unusedTokenExpiry]);
    await runMaintenance(t.app.services, [unusedTokenExpiry]);
    await t.app.mailSender?.runOnce();
    const alice = smtp.messagesTo('alice@unused.example').filter((mail) => mail.subject === subject);
    expect(alice).toHaveLength(1);
    expect(alice[0]?.text).toContain('not used for 30 days');
    expect(alice[0]?.text).toContain('"forgotten ci" (personal access token); never used');
    expect(alice[0]?.text).toContain('"acme robot" (organization access token of acme)');
    const dave = smtp.messagesTo('dave@unused.example').filter((mail) => mail.subject === subject);
    expect(dave).toHaveLength(1);
    expect(dave[0]?.text).toContain('http://tokenhub.test/orgs/acme/tokens');
    expect(dave[0]?.text).not.toContain('forgotten ci');
    expect(smtp.messagesTo('carol@example.com').filter((mail) => mail.subject === subject)).toHaveLength(0);
  });
});

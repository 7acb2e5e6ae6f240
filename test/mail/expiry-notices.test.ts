/**
 * Token expiry notices with an injected clock and two workers (two apps, each with its own store
 * connection and sender, over one database) on SQLite and PostgreSQL, delivered to a real SMTP
 * server: one digest per recipient per day on the notice days only (7, 1, 0), to the PAT's owner
 * and every owner of the OAT's organization, never to an unverified address or an account that
 * turned notices off, and never twice however many workers run the task.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp, maintenanceTasks } from '../../src/api/app.ts';
import { createManualClock } from '../../src/core/clock.ts';
import { addMember } from '../../src/services/orgs/org-member.service.ts';
import { runMaintenance } from '../../src/services/shared/maintenance.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { setVerifiedEmail } from '../../src/storage/user-email.repository.ts';
import { createTestApp, defaultPassword, type TestApp } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';
import { fixtureMeta, setUpOrg, userRow } from '../support/org-fixtures.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { mintOat, mintPat } from '../support/token-fixtures.ts';

let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => smtp?.close());

for (const dialect of testDialects('expiry notices')) {
  describe(`expiry notices on ${dialect}`, () => {
    let t: TestApp;
    let second: App;
    const secondClock = createManualClock('2026-03-01T12:00:00.000Z');
    const domain = `${dialect}.example`;
    const address = (name: string) => `${name}@${domain}`;

    beforeAll(async () => {
      t = await createTestApp({ dialect, env: smtp.env });
      const db2 = openDatabase(t.database.config, t.database.schema ? { schema: t.database.schema } : {});
      second = await buildApp({
        config: t.config,
        db: db2,
        clock: secondClock,
        logger: pino({ level: 'silent' }),
      });
      second.addHook('onClose', async () => db2.destroy());
      for (const name of ['alice', 'bobby', 'carol', 'dave']) {
        await t.signUp(name);
        const user = await userRow(t, name);
        if (name !== 'carol')
          await setVerifiedEmail(t.database.db, user.id, address(name), '2026-03-01T12:00:00.000Z');
      }
      const bobby = await t.login('bobby', defaultPassword);
      await t.inject({
        method: 'PATCH',
        url: '/v2/users/me/email',
        jwt: bobby,
        body: { expiry_notices: false },
      });

      await mintPat(t, 'alice', { label: 'ci deploy', expiresAt: '2026-03-08T09:00:00.000Z' });
      await mintPat(t, 'alice', { label: 'far away', expiresAt: '2026-06-01T00:00:00.000Z' });
      await mintPat(t, 'bobby', { label: 'bobby ci', expiresAt: '2026-03-08T09:00:00.000Z' });
      await mintPat(t, 'carol', { label: 'carol ci', expiresAt: '2026-03-08T09:00:00.000Z' });
      const org = await setUpOrg(t, 'acme', { members: [] });
      await addMember(t.app.services, org, 'dave', 'owner', { id: null, name: 'operator' }, fixtureMeta);
      const oat = await mintOat(
        t,
        org,
        [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }],
        'acme robot',
      );
      await t.database.db
        .updateTable('access_tokens')
        .set({ expires_at: '2026-03-02T10:00:00.000Z' })
        .where('id', '=', oat.id)
        .execute();
    });
    afterAll(async () => {
      await second?.close();
      await t?.close();
    });

    /** Both workers run the whole maintenance pass at once at `time`, then both senders. */
    async function runBothAt(time: string) {
      t.clock.set(time);
      secondClock.set(time);
      await Promise.all(
        [t.app.services, second.services].map((ctx) => runMaintenance(ctx, maintenanceTasks)),
      );
      await Promise.all([t.app.mailSender?.runOnce(), second.mailSender?.runOnce()]);
    }
    const digests = (name: string) =>
      smtp
        .messagesTo(address(name))
        .filter((mail) => mail.subject === 'tokenhub: access tokens expiring soon');

    it('mails one digest per recipient on each notice day, never twice', async () => {
      await runBothAt('2026-03-01T00:30:00.000Z');
      await runBothAt('2026-03-01T13:00:00.000Z');
      // Day 1: alice's PAT is 7 days away and acme's OAT 1 day: one digest naming both.
      expect(digests('alice')).toHaveLength(1);
      const first = digests('alice')[0];
      expect(first?.text).toContain('"ci deploy" (personal access token) expires in 7 days');
      expect(first?.text).toContain('"acme robot" (organization access token of acme) expires tomorrow');
      expect(first?.text).toContain('http://tokenhub.test/orgs/acme/tokens');
      expect(first?.text).toContain('never used');
      expect(first?.text).not.toContain('far away');
      expect(digests('dave')).toHaveLength(1);
      expect(digests('dave')[0]?.text).not.toContain('ci deploy');
      expect(digests('bobby')).toHaveLength(0);
      expect(
        smtp.messagesTo('carol@example.com').filter((mail) => mail.subject.includes('expiring')),
      ).toHaveLength(0);

      await runBothAt('2026-03-02T08:00:00.000Z'); // the OAT's day: dave and alice hear of it
      expect(digests('dave')).toHaveLength(2);
      expect(digests('dave')[1]?.text).toContain('expires today');
      expect(digests('alice')).toHaveLength(2);
      expect(digests('alice')[1]?.text).not.toContain('ci deploy');

      for (const quiet of [
        '2026-03-02T20:00:00.000Z',
        '2026-03-03T09:00:00.000Z',
        '2026-03-05T09:00:00.000Z',
      ]) {
        await runBothAt(quiet);
      }
      expect(digests('alice')).toHaveLength(2);

      await runBothAt('2026-03-07T06:00:00.000Z');
      expect(digests('alice')).toHaveLength(3);
      expect(digests('alice')[2]?.text).toContain('expires tomorrow');
      await runBothAt('2026-03-08T08:00:00.000Z');
      await runBothAt('2026-03-08T08:59:00.000Z');
      await runBothAt('2026-03-08T10:00:00.000Z');
      expect(digests('alice')).toHaveLength(4);
      expect(digests('alice')[3]?.text).toContain('expires today');
      await runBothAt('2026-03-09T10:00:00.000Z');
      expect(digests('alice')).toHaveLength(4);
      expect(digests('dave')).toHaveLength(2);
    });
  });
}

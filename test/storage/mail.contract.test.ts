/**
 * The mail outbox and email codes on SQLite and PostgreSQL: claims by four senders at once (each
 * over its own connection, as separate processes would be) never share a mail; a lease that ran
 * out frees a mail and the late sender's mark is refused; dedupe keys queue a mail once; a code is
 * spent once, also by concurrent uses, and never after it expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/storage/database.ts';
import { insertEmailCode, spendEmailCode } from '../../src/storage/email-code.repository.ts';
import {
  claimDueMail,
  countOutboxByState,
  insertOutboxMail,
  markMailFailed,
  markMailSent,
} from '../../src/storage/mail-outbox.repository.ts';
import { inTransaction } from '../../src/storage/transaction.ts';
import { insertUser } from '../../src/storage/user.repository.ts';
import { openTestDatabase, type TestDatabase, testDialects } from '../support/databases.ts';

const t0 = '2026-03-01T12:00:00.000Z';
const later = (seconds: number) => new Date(Date.parse(t0) + seconds * 1000).toISOString();

const mail = (n: number, dedupeKey: string | null = null) => ({
  id: crypto.randomUUID(),
  kind: 'verify-email',
  recipient: `r${n}@example.com`,
  subject: `mail ${n}`,
  text: 'text',
  html: '<p>html</p>',
  dedupeKey,
  createdAt: t0,
});

for (const dialect of testDialects('mail contract')) {
  describe(`mail storage on ${dialect}`, () => {
    let test: TestDatabase;
    let others: Db[];
    beforeAll(async () => {
      test = await openTestDatabase(dialect);
      others = [0, 1, 2].map(() => openDatabase(test.config, test.schema ? { schema: test.schema } : {}));
    });
    afterAll(async () => {
      for (const db of others ?? []) await db.destroy();
      await test?.close();
    });

    it('four senders claiming at once never share a mail', async () => {
      for (let n = 0; n < 50; n++) await insertOutboxMail(test.db, mail(n));
      const senders = [test.db, ...others];
      const rounds = await Promise.all(
        senders.map(async (db) => {
          const mine: string[] = [];
          for (;;) {
            const claimId = crypto.randomUUID();
            const claimed = await inTransaction(db, (tx) =>
              claimDueMail(tx, { claimId, now: later(1), leaseUntil: later(120), limit: 7 }),
            );
            if (claimed.length === 0) return mine;
            for (const one of claimed) {
              expect(await markMailSent(db, one.id, claimId, later(2))).toBe(true);
              mine.push(one.id);
            }
          }
        }),
      );
      const all = rounds.flat();
      expect(all).toHaveLength(50);
      expect(new Set(all).size).toBe(50);
      expect(await countOutboxByState(test.db)).toMatchObject({ sent: 50 });
    });

    it('a lease that ran out frees the mail; the late mark is refused', async () => {
      const one = mail(100);
      await insertOutboxMail(test.db, one);
      const first = await inTransaction(test.db, (tx) =>
        claimDueMail(tx, { claimId: 'a', now: later(10), leaseUntil: later(70), limit: 10 }),
      );
      expect(first.map((m) => m.id)).toEqual([one.id]);
      const during = await inTransaction(test.db, (tx) =>
        claimDueMail(tx, { claimId: 'b', now: later(60), leaseUntil: later(120), limit: 10 }),
      );
      expect(during).toEqual([]);
      const after = await inTransaction(test.db, (tx) =>
        claimDueMail(tx, { claimId: 'c', now: later(71), leaseUntil: later(131), limit: 10 }),
      );
      expect(after.map((m) => m.id)).toEqual([one.id]);
      expect(await markMailSent(test.db, one.id, 'a', later(72))).toBe(false);
      await markMailFailed(test.db, one.id, 'c', { error: 'connection refused', retryAt: later(200) });
      const early = await inTransaction(test.db, (tx) =>
        claimDueMail(tx, { claimId: 'd', now: later(199), leaseUntil: later(260), limit: 10 }),
      );
      expect(early).toEqual([]);
      const due = await inTransaction(test.db, (tx) =>
        claimDueMail(tx, { claimId: 'e', now: later(200), leaseUntil: later(260), limit: 10 }),
      );
      expect(due).toMatchObject([{ id: one.id, attempts: 1, lastError: 'connection refused' }]);
      await markMailFailed(test.db, one.id, 'e', { error: 'still refused', retryAt: null });
      expect(await countOutboxByState(test.db)).toMatchObject({ given_up: 1 });
    });

    it('a dedupe key queues a mail once', async () => {
      expect(await insertOutboxMail(test.db, mail(200, 'expiry:u1:2026-03-01'))).toBe(true);
      expect(await insertOutboxMail(test.db, mail(201, 'expiry:u1:2026-03-01'))).toBe(false);
      expect(await insertOutboxMail(test.db, mail(202, 'expiry:u1:2026-03-02'))).toBe(true);
    });

    it('a code is spent once, by one of many concurrent uses, and never once expired', async () => {
      const userId = crypto.randomUUID();
      await insertUser(test.db, {
        id: userId,
        username: `codeuser${dialect}`,
        email: 'c@example.com',
        passwordHash: 'x',
        isAdmin: false,
        createdAt: t0,
        updatedAt: t0,
        sessionsValidAfter: null,
      });
      const code = (hash: string, expiresAt: string) =>
        insertEmailCode(test.db, {
          codeHash: hash,
          userId,
          purpose: 'password-reset',
          email: 'c@example.com',
          createdAt: t0,
          expiresAt,
        });
      await code('a'.repeat(64), later(1800));
      const dbs = [test.db, ...others];
      const spent = await Promise.all(
        dbs.map((db) =>
          inTransaction(db, (tx) => spendEmailCode(tx, 'a'.repeat(64), 'password-reset', later(5))),
        ),
      );
      expect(spent.filter(Boolean)).toHaveLength(1);
      await code('b'.repeat(64), later(1800));
      expect(await spendEmailCode(test.db, 'b'.repeat(64), 'verify-email', later(5))).toBeUndefined();
      expect(await spendEmailCode(test.db, 'b'.repeat(64), 'password-reset', later(1800))).toBeUndefined();
      expect(await spendEmailCode(test.db, 'b'.repeat(64), 'password-reset', later(1799))).toMatchObject({
        userId,
      });
    });
  });
}

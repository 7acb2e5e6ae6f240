/**
 * The mail outbox, task-shaped, the db or a transaction first. A row is `pending` until sent
 * (`sent`) or out of attempts (`given_up`). A sender claims due rows for a lease (`claim_id`,
 * `claimed_until`) inside one transaction, so two senders, in one process or many, never hold the
 * same row; a lease that runs out (a sender that died mid-send) frees the row for another.
 */
import { sql } from 'kysely';
import { type Db, dialectOf } from './database.ts';
import type { MailOutboxTable } from './schema.ts';

/** A mail as the outbox keeps it. */
export interface OutboxMail {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  dedupeKey: string | null;
  state: 'pending' | 'sent' | 'given_up';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

function mailFromRow(row: MailOutboxTable): OutboxMail {
  return {
    id: row.id,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    dedupeKey: row.dedupe_key,
    state: row.state as OutboxMail['state'],
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

/** Queues a mail; false when one with the same `dedupeKey` exists already (nothing is queued). */
export async function insertOutboxMail(
  db: Db,
  mail: Pick<
    OutboxMail,
    'id' | 'kind' | 'recipient' | 'subject' | 'text' | 'html' | 'dedupeKey' | 'createdAt'
  >,
): Promise<boolean> {
  const result = await db
    .insertInto('mail_outbox')
    .values({
      id: mail.id,
      kind: mail.kind,
      recipient: mail.recipient,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      dedupe_key: mail.dedupeKey,
      state: 'pending',
      attempts: 0,
      next_attempt_at: mail.createdAt,
      claim_id: null,
      claimed_until: null,
      last_error: null,
      created_at: mail.createdAt,
      sent_at: null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Claims up to `limit` due pending rows for `claimId` until `leaseUntil`, in the caller's
 * transaction (PostgreSQL skips rows another transaction holds; SQLite's writer is alone).
 * @returns the claimed mails, oldest due first.
 */
export async function claimDueMail(
  tx: Db,
  claim: { claimId: string; now: string; leaseUntil: string; limit: number },
): Promise<OutboxMail[]> {
  const due = tx
    .selectFrom('mail_outbox')
    .select('id')
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', claim.now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', claim.now)]))
    .orderBy('next_attempt_at')
    .limit(claim.limit);
  const rows = await (dialectOf(tx) === 'postgres' ? due.forUpdate().skipLocked() : due).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  await tx
    .updateTable('mail_outbox')
    .set({ claim_id: claim.claimId, claimed_until: claim.leaseUntil })
    .where('id', 'in', ids)
    .execute();
  const claimed = await tx
    .selectFrom('mail_outbox')
    .selectAll()
    .where('claim_id', '=', claim.claimId)
    .where('id', 'in', ids)
    .orderBy('next_attempt_at')
    .execute();
  return claimed.map(mailFromRow);
}

/** Marks a claimed mail sent; false when the claim was lost (the lease ran out and another took it). */
export async function markMailSent(db: Db, id: string, claimId: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ state: 'sent', sent_at: at, claim_id: null, claimed_until: null, last_error: null })
    .where('id', '=', id)
    .where('claim_id', '=', claimId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records a failed attempt: due again at `retryAt`, or `given_up` when `retryAt` is null. */
export async function markMailFailed(
  db: Db,
  id: string,
  claimId: string,
  failure: { error: string; retryAt: string | null },
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      state: failure.retryAt === null ? 'given_up' : 'pending',
      attempts: sql<number>`attempts + 1`,
      next_attempt_at: failure.retryAt ?? sql<string>`next_attempt_at`,
      claim_id: null,
      claimed_until: null,
      last_error: failure.error.slice(0, 500),
    })
    .where('id', '=', id)
    .where('claim_id', '=', claimId)
    .execute();
}

/** The newest mails, optionally in one state, without their bodies' text beyond the row. */
export async function listOutboxMail(
  db: Db,
  options: { state?: OutboxMail['state']; limit: number },
): Promise<OutboxMail[]> {
  let query = db.selectFrom('mail_outbox').selectAll().orderBy('created_at', 'desc').limit(options.limit);
  if (options.state) query = query.where('state', '=', options.state);
  return (await query.execute()).map(mailFromRow);
}

/** Mails per state, for the metrics and `tokenhub admin mail ls`. */
export async function countOutboxByState(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select(['state', (eb) => eb.fn.countAll<number | string>().as('count')])
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
}

/** Sent and given-up mails older than `before` are deleted; returns how many. */
export async function deleteFinishedMailBefore(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('mail_outbox')
    .where('state', 'in', ['sent', 'given_up'])
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Mail counters in `/metrics`: mails sent, failed attempts and mails given up, by this process
 * (summed over the workers of a node by the cluster primary, as every counter is).
 */
import { Counter, type Registry } from 'prom-client';
import type { MailCounts } from '../services/mail/mail-sender.ts';

export function registerMailMetrics(registry: Registry, counts: MailCounts): void {
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('tokenhub_mail_sent_total', 'Mails the SMTP server accepted.', () => counts.sent);
  counter(
    'tokenhub_mail_failed_total',
    'Attempts to send a mail that failed (each is tried again later, up to 10 times).',
    () => counts.failed,
  );
  counter(
    'tokenhub_mail_given_up_total',
    'Mails given up after their last failed attempt (`tokenhub admin mail ls --state given_up`).',
    () => counts.givenUp,
  );
}

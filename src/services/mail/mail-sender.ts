/**
 * The sender: every process that serves runs one. Each run claims due mails from the outbox for a
 * lease inside one transaction (mail-outbox.repository.ts), sends them over SMTP outside it, and
 * marks each sent, or due again after a backoff (30 s doubling to at most an hour), or given up
 * after `maxAttempts`. Claims make each mail go out once across workers and processes; only a
 * sender that dies between the SMTP answer and the mark leaves a mail to be sent again when its
 * lease ends (at least once, never lost). Runs every `intervalMs`, and shortly after a mail is
 * queued in this process.
 */
import type { Transporter } from 'nodemailer';
import { newId } from '../../core/ids.ts';
import { claimDueMail, markMailFailed, markMailSent } from '../../storage/mail-outbox.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import type { ServiceContext } from '../shared/context.ts';
import { onMailQueued } from './outbox.service.ts';

export const maxAttempts = 10;
const leaseMs = 120_000;
const batchSize = 20;

/** When a mail that failed `attempts` times is due again; null: give up. */
export function retryAt(now: Date, attempts: number): string | null {
  if (attempts >= maxAttempts) return null;
  const delayMs = Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);
  return new Date(now.getTime() + delayMs).toISOString();
}

/** Counts of this process since start, for `/metrics`. */
export interface MailCounts {
  sent: number;
  failed: number;
  givenUp: number;
}

export class MailSender {
  readonly counts: MailCounts = { sent: 0, failed: 0, givenUp: 0 };
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private closed = false;

  private readonly ctx: ServiceContext;
  private readonly transport: Transporter;
  private readonly intervalMs: number;

  constructor(ctx: ServiceContext, transport: Transporter, intervalMs: number) {
    this.ctx = ctx;
    this.transport = transport;
    this.intervalMs = intervalMs;
  }

  /** Starts the periodic runs. */
  start(): void {
    this.timer = setInterval(() => void this.kick(), this.intervalMs);
    this.timer.unref();
    this.unsubscribe = onMailQueued(() => void this.kick());
  }

  /** A run now, or right after the one in progress. Failures are logged, never thrown. */
  private async kick(): Promise<void> {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    try {
      await this.drainOnce();
    } catch (error) {
      this.ctx.log.warn({ err: error }, 'mail: a send run failed; will retry');
    }
    if (this.again) {
      this.again = false;
      await this.kick();
    }
  }

  /**
   * Waits for a run in progress, then claims and sends every due mail (batch after batch) and
   * returns how many this run sent. Tests call it directly with a manual clock.
   */
  async runOnce(): Promise<number> {
    while (this.running) await this.running.catch(() => 0);
    return this.drainOnce();
  }

  /** The run in progress, or a new one. */
  private drainOnce(): Promise<number> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimId = newId();
      const now = this.ctx.clock.now();
      const claimed = await inTransaction(this.ctx.db, (tx) =>
        claimDueMail(tx, {
          claimId,
          now: now.toISOString(),
          leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
          limit: batchSize,
        }),
      );
      for (const mail of claimed) {
        try {
          await this.transport.sendMail({
            from: this.ctx.config.mail.from,
            to: mail.recipient,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId: `<${mail.id}@tokenhub>`,
          });
          if (await markMailSent(this.ctx.db, mail.id, claimId, this.ctx.clock.now().toISOString())) {
            this.counts.sent++;
            sent++;
          }
        } catch (error) {
          const attempts = mail.attempts + 1;
          const retry = retryAt(this.ctx.clock.now(), attempts);
          const message = error instanceof Error ? error.message : String(error);
          await markMailFailed(this.ctx.db, mail.id, claimId, { error: message, retryAt: retry });
          this.counts.failed++;
          if (retry === null) this.counts.givenUp++;
          this.ctx.log.warn(
            { mailId: mail.id, kind: mail.kind, attempts, givenUp: retry === null, err: message },
            'mail: sending failed',
          );
        }
      }
      if (claimed.length < batchSize || this.closed) return sent;
    }
  }

  /** Stops the runs and waits for the one in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.running?.catch(() => undefined);
    this.transport.close();
  }
}

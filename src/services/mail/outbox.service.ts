/**
 * Queuing mail: a use case renders a template and writes it to the outbox, in its own transaction
 * when it passes one, so the mail exists exactly when the change it reports does. The sender
 * (mail-sender.ts) delivers it later; no request ever waits on SMTP. Without `TOKENHUB_SMTP_URL`
 * nothing is queued.
 */
import { newId } from '../../core/ids.ts';
import type { Db } from '../../storage/database.ts';
import { insertOutboxMail } from '../../storage/mail-outbox.repository.ts';
import { isoNow, type ServiceContext } from '../shared/context.ts';
import { renderMail, type TemplateName } from './mail-templates.ts';

export interface MailRequest {
  to: string;
  template: TemplateName;
  /** Template values; `public_url` is added. Never a secret other than a single-use link code. */
  values: Record<string, string>;
  /** A mail that must be queued at most once (`expiry:<user id>:<day>`). */
  dedupeKey?: string;
}

/** Whether this instance sends mail (`TOKENHUB_SMTP_URL` is set). */
export function mailEnabled(ctx: Pick<ServiceContext, 'config'>): boolean {
  return ctx.config.mail.smtpUrl !== undefined;
}

const listeners = new Set<() => void>();

/** Calls `listener` soon after a mail is queued in this process; returns the unsubscribe function. */
export function onMailQueued(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Renders and queues a mail in `db` (the caller's transaction, or `ctx.db`).
 * @returns false when mail is off or a mail with the same `dedupeKey` was queued already.
 */
export async function queueMail(ctx: ServiceContext, db: Db, request: MailRequest): Promise<boolean> {
  if (!mailEnabled(ctx)) return false;
  const rendered = renderMail(request.template, { ...request.values, public_url: ctx.config.publicUrl });
  const queued = await insertOutboxMail(db, {
    id: newId(),
    kind: request.template,
    recipient: request.to,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    dedupeKey: request.dedupeKey ?? null,
    createdAt: isoNow(ctx),
  });
  // The sender looks shortly after (once a surrounding transaction has committed).
  if (queued) for (const listener of listeners) setTimeout(listener, 25).unref();
  return queued;
}

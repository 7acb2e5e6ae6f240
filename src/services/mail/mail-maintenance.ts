/**
 * Mail housekeeping, with the other maintenance tasks: expired link codes go, and sent or
 * given-up mails leave the outbox after 30 days (the queue `tokenhub admin mail ls` shows).
 */
import { deleteExpiredEmailCodes } from '../../storage/email-code.repository.ts';
import { deleteFinishedMailBefore } from '../../storage/mail-outbox.repository.ts';
import type { MaintenanceTask } from '../shared/maintenance.ts';

const keepFinishedMailDays = 30;

export const mailMaintenance: MaintenanceTask = async (ctx) => {
  const now = ctx.clock.now();
  await deleteExpiredEmailCodes(ctx.db, now.toISOString());
  const cutoff = new Date(now.getTime() - keepFinishedMailDays * 86_400_000).toISOString();
  await deleteFinishedMailBefore(ctx.db, cutoff);
};

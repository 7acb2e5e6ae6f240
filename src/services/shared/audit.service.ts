/**
 * Records audit events. Event data must never hold a secret: callers pass labels, ids and changed
 * field names, and `recordAudit` drops any key that looks like a secret as a second line of defence.
 */
import type { AuditAction } from '../../core/audit-actions.ts';
import { newId } from '../../core/ids.ts';
import { insertAuditEvent } from '../../storage/audit.repository.ts';
import type { Db } from '../../storage/database.ts';
import { isoNow, type RequestMeta, type ServiceContext } from './context.ts';

/** An account (user or organization) whose log holds an event. */
export interface AuditAccount {
  id: string;
  name: string;
}

/** Who did it: a user, or a token or system by name (`id` null). */
export interface AuditActor {
  id: string | null;
  name: string;
}

export interface AuditEventInput {
  account: AuditAccount;
  action: AuditAction;
  name: string;
  actor: AuditActor;
  meta: RequestMeta;
  data?: Record<string, unknown>;
}

const secretLikeKey = /secret|password|token$|hash/i;

/** @returns the new event's id. */
export async function recordAudit(
  ctx: Pick<ServiceContext, 'clock'> & { db: Db },
  event: AuditEventInput,
): Promise<string> {
  const data = Object.fromEntries(
    Object.entries(event.data ?? {}).filter(([key]) => !secretLikeKey.test(key)),
  );
  const id = newId();
  await insertAuditEvent(ctx.db, {
    id,
    accountId: event.account.id,
    accountName: event.account.name,
    action: event.action,
    name: event.name.slice(0, 200),
    actorId: event.actor.id,
    actorName: event.actor.name,
    ip: event.meta.ip.slice(0, 64),
    userAgent: event.meta.userAgent.slice(0, 512),
    data,
    createdAt: isoNow(ctx),
  });
  return id;
}

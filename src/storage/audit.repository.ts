/** Audit events: append-only rows, read per account. `data` is stored as JSON text. */
import type { ExpressionBuilder } from 'kysely';
import type { AuditEvent } from '../core/audit-actions.ts';
import type { Db } from './database.ts';
import type { AuditEventsTable, Database } from './schema.ts';

/** The stored JSON object; anything else (never written by the services) reads as `{}`. */
function storedData(json: string): Record<string, unknown> {
  try {
    const data: unknown = JSON.parse(json);
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function auditEventFromRow(row: AuditEventsTable): AuditEvent {
  return {
    id: row.id,
    accountId: row.account_id,
    accountName: row.account_name,
    action: row.action,
    name: row.name,
    actorId: row.actor_id,
    actorName: row.actor_name,
    ip: row.ip,
    userAgent: row.user_agent,
    data: storedData(row.data),
    createdAt: row.created_at,
  };
}

export async function insertAuditEvent(db: Db, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: event.id,
      account_id: event.accountId,
      account_name: event.accountName,
      action: event.action,
      name: event.name,
      actor_id: event.actorId,
      actor_name: event.actorName,
      ip: event.ip,
      user_agent: event.userAgent,
      data: JSON.stringify(event.data),
      created_at: event.createdAt,
    })
    .execute();
}

/** Replaces the data of an event (an aggregated event's count). */
export async function updateAuditEventData(db: Db, id: string, data: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('audit_events')
    .set({ data: JSON.stringify(data) })
    .where('id', '=', id)
    .execute();
}

/**
 * Which events of one account (or of several: a company and its organizations) to read.
 * `from`/`to` are inclusive ISO 8601 UTC instants (`…Z`).
 */
export interface AuditFilter {
  accountId: string | readonly string[];
  action?: string;
  actorName?: string;
  name?: string;
  from?: string;
  to?: string;
}

export interface AuditQuery extends AuditFilter {
  limit: number;
  offset: number;
}

/** One WHERE for the list and the count, so a page and its total never disagree. */
function matching(filter: AuditFilter) {
  return (eb: ExpressionBuilder<Database, 'audit_events'>) => {
    const { accountId } = filter;
    const conditions = [
      typeof accountId === 'string' ? eb('account_id', '=', accountId) : eb('account_id', 'in', accountId),
    ];
    if (filter.action) conditions.push(eb('action', '=', filter.action));
    if (filter.actorName) conditions.push(eb('actor_name', '=', filter.actorName));
    if (filter.name) conditions.push(eb('name', '=', filter.name));
    if (filter.from) conditions.push(eb('created_at', '>=', filter.from));
    if (filter.to) conditions.push(eb('created_at', '<=', filter.to));
    return eb.and(conditions);
  };
}

/** Newest first (ties broken by id, so pages are stable). */
export async function listAuditEvents(db: Db, query: AuditQuery): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where(matching(query))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return rows.map(auditEventFromRow);
}

export async function countAuditEvents(db: Db, filter: AuditFilter): Promise<number> {
  const { total } = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where(matching(filter))
    .executeTakeFirstOrThrow();
  return Number(total);
}

/** Retention: deletes events older than `cutoff`; returns how many went. */
export async function deleteAuditEventsBefore(db: Db, cutoff: string): Promise<number> {
  const result = await db.deleteFrom('audit_events').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

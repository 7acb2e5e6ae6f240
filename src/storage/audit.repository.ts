/** Audit events: append-only rows, read per account. */
import type { Db } from './database.ts';
import type { AuditEventsTable } from './schema.ts';

export type AuditEventRow = AuditEventsTable;

export async function insertAuditEvent(db: Db, row: AuditEventRow): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

export interface AuditQuery {
  accountId: string;
  action?: string;
  actorName?: string;
  name?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export async function listAuditEvents(db: Db, query: AuditQuery): Promise<AuditEventRow[]> {
  let select = db.selectFrom('audit_events').selectAll().where('account_id', '=', query.accountId);
  if (query.action) select = select.where('action', '=', query.action);
  if (query.actorName) select = select.where('actor_name', '=', query.actorName);
  if (query.name) select = select.where('name', '=', query.name);
  if (query.from) select = select.where('created_at', '>=', query.from);
  if (query.to) select = select.where('created_at', '<=', query.to);
  return select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
}

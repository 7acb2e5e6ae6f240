/**
 * The failure log of OIDC connections: one row per refused identity token, newest first, the
 * latest {@link failuresKeptPerConnection} of each connection kept.
 */
import type { OidcFailure } from '../core/oidc-rules.ts';
import type { Db, PageWindow } from './database.ts';
import type { OidcFailuresTable } from './schema.ts';

export const failuresKeptPerConnection = 200;

function failureFromRow(row: OidcFailuresTable): OidcFailure {
  return {
    id: row.id,
    connectionId: row.connection_id,
    createdAt: row.created_at,
    reason: row.reason,
    subject: row.subject,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** Appends a failure and drops the connection's failures beyond the kept number. */
export async function insertFailure(db: Db, failure: OidcFailure): Promise<void> {
  await db
    .insertInto('oidc_failures')
    .values({
      id: failure.id,
      connection_id: failure.connectionId,
      created_at: failure.createdAt,
      reason: failure.reason.slice(0, 1024),
      subject: failure.subject?.slice(0, 1024) ?? null,
      ip: failure.ip.slice(0, 64),
      user_agent: failure.userAgent.slice(0, 512),
    })
    .execute();
  const oldestKept = await db
    .selectFrom('oidc_failures')
    .select(['created_at', 'id'])
    .where('connection_id', '=', failure.connectionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(failuresKeptPerConnection - 1)
    .limit(1)
    .executeTakeFirst();
  if (!oldestKept) return;
  await db
    .deleteFrom('oidc_failures')
    .where('connection_id', '=', failure.connectionId)
    .where((eb) =>
      eb.or([
        eb('created_at', '<', oldestKept.created_at),
        eb.and([eb('created_at', '=', oldestKept.created_at), eb('id', '<', oldestKept.id)]),
      ]),
    )
    .execute();
}

/** One page of a connection's failures, newest first, and how many it has. */
export async function listFailures(
  db: Db,
  connectionId: string,
  page: PageWindow,
): Promise<{ failures: OidcFailure[]; total: number }> {
  const rows = await db
    .selectFrom('oidc_failures')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('oidc_failures')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  return { failures: rows.map(failureFromRow), total: Number(total) };
}

/**
 * Organization invites, task-shaped, the db or a transaction first. Invitees are stored lowercased;
 * the `(org_id, invitee)` pair is unique.
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { PageWindow } from './org-group.repository.ts';
import type { OrgInvitesTable } from './schema.ts';

export type OrgInviteRow = OrgInvitesTable;

/** An invite with the names the API shows instead of ids. */
export interface InviteListing extends OrgInviteRow {
  org_name: string;
  invited_by_name: string | null;
}

/** Inserts an invite; false when the organization already has one for the same invitee text. */
export async function insertOrgInvite(db: Db, row: OrgInviteRow): Promise<boolean> {
  const result = await db
    .insertInto('org_invites')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'invitee']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findInviteById(db: Db, id: string): Promise<OrgInviteRow | undefined> {
  return db.selectFrom('org_invites').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A pending invite of the organization addressed to a known user (by username or by email). */
export async function findInviteForUser(
  db: Db,
  orgId: string,
  userId: string,
): Promise<OrgInviteRow | undefined> {
  return db
    .selectFrom('org_invites')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('invitee_user_id', '=', userId)
    .executeTakeFirst();
}

export async function deleteOrgInvite(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('org_invites').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

function inviteListing(db: Db) {
  return db
    .selectFrom('org_invites as i')
    .innerJoin('organizations as o', 'o.id', 'i.org_id')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .selectAll('i')
    .select(['o.name as org_name', 'u.username as invited_by_name']);
}

/** One page of an organization's pending invites, newest first. */
export async function listOrgInvites(
  db: Db,
  orgId: string,
  page: PageWindow,
): Promise<{ rows: InviteListing[]; total: number }> {
  const rows = await inviteListing(db)
    .where('i.org_id', '=', orgId)
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('org_invites')
    .select((eb) => eb.fn.countAll<string | number>().as('total'))
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

export async function findOrgInvite(db: Db, orgId: string, id: string): Promise<InviteListing | undefined> {
  return inviteListing(db).where('i.org_id', '=', orgId).where('i.id', '=', id).executeTakeFirst();
}

/**
 * The pending invites addressed to a user: by their id, or by their email address (`email`
 * lowercased; invites store the invitee lowercased). Newest first; a user has few.
 */
export async function listInvitesAddressedTo(
  db: Db,
  userId: string,
  email: string,
): Promise<InviteListing[]> {
  return inviteListing(db)
    .where((eb) => eb.or([eb('i.invitee_user_id', '=', userId), eb('i.invitee', '=', email)]))
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id')
    .limit(100)
    .execute();
}

/** Users whose email address is `email`, compared case-insensitively (`email` lowercased). */
export async function findUserIdsByEmail(db: Db, email: string): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where(sql`lower(email)`, '=', email)
    .limit(2)
    .execute();
  return rows.map((row) => row.id);
}

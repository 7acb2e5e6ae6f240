/**
 * Organization invites, task-shaped, the db or a transaction first. Invitees are stored lowercased;
 * the `(org_id, invitee)` pair is unique.
 */
import type { OrgInvite } from '../core/organization-rules.ts';
import type { Db, PageWindow } from './database.ts';
import type { OrgInvitesTable } from './schema.ts';

function inviteFromRow(
  row: OrgInvitesTable & { org_name: string; invited_by_name: string | null; group_name: string | null },
): OrgInvite {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    invitee: row.invitee,
    inviteeUserId: row.invitee_user_id,
    role: row.role,
    invitedBy: row.invited_by,
    invitedByName: row.invited_by_name,
    createdAt: row.created_at,
    groupId: row.group_id,
    groupName: row.group_name,
  };
}

/** Inserts an invite; false when the organization already has one for the same invitee text. */
export async function insertOrgInvite(
  db: Db,
  invite: Omit<OrgInvite, 'orgName' | 'invitedByName' | 'groupName' | 'groupId'> & {
    groupId?: string | null;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('org_invites')
    .values({
      id: invite.id,
      org_id: invite.orgId,
      invitee: invite.invitee,
      invitee_user_id: invite.inviteeUserId,
      role: invite.role,
      invited_by: invite.invitedBy,
      created_at: invite.createdAt,
      group_id: invite.groupId ?? null,
    })
    .onConflict((oc) => oc.columns(['org_id', 'invitee']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteOrgInvite(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('org_invites').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Invites with the organization's name, the inviter's username and the group's name, in one query. */
function inviteListing(db: Db) {
  return db
    .selectFrom('org_invites as i')
    .innerJoin('organizations as o', 'o.id', 'i.org_id')
    .leftJoin('users as u', 'u.id', 'i.invited_by')
    .leftJoin('org_groups as g', 'g.id', 'i.group_id')
    .selectAll('i')
    .select(['o.name as org_name', 'u.username as invited_by_name', 'g.name as group_name']);
}

export async function findInviteById(db: Db, id: string): Promise<OrgInvite | undefined> {
  const row = await inviteListing(db).where('i.id', '=', id).executeTakeFirst();
  return row && inviteFromRow(row);
}

/** A pending invite of the organization addressed to a known user (by username or by email). */
export async function findInviteForUser(
  db: Db,
  orgId: string,
  userId: string,
): Promise<OrgInvite | undefined> {
  const row = await inviteListing(db)
    .where('i.org_id', '=', orgId)
    .where('i.invitee_user_id', '=', userId)
    .executeTakeFirst();
  return row && inviteFromRow(row);
}

/** One page of an organization's pending invites, newest first. */
export async function listOrgInvites(
  db: Db,
  orgId: string,
  page: PageWindow,
): Promise<{ invites: OrgInvite[]; total: number }> {
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
  return { invites: rows.map(inviteFromRow), total: Number(total) };
}

export async function findOrgInvite(db: Db, orgId: string, id: string): Promise<OrgInvite | undefined> {
  const row = await inviteListing(db).where('i.org_id', '=', orgId).where('i.id', '=', id).executeTakeFirst();
  return row && inviteFromRow(row);
}

/**
 * The pending invites addressed to a user: by their id, or by their email address (`email`
 * lowercased; invites store the invitee lowercased). Newest first; a user has few.
 */
export async function listInvitesAddressedTo(db: Db, userId: string, email: string): Promise<OrgInvite[]> {
  const rows = await inviteListing(db)
    .where((eb) => eb.or([eb('i.invitee_user_id', '=', userId), eb('i.invitee', '=', email)]))
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id')
    .limit(100)
    .execute();
  return rows.map(inviteFromRow);
}

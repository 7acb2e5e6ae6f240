/**
 * What token expiry notices read: active tokens expiring in a time range with who must hear of
 * them (a PAT's owner; every owner of an OAT's organization), and those people's mail facts.
 */
import type { Db } from './database.ts';

export interface ExpiringToken {
  id: string;
  kind: 'pat' | 'oat';
  label: string;
  expiresAt: string;
  lastUsedAt: string | null;
  /** The organization's name, for an OAT. */
  orgName: string | null;
  /** Users to tell: the PAT's owner, or the organization's owners. */
  recipientIds: string[];
}

/** Active tokens whose `expires_at` is in `[from, to)`, with their recipients, in two reads. */
export async function listTokensExpiringBetween(db: Db, from: string, to: string): Promise<ExpiringToken[]> {
  const rows = await db
    .selectFrom('access_tokens as t')
    .leftJoin('organizations as o', (join) =>
      join.onRef('o.id', '=', 't.owner_id').on('t.owner_kind', '=', 'org'),
    )
    .select([
      't.id',
      't.kind',
      't.owner_kind',
      't.owner_id',
      't.label',
      't.expires_at',
      't.last_used_at',
      'o.name',
    ])
    .where('t.is_active', '=', 1)
    .where('t.expires_at', '>=', from)
    .where('t.expires_at', '<', to)
    .orderBy('t.expires_at')
    .limit(10_000)
    .execute();
  const owners = await listOwnersOfOrgs(
    db,
    rows.filter((row) => row.owner_kind === 'org').map((row) => row.owner_id),
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    label: row.label,
    expiresAt: row.expires_at ?? to,
    lastUsedAt: row.last_used_at,
    orgName: row.name ?? null,
    recipientIds:
      row.owner_kind === 'user'
        ? [row.owner_id]
        : owners.filter((owner) => owner.org_id === row.owner_id).map((owner) => owner.user_id),
  }));
}

/** The owners of each of `orgIds`, as (organization, user) pairs, in one read. */
export async function listOwnersOfOrgs(
  db: Db,
  orgIds: readonly string[],
): Promise<Array<{ org_id: string; user_id: string }>> {
  const unique = [...new Set(orgIds)];
  if (unique.length === 0) return [];
  return db
    .selectFrom('org_members')
    .select(['org_id', 'user_id'])
    .where('org_id', 'in', unique)
    .where('role', '=', 'owner')
    .execute();
}

export interface NoticeRecipient {
  id: string;
  username: string;
  email: string;
  verified: boolean;
  expiryNotices: boolean;
}

export async function findNoticeRecipients(db: Db, ids: readonly string[]): Promise<NoticeRecipient[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'email', 'email_verified_at', 'expiry_notices'])
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    email: row.email,
    verified: Boolean(row.email_verified_at),
    expiryNotices: Number(row.expiry_notices ?? 1) === 1,
  }));
}

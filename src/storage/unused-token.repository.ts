/**
 * Unused-token expiry's storage (services/tokens/unused-token-expiry.ts): finds tokens not used
 * since a cutoff and expires each with its own conditional UPDATE.
 */
import type { ExpressionBuilder } from 'kysely';
import type { AccessToken, TokenOwner } from '../core/access-token-rules.ts';
import type { Db } from './database.ts';
import type { AccessTokensTable, Database } from './schema.ts';

/** A token that unused-token expiry ended, with the names its audit event and notice need. */
export interface ExpiredUnusedToken {
  id: string;
  kind: AccessToken['kind'];
  ownerKind: TokenOwner['kind'];
  ownerId: string;
  /** The owning user's or organization's name. */
  ownerName: string;
  label: string;
  lastUsedAt: string | null;
}

/**
 * Expires (sets `expires_at` to `now`) every active, unexpired token not used since `cutoff`
 * (never used: created before it). Each token is claimed by its own conditional UPDATE, so two
 * processes running this at once expire, and report, each token once.
 * @returns the tokens this call expired.
 */
export async function expireTokensUnusedSince(
  db: Db,
  cutoff: string,
  now: string,
  limit = 500,
): Promise<ExpiredUnusedToken[]> {
  const unused = (eb: ExpressionBuilderOf) =>
    eb.and([
      eb('t.is_active', '=', 1),
      eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]),
      eb.or([
        eb('t.last_used_at', '<', cutoff),
        eb.and([eb('t.last_used_at', 'is', null), eb('t.created_at', '<', cutoff)]),
      ]),
    ]);
  const candidates = await db
    .selectFrom('access_tokens as t')
    .leftJoin('users as u', (join) => join.onRef('u.id', '=', 't.owner_id').on('t.owner_kind', '=', 'user'))
    .leftJoin('organizations as o', (join) =>
      join.onRef('o.id', '=', 't.owner_id').on('t.owner_kind', '=', 'org'),
    )
    .select([
      't.id',
      't.kind',
      't.owner_kind',
      't.owner_id',
      't.label',
      't.last_used_at',
      'u.username',
      'o.name',
    ])
    .where(unused)
    .orderBy('t.id')
    .limit(limit)
    .execute();
  const expired: ExpiredUnusedToken[] = [];
  for (const row of candidates) {
    const result = await db
      .updateTable('access_tokens as t')
      .set({ expires_at: now })
      .where('t.id', '=', row.id)
      .where(unused)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) continue;
    expired.push({
      id: row.id,
      kind: row.kind,
      ownerKind: row.owner_kind,
      ownerId: row.owner_id,
      ownerName: row.username ?? row.name ?? '',
      label: row.label,
      lastUsedAt: row.last_used_at,
    });
  }
  return expired;
}

type ExpressionBuilderOf = ExpressionBuilder<Database & { t: AccessTokensTable }, 't'>;

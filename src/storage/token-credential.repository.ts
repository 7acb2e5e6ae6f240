/**
 * The `/token` hot path's one read (ARCHITECTURE.md, "Hot path"): a token by the hash of its
 * secret together with its owner, user or organization, through the unique index on
 * `secret_hash` and the owners' primary keys. One round trip instead of two: on PostgreSQL the
 * second read was a whole extra network round trip per request (bench/README.md).
 */

import { sql } from 'kysely';
import type { AccessTokenRow } from './access-token.repository.ts';
import { compiledOnce } from './compiled-once.ts';
import type { Db } from './database.ts';
import type { OrganizationsTable, UsersTable } from './schema.ts';

export type TokenWithOwner =
  | { token: AccessTokenRow; owner: { kind: 'user'; user: UsersTable } }
  | { token: AccessTokenRow; owner: { kind: 'org'; org: OrganizationsTable } }
  | { token: AccessTokenRow; owner: undefined };

// Every column of the owner tables, so the rows built here are whole rows; a column added to the
// schema without being listed here fails the type check below.
const userColumns = [
  'id',
  'username',
  'email',
  'password_hash',
  'is_admin',
  'created_at',
  'updated_at',
  'sessions_valid_after',
] as const satisfies readonly (keyof UsersTable)[];
const orgColumns = [
  'id',
  'name',
  'tier',
  'created_at',
  'updated_at',
  'created_by',
] as const satisfies readonly (keyof OrganizationsTable)[];
type Complete<Table, Listed> = [Exclude<keyof Table, Listed>] extends [never] ? true : never;
const listsAreComplete: [
  Complete<UsersTable, (typeof userColumns)[number]>,
  Complete<OrganizationsTable, (typeof orgColumns)[number]>,
] = [true, true];
void listsAreComplete;

// Plain loops: this runs on every `/token` request, and building entry arrays cost more than the
// SQLite read itself (bench/README.md).
function pick<Row>(row: Record<string, unknown>, prefix: string, columns: readonly string[]): Row {
  const picked: Record<string, unknown> = {};
  for (const column of columns) picked[column] = row[prefix + column];
  return picked as Row;
}

function tokenColumnsOf(row: Record<string, unknown>): AccessTokenRow {
  const token: Record<string, unknown> = {};
  for (const column in row) {
    if (!column.startsWith('owner_user_') && !column.startsWith('owner_org_')) token[column] = row[column];
  }
  return token as unknown as AccessTokenRow;
}

/**
 * Built once per database (compiled-once.ts): building and compiling this join was ~7 % of
 * `/token`'s CPU. Two details keep SQLite on its fast path (bench/README.md): the owner kinds are
 * literals, and the hash is matched in a subquery, not in the joined query's own WHERE. With a
 * bound parameter constraining a join, the SQLite that better-sqlite3 ships (built with
 * SQLITE_ENABLE_STAT4) re-plans the statement on every new binding: 35-45 µs a lookup, against
 * 5 µs in this form.
 */
const tokenWithOwner = compiledOnce((db, secretHash: string) =>
  db
    .selectFrom('access_tokens as t')
    .leftJoin('users as u', (join) =>
      join.onRef('u.id', '=', 't.owner_id').on('t.owner_kind', '=', sql.lit('user')),
    )
    .leftJoin('organizations as o', (join) =>
      join.onRef('o.id', '=', 't.owner_id').on('t.owner_kind', '=', sql.lit('org')),
    )
    .selectAll('t')
    .select(userColumns.map((column) => `u.${column} as owner_user_${column}` as const))
    .select(orgColumns.map((column) => `o.${column} as owner_org_${column}` as const))
    .where('t.id', '=', (eb) =>
      eb.selectFrom('access_tokens').select('id').where('secret_hash', '=', secretHash),
    ),
);

/**
 * @returns the token and its owner; `owner` is undefined when the owner row is gone.
 * @example const found = await findTokenWithOwnerByHash(db, hashTokenSecret(secret));
 */
export async function findTokenWithOwnerByHash(
  db: Db,
  secretHash: string,
): Promise<TokenWithOwner | undefined> {
  const rows = (await tokenWithOwner(db, secretHash)) as Record<string, unknown>[];
  const row = rows[0];
  if (!row) return undefined;
  const token = tokenColumnsOf(row);
  if (row.owner_user_id != null) {
    return { token, owner: { kind: 'user', user: pick<UsersTable>(row, 'owner_user_', userColumns) } };
  }
  if (row.owner_org_id != null) {
    return { token, owner: { kind: 'org', org: pick<OrganizationsTable>(row, 'owner_org_', orgColumns) } };
  }
  return { token, owner: undefined };
}

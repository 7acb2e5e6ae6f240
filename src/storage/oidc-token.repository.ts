/**
 * Tokens exchanged at OIDC connections (`thub_oidc_…`, only their SHA-256 stored) and the `jti`
 * values single-use connections have seen. A token is read with its connection and the
 * connection's owner in one query, so a deactivated or deleted connection refuses its tokens at
 * once.
 */
import { sql } from 'kysely';
import type { User } from '../core/account-rules.ts';
import type { OidcGrant } from '../core/oidc-rules.ts';
import type { Organization } from '../core/organization-rules.ts';
import { compiledOnce } from './compiled-once.ts';
import type { Db } from './database.ts';
import { storedResourcesJson } from './oidc-connection.repository.ts';
import { organizationFromRow } from './organization.repository.ts';
import type { OidcTokensTable, OrganizationsTable, UsersTable } from './schema.ts';
import { userFromRow } from './user.repository.ts';

/** An exchanged token as stored: its grant, and the SHA-256 of its secret. */
export async function insertOidcToken(
  db: Db,
  grant: OidcGrant,
  secretHash: string,
  hint: string,
): Promise<void> {
  await db
    .insertInto('oidc_tokens')
    .values({
      id: grant.id,
      connection_id: grant.connectionId,
      secret_hash: secretHash,
      hint,
      subject: grant.subject.slice(0, 1024),
      resources: JSON.stringify(grant.resources),
      created_at: grant.createdAt,
      expires_at: grant.expiresAt,
    })
    .execute();
}

/** A stored token with its connection's state and owner (undefined when the owner is gone). */
export interface OidcTokenWithOwner {
  grant: OidcGrant;
  connectionActive: boolean;
  owner: { kind: 'user'; user: User } | { kind: 'org'; org: Organization } | undefined;
}

const userColumns = [
  'id',
  'username',
  'email',
  'password_hash',
  'is_admin',
  'created_at',
  'updated_at',
  'sessions_valid_after',
  'email_verified_at',
  'expiry_notices',
] as const satisfies readonly (keyof UsersTable)[];
const orgColumns = [
  'id',
  'name',
  'tier',
  'created_at',
  'updated_at',
  'created_by',
] as const satisfies readonly (keyof OrganizationsTable)[];

// Plain loops: this runs on every `/token` request with such a token.
function pick<Row>(row: Record<string, unknown>, prefix: string, columns: readonly string[]): Row {
  const picked: Record<string, unknown> = {};
  for (const column of columns) picked[column] = row[prefix + column];
  return picked as Row;
}

function tokensWithOwner(db: Db) {
  return db
    .selectFrom('oidc_tokens as t')
    .innerJoin('oidc_connections as c', 'c.id', 't.connection_id')
    .leftJoin('users as u', (join) =>
      join.onRef('u.id', '=', 'c.owner_id').on('c.owner_kind', '=', sql.lit('user')),
    )
    .leftJoin('organizations as o', (join) =>
      join.onRef('o.id', '=', 'c.owner_id').on('c.owner_kind', '=', sql.lit('org')),
    )
    .selectAll('t')
    .select(['c.label as connection_label', 'c.is_active as connection_active', 'c.owner_kind', 'c.owner_id'])
    .select(userColumns.map((column) => `u.${column} as owner_user_${column}` as const))
    .select(orgColumns.map((column) => `o.${column} as owner_org_${column}` as const));
}

function withOwner(
  row: OidcTokensTable & {
    connection_label: string;
    connection_active: number;
    owner_kind: 'user' | 'org';
    owner_id: string;
  } & Record<string, unknown>,
): OidcTokenWithOwner {
  const grant: OidcGrant = {
    id: row.id,
    origin: 'exchange',
    connectionId: row.connection_id,
    connectionLabel: row.connection_label,
    ownerKind: row.owner_kind,
    ownerId: row.owner_id,
    subject: row.subject,
    resources: storedResourcesJson(row.resources),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
  const owner =
    row.owner_user_id != null
      ? { kind: 'user' as const, user: userFromRow(pick<UsersTable>(row, 'owner_user_', userColumns)) }
      : row.owner_org_id != null
        ? {
            kind: 'org' as const,
            org: organizationFromRow(pick<OrganizationsTable>(row, 'owner_org_', orgColumns)),
          }
        : undefined;
  return { grant, connectionActive: Number(row.connection_active) === 1, owner };
}

/**
 * Built once per database (compiled-once.ts): this read runs on every `/token` with such a token.
 * The hash is matched in a subquery, as token-credential.repository.ts does, so SQLite does not
 * plan the join again for every new hash.
 */
const tokenWithOwnerByHash = compiledOnce((db, secretHash: string) =>
  tokensWithOwner(db).where('t.id', '=', (eb) =>
    eb.selectFrom('oidc_tokens').select('id').where('secret_hash', '=', secretHash),
  ),
);

/** The token whose secret hashes to `secretHash`, with its connection and owner, in one query. */
export async function findOidcTokenWithOwnerByHash(
  db: Db,
  secretHash: string,
): Promise<OidcTokenWithOwner | undefined> {
  const [row] = await tokenWithOwnerByHash(db, secretHash);
  return row && withOwner(row);
}

/** The same by id (a Hub session or refresh token naming it is re-checked). */
export async function findOidcTokenWithOwnerById(
  db: Db,
  id: string,
): Promise<OidcTokenWithOwner | undefined> {
  const row = await tokensWithOwner(db).where('t.id', '=', id).executeTakeFirst();
  return row && withOwner(row);
}

/**
 * Records that a single-use connection accepted `jti`, unless it already had: the primary key
 * decides between concurrent exchanges of one token, in any number of processes.
 * @returns true for the first use, false when the `jti` was seen before.
 */
export async function claimJti(
  db: Db,
  connectionId: string,
  jti: string,
  expiresAt: string,
): Promise<boolean> {
  const inserted = await db
    .insertInto('oidc_used_jtis')
    .values({ connection_id: connectionId, jti, expires_at: expiresAt })
    .onConflict((conflict) => conflict.columns(['connection_id', 'jti']).doNothing())
    .returning('jti')
    .execute();
  return inserted.length === 1;
}

/** Deletes exchanged tokens and remembered `jti` values that expired before `now` (maintenance). */
export async function deleteExpiredOidcRows(db: Db, now: string): Promise<number> {
  const tokens = await db.deleteFrom('oidc_tokens').where('expires_at', '<', now).executeTakeFirst();
  const jtis = await db.deleteFrom('oidc_used_jtis').where('expires_at', '<', now).executeTakeFirst();
  return Number(tokens.numDeletedRows) + Number(jtis.numDeletedRows);
}

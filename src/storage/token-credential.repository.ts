/**
 * The `/token` hot path's one read (ARCHITECTURE.md, "Hot path"): a token by the hash of its
 * secret together with its owner, user or organization, through the unique index on
 * `secret_hash` and the owners' primary keys, and optionally the repository the request names.
 * On PostgreSQL all of it is one round trip (bench/README.md); on SQLite the repository is a
 * second, in-process read of a few microseconds, kept apart so that both statements stay on
 * SQLite's fast path (see `tokenWithOwner`).
 */

import { sql } from 'kysely';
import type { AccessToken } from '../core/access-token-rules.ts';
import type { User } from '../core/account-rules.ts';
import type { Organization } from '../core/organization-rules.ts';
import type { RepositoryLookup, RepositoryPath } from '../core/repository-access.ts';
import { accessTokenFromRow } from './access-token.repository.ts';
import { compiledOnce } from './compiled-once.ts';
import { type Db, dialectOf } from './database.ts';
import { findRepository, repositoryFromRow } from './image-repository.repository.ts';
import { organizationFromRow } from './organization.repository.ts';
import type { AccessTokensTable, OrganizationsTable, RepositoriesTable, UsersTable } from './schema.ts';
import { userFromRow } from './user.repository.ts';

/** A token found by its secret, with its owner (undefined when the owner is gone). */
export type TokenWithOwner = (
  | { token: AccessToken; owner: { kind: 'user'; user: User } }
  | { token: AccessToken; owner: { kind: 'org'; org: Organization } }
  | { token: AccessToken; owner: undefined }
) & { alsoRead?: RepositoryLookup };

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
const repositoryColumns = [
  'id',
  'namespace',
  'name',
  'is_private',
  'description',
  'created_at',
  'updated_at',
  'created_by',
] as const satisfies readonly (keyof RepositoriesTable)[];
type Complete<Table, Listed> = [Exclude<keyof Table, Listed>] extends [never] ? true : never;
const listsAreComplete: [
  Complete<UsersTable, (typeof userColumns)[number]>,
  Complete<OrganizationsTable, (typeof orgColumns)[number]>,
  Complete<RepositoriesTable, (typeof repositoryColumns)[number]>,
] = [true, true, true];
void listsAreComplete;

// Plain loops: this runs on every `/token` request (bench/README.md).
function pick<Row>(row: Record<string, unknown>, prefix: string, columns: readonly string[]): Row {
  const picked: Record<string, unknown> = {};
  for (const column of columns) picked[column] = row[prefix + column];
  return picked as Row;
}

/**
 * Built once per database (compiled-once.ts): building and compiling this join showed in `/token`'s
 * profile. Two details keep SQLite on its fast path (bench/README.md): the owner kinds are
 * literals, and the hash is matched in a subquery, not in the joined query's own WHERE. With a
 * bound parameter constraining a join, the SQLite that better-sqlite3 ships (built with
 * SQLITE_ENABLE_STAT4) re-plans the statement on every new binding, several times slower than
 * this form.
 */
const tokenWithOwner = compiledOnce((db, secretHash: string) => tokenWithOwnerQuery(db, secretHash));

function tokenWithOwnerQuery(db: Db, secretHash: string) {
  return db
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
    );
}

/** PostgreSQL: the same, with the repository of a path joined in (parameters in SQL order). */
const tokenWithOwnerAndRepository = compiledOnce((db, namespace: string, name: string, secretHash: string) =>
  tokenWithOwnerQuery(db, secretHash)
    .leftJoin('repositories as r', (join) => join.on('r.namespace', '=', namespace).on('r.name', '=', name))
    .select(repositoryColumns.map((column) => `r.${column} as repo_${column}` as const)),
);

/**
 * @param alsoRead a repository to read in the same go (`/token`'s requested repository), returned
 *   as `alsoRead` whenever the token is found.
 * @returns the token and its owner; `owner` is undefined when the owner row is gone.
 * @example const found = await findTokenWithOwnerByHash(db, hashTokenSecret(secret));
 */
export async function findTokenWithOwnerByHash(
  db: Db,
  secretHash: string,
  alsoRead?: RepositoryPath,
): Promise<TokenWithOwner | undefined> {
  const joined = alsoRead !== undefined && dialectOf(db) === 'postgres';
  const rows = (
    joined
      ? await tokenWithOwnerAndRepository(db, alsoRead.namespace, alsoRead.name, secretHash)
      : await tokenWithOwner(db, secretHash)
  ) as Record<string, unknown>[];
  const row = rows[0];
  if (!row) return undefined;
  const found = withOwner(row);
  if (!alsoRead) return found;
  const repository = joined
    ? row.repo_id == null
      ? undefined
      : repositoryFromRow(pick<RepositoriesTable>(row, 'repo_', repositoryColumns))
    : await findRepository(db, alsoRead.namespace, alsoRead.name);
  return { ...found, alsoRead: { path: alsoRead, repository } };
}

function withOwner(row: Record<string, unknown>): TokenWithOwner {
  // The joined row carries the token's own columns under their names; the owners' are prefixed.
  const token = accessTokenFromRow(row as unknown as AccessTokensTable);
  if (row.owner_user_id != null) {
    return {
      token,
      owner: { kind: 'user', user: userFromRow(pick<UsersTable>(row, 'owner_user_', userColumns)) },
    };
  }
  if (row.owner_org_id != null) {
    const org = organizationFromRow(pick<OrganizationsTable>(row, 'owner_org_', orgColumns));
    return { token, owner: { kind: 'org', org } };
  }
  return { token, owner: undefined };
}

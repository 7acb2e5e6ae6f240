/**
 * Every table's rows, read and written as opaque records for backups: a snapshot of all tables in
 * one transaction, and an insert of all of them into an empty database in one transaction, parents
 * before children. Portable between SQLite and PostgreSQL (the columns are the same on both).
 */
import { type Kysely, sql } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** Parents before children, so foreign keys hold at every insert. */
export const dumpedTables = [
  'users',
  'account_sessions',
  'namespaces',
  'organizations',
  'organization_settings',
  'org_members',
  'org_groups',
  'org_group_members',
  'org_group_repositories',
  'org_invites',
  'companies',
  'company_owners',
  'company_organizations',
  'repositories',
  'repository_details',
  'repository_tags',
  'registry_events',
  'access_tokens',
  'access_token_addresses',
  'device_sign_ins',
  'user_totp',
  'recovery_codes',
  'audit_events',
  'server_keys',
  'oidc_connections',
  'oidc_used_jtis',
  'oidc_failures',
  'org_token_policies',
] as const satisfies ReadonlyArray<keyof Database>;

/** The tables a backup leaves out, and why: every other table is in `dumpedTables` (a test checks). */
export const undumpedTables: Partial<Record<keyof Database, string>> = {
  login_challenges: 'a pending second sign-in step lives minutes',
  oidc_tokens: 'an exchanged OIDC token lives minutes; the job exchanges again',
  email_codes: 'a verification or reset link lives at most a day; the person asks for a new one',
  mail_outbox: 'mail in flight is sent by the instance that queued it; a restored one starts empty',
  known_sign_in_addresses:
    'addresses that signed in lately, for the sign-in limits; a restored instance learns them again',
};

export type TableDump = Record<string, Array<Record<string, unknown>>>;

/** The names of the migrations applied to `db`, in order. */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

/** Every dumped table and the applied migrations, read in one snapshot. */
export async function dumpTables(db: Db): Promise<{ tables: TableDump; migrations: string[] }> {
  return inTransaction(
    db,
    async (tx) => {
      const tables: TableDump = {};
      for (const table of dumpedTables) {
        tables[table] = (await tx.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
      }
      return { tables, migrations: await appliedMigrations(tx) };
    },
    { readOnlySnapshot: true },
  );
}

/**
 * Inserts a dump in one transaction, unless `db` already holds an account (then nothing is written
 * and the result is undefined). Server keys that a first start made are replaced by the dump's.
 * @returns how many rows each table received.
 */
export async function restoreTables(db: Db, tables: TableDump): Promise<Record<string, number> | undefined> {
  return inTransaction(db, async (tx) => {
    const existing = await tx.selectFrom('users').select('id').limit(1).execute();
    if (existing.length > 0) return undefined;
    await tx.deleteFrom('server_keys').execute();
    const counts: Record<string, number> = {};
    for (const table of dumpedTables) {
      const rows = tables[table] ?? [];
      for (let start = 0; start < rows.length; start += 200) {
        await tx
          .insertInto(table)
          .values(rows.slice(start, start + 200) as never)
          .execute();
      }
      counts[table] = rows.length;
    }
    return counts;
  });
}

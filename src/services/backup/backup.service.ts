/**
 * `tokenhub admin export` / `import`: a consistent JSON backup of all data, portable between
 * SQLite and PostgreSQL. Token secrets stay hashed (only SHA-256 is stored), passwords stay argon2id
 * hashes, TOTP secrets stay sealed with the server key (TOKENHUB_SECRET_KEY or the key file, which
 * is NOT in the backup: keep it with the backup). The backup does hold the server's signing keys
 * and session secret, so registries keep trusting tokens after a restore: protect the file like
 * the database itself (it is written with mode 0600).
 *
 * The export reads every table inside one transaction (a snapshot on both databases); the import
 * writes into a freshly migrated, empty database in one transaction, parents before children.
 */
import { type Kysely, sql } from 'kysely';
import { AppError } from '../../core/errors.ts';
import { type Db, dialectOf } from '../../storage/database.ts';
import type { Database } from '../../storage/schema.ts';

export const backupFormat = 'tokenhub-backup/1';

/** Parents before children, so foreign keys hold at every insert. Pending 2FA logins are not kept. */
export const backupTables = [
  'users',
  'namespaces',
  'organizations',
  'org_members',
  'org_groups',
  'org_group_members',
  'org_group_repositories',
  'org_invites',
  'repositories',
  'access_tokens',
  'device_sign_ins',
  'user_totp',
  'recovery_codes',
  'audit_events',
  'server_keys',
] as const satisfies ReadonlyArray<keyof Database>;

export interface Backup {
  format: typeof backupFormat;
  created_at: string;
  migrations: string[];
  tables: Record<string, Array<Record<string, unknown>>>;
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

export async function exportBackup(db: Db, now: Date): Promise<Backup> {
  const transaction =
    dialectOf(db) === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
  return transaction.execute(async (tx) => {
    const tables: Backup['tables'] = {};
    for (const table of backupTables) {
      tables[table] = (await tx.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
    }
    return {
      format: backupFormat,
      created_at: now.toISOString(),
      migrations: await appliedMigrations(tx),
      tables,
    };
  });
}

/**
 * Restores a backup into an empty database migrated to the same version.
 * @returns how many rows each table received.
 * @throws AppError BAD_REQUEST when the file is not a backup, was made at another schema version,
 *   or the database already holds data.
 */
export async function importBackup(db: Db, backup: unknown): Promise<Record<string, number>> {
  const candidate = backup as Partial<Backup> | null;
  if (
    !candidate ||
    candidate.format !== backupFormat ||
    typeof candidate.tables !== 'object' ||
    !candidate.tables
  ) {
    throw new AppError('BAD_REQUEST', `not a ${backupFormat} file`);
  }
  const migrations = await appliedMigrations(db);
  if (JSON.stringify(migrations) !== JSON.stringify(candidate.migrations)) {
    throw new AppError(
      'BAD_REQUEST',
      `the backup was made at schema ${candidate.migrations?.at(-1) ?? 'unknown'}, this database is at ${migrations.at(-1)}`,
    );
  }
  const tables = candidate.tables;
  return db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('users').select('id').limit(1).execute();
    if (existing.length > 0)
      throw new AppError('BAD_REQUEST', 'the target database is not empty; import needs a new one');
    // A server started on the new database made keys of its own; the backup's keys replace them,
    // since registries and sessions trust those.
    await tx.deleteFrom('server_keys').execute();
    const counts: Record<string, number> = {};
    for (const table of backupTables) {
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

/**
 * `tokenhub admin export` / `import`: a consistent JSON backup of all data, portable between
 * SQLite and PostgreSQL. Token secrets stay hashed (only SHA-256 is stored), passwords stay argon2id
 * hashes, TOTP secrets stay sealed with the server key (TOKENHUB_SECRET_KEY or the key file, which
 * is NOT in the backup: keep it with the backup). The backup does hold the server's signing keys
 * and session secret, so registries keep trusting tokens after a restore: protect the file like
 * the database itself (it is written with mode 0600).
 *
 * The export reads every table inside one transaction (a snapshot on both databases); the import
 * writes into a freshly migrated, empty database in one transaction (storage/table-dump.repository.ts).
 */
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../storage/database.ts';
import {
  appliedMigrations,
  dumpTables,
  restoreTables,
  type TableDump,
} from '../../storage/table-dump.repository.ts';

export const backupFormat = 'tokenhub-backup/1';

export interface Backup {
  format: typeof backupFormat;
  created_at: string;
  migrations: string[];
  tables: TableDump;
}

export async function exportBackup(db: Db, now: Date): Promise<Backup> {
  const { tables, migrations } = await dumpTables(db);
  return { format: backupFormat, created_at: now.toISOString(), migrations, tables };
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
  const counts = await restoreTables(db, candidate.tables);
  if (!counts) throw new AppError('BAD_REQUEST', 'the target database is not empty; import needs a new one');
  return counts;
}

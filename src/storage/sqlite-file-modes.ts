/**
 * The SQLite files hold every hash, sealed secret and audit event: the data directory is created
 * with mode 0700, and the database, its WAL and its shared-memory file are kept at 0600. A file of
 * an older install that is readable by others is narrowed at start, with one log line each. The
 * database file is created 0600 before SQLite opens it; SQLite gives the WAL and SHM files the
 * database file's mode, and they are narrowed again once open, in case they were made before.
 */
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

const fileMode = 0o600;
const directoryMode = 0o700;

/** The files of one SQLite database. */
function filesOf(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

function narrow(path: string, log: Logger | undefined): void {
  if (!existsSync(path)) return;
  const mode = statSync(path).mode & 0o777;
  if ((mode & ~fileMode) === 0) return;
  chmodSync(path, mode & fileMode);
  log?.warn(
    { file: path, from: mode.toString(8), to: (mode & fileMode).toString(8) },
    'database file was readable by others: its mode is narrowed to owner-only',
  );
}

/** Before opening: the directory (created 0700) and the database file (created, or narrowed, 0600). */
export function prepareSqliteFiles(path: string, log: Logger | undefined): void {
  const directory = dirname(path);
  if (!existsSync(directory)) mkdirSync(directory, { recursive: true, mode: directoryMode });
  if (!existsSync(path)) {
    try {
      writeFileSync(path, '', { mode: fileMode, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  for (const file of filesOf(path)) narrow(file, log);
}

/** Once open (WAL mode on): the WAL and SHM files narrowed too. */
export function narrowSqliteFiles(path: string, log: Logger | undefined): void {
  for (const file of filesOf(path)) narrow(file, log);
}

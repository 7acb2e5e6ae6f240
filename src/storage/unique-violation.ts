/**
 * Whether a write failed on a unique index (PostgreSQL SQLSTATE 23505, SQLite
 * `SQLITE_CONSTRAINT_UNIQUE`): the caller lost a race for a value that must be unique and may retry.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

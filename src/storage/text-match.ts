/**
 * "Contains" filters that mean the same on SQLite and PostgreSQL: `LIKE` with an explicit escape
 * character (PostgreSQL escapes with `\` by default, SQLite has no default), over lowercased text
 * (SQLite's `LIKE` ignores ASCII case, PostgreSQL's does not; the names searched are stored
 * lowercased).
 */
import { type RawBuilder, sql } from 'kysely';

/** `column` contains `text`, read literally (`%` and `_` match themselves), ignoring case. */
export function containsText(column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<boolean>`${sql.ref(column)} like ${pattern} escape '\\'`;
}

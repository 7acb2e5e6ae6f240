/**
 * Output of the user commands: aligned tables and key/value blocks for people (dates in local
 * time, `TZ` applies), JSON for scripts (`--format json`: the Hub API's objects and field names,
 * dates as the API sends them, ISO 8601 UTC). Lists print as a JSON array of all pages.
 */

export type OutputFormat = 'table' | 'json';
export const outputFormats: readonly OutputFormat[] = ['table', 'json'];

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A timestamp in local time, minute precision: `2026-03-01 13:00`.
 * @param iso an ISO 8601 instant, or null/undefined (shown as `fallback`).
 */
export function localTime(iso: string | null | undefined, fallback = 'never'): string {
  if (!iso) return fallback;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.getFullYear()}-${pad2(at.getMonth() + 1)}-${pad2(at.getDate())} ${pad2(at.getHours())}:${pad2(at.getMinutes())}`;
}

/** Columns separated by three spaces, headers in capitals, no trailing blanks. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) =>
    Math.max([...header].length, ...rows.map((row) => [...(row[i] ?? '')].length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length),
      )
      .join('   ')
      .trimEnd();
  return `${[line(headers.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n')}\n`;
}

/** `KEY   value` lines, keys aligned. */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([key]) => key.length));
  const lines = fields.map(([key, value]) => `${`${key}:`.padEnd(width + 1)}   ${value}`.trimEnd());
  return `${lines.join('\n')}\n`;
}

export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints `value` as JSON, or the text `render` makes of it. */
export function writeOutput<T>(format: OutputFormat, value: T, render: (value: T) => string): void {
  if (format === 'json') writeJson(value);
  else process.stdout.write(render(value));
}

/** Dates as people read them: a short local date, the full time in a tooltip, and "3 hours ago". */

export function formatDate(iso: string | null, locale?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(locale, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(iso: string | null, locale?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A date and time short enough for a table cell: `Dec 1, 14:05` (the year only when not this year). */
export function formatShortDateTime(iso: string | null, locale?: string, now = new Date()): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const year = date.getFullYear() === now.getFullYear() ? undefined : 'numeric';
  return date.toLocaleString(locale, {
    ...(year ? { year } : {}),
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * An IP address short enough for a table cell: IPv4 as it is, a long IPv6 as its first two and
 * last groups (`2001:db8:…:7334`); show the whole address in a tooltip beside it.
 */
export function shortAddress(ip: string): string {
  if (!ip.includes(':') || ip.length <= 19) return ip;
  const groups = ip.split(':');
  return `${groups[0]}:${groups[1]}:…:${groups[groups.length - 1]}`;
}

const units: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 hours ago", "in 29 days", "just now". */
export function relativeTime(iso: string, now: Date, locale = 'en'): string {
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  if (Math.abs(seconds) < 60) return 'just now';
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/**
 * Dates and addresses in table cells, short and never wrapped (`.nowrap`), the whole value in a
 * tooltip: a date (`Dec 1, 2026`), a date and time (`Dec 1, 14:05`), a relative time
 * (`3 hours ago`), an IP address (a long IPv6 one shortened, lib/format.ts).
 */
import {
  formatDate,
  formatDateTime,
  formatShortDateTime,
  relativeTime,
  shortAddress,
} from '../lib/format.ts';

export function When({ iso, as = 'date' }: { iso: string; as?: 'date' | 'date-time' | 'relative' }) {
  const text =
    as === 'date'
      ? formatDate(iso)
      : as === 'date-time'
        ? formatShortDateTime(iso)
        : relativeTime(iso, new Date());
  return (
    <time dateTime={iso} className="nowrap" title={formatDateTime(iso)}>
      {text}
    </time>
  );
}

export function Address({ ip }: { ip: string }) {
  const short = shortAddress(ip);
  return (
    <span className="mono nowrap" {...(short === ip ? {} : { title: ip })}>
      {short}
    </span>
  );
}

/** Outbound mail (docs/mail.md): `config.mail`. Without `TOKENHUB_SMTP_URL` nothing is sent. */
import { ConfigError, flag, integer, rateLimit, redactUrl, type Setting, setting, text } from './values.ts';

/** `smtp://` or `smtps://`, with optional user and password; unset or empty is `undefined`. */
function parseSmtpUrl(raw: string, name: string): string | undefined {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: "${redactUrl(raw)}"`);
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new ConfigError(
      `${name} must be smtp://[user:password@]host[:port] or smtps://…, got "${redactUrl(raw)}"`,
    );
  }
  return raw;
}

/** Whole days before expiry, comma-separated, each 0-365, at most 10 of them; largest first. */
function parseNoticeDays(raw: string, name: string): readonly number[] {
  if (raw === '0' || raw === 'off') return Object.freeze([]);
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.length > 10 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 365)) {
    throw new ConfigError(
      `${name} must be up to 10 whole numbers of days from 0 to 365, comma-separated (7,1,0), or off; got "${raw}"`,
    );
  }
  return Object.freeze([...new Set(parts.map(Number))].sort((a, b) => b - a));
}

export const mailSettings = {
  smtpUrl: setting(
    'TOKENHUB_SMTP_URL',
    '',
    'Outbound mail server: `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it) or `smtps://…` (TLS from the start). Unset: no mail is sent, and the features that need it say so (docs/mail.md).',
    parseSmtpUrl,
    '(unset)',
  ),
  tlsRejectUnauthorized: flag(
    'TOKENHUB_SMTP_TLS_REJECT_UNAUTHORIZED',
    true,
    "`false` accepts an SMTP server's certificate that does not verify (a test server). Keep `true` in production.",
  ),
  from: text(
    'TOKENHUB_MAIL_FROM',
    'tokenhub <tokenhub@localhost>',
    'The `From` of every mail tokenhub sends.',
  ),
  sendIntervalMs: integer(
    'TOKENHUB_MAIL_SEND_INTERVAL_MS',
    5000,
    [100, 600_000],
    (range) =>
      `How often each process looks for mail due in the outbox (new, or due again after a failure), in milliseconds (${range}). Mail queued by a process is sent by it at once as well.`,
  ),
  expiryNoticeDays: setting(
    'TOKENHUB_EXPIRY_NOTICE_DAYS',
    '7,1,0',
    'Days before an access token expires on which its owner (every owner of the organization, for an organization access token) is mailed, comma-separated; `0` is the day of expiry. `off` sends none.',
    parseNoticeDays,
  ),
  requestsPerIp: rateLimit(
    'TOKENHUB_RATE_LIMIT_MAIL_REQUESTS_PER_IP',
    '10/1h',
    'Password-reset and verification mails asked for per client address (`POST /v2/users/password-reset`, resend verification). `0` disables.',
  ),
  requestsPerAccount: rateLimit(
    'TOKENHUB_RATE_LIMIT_MAIL_REQUESTS_PER_ACCOUNT',
    '3/1h',
    'Password-reset and verification mails sent per account (also per email address asked for). Further requests get the same answer but send nothing. `0` disables.',
  ),
} satisfies Record<string, Setting<unknown>>;

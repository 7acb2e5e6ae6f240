/**
 * The process's pino logger: JSON lines on stdout, secrets redacted by the logger itself. Its own
 * module (pino only), so a cluster primary, which serves nothing, does not load the application.
 */
import pino, { type Logger } from 'pino';

/** Secrets never reach a log line: headers that carry them are redacted by the logger itself. */
export const logRedactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  'secret',
  'token',
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: logRedactPaths, censor: '[redacted]' } });
}

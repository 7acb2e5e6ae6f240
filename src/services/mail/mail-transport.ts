/**
 * The SMTP connection nodemailer opens for each batch, from `TOKENHUB_SMTP_URL`: `smtps://` is TLS
 * from the start (port 465 unless given), `smtp://` upgrades with STARTTLS when the server offers
 * it (port 587 unless given). Deadlines keep a stuck server from holding a sender for long.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailSettings } from '../../config.ts';

export function createSmtpTransport(settings: MailSettings): Transporter | undefined {
  if (!settings.smtpUrl) return undefined;
  const url = new URL(settings.smtpUrl);
  const secure = url.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    tls: { rejectUnauthorized: settings.tlsRejectUnauthorized },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

/**
 * The pages mailed links open (docs/mail.md), plain server-rendered HTML that works without the
 * console's scripts: `GET /mail/verify-email?code=…` and `GET /mail/reset-password?code=…` show a
 * button (a GET never spends a code, so a mail scanner that follows links changes nothing); the
 * form's POST does the work. An unknown, expired or used link is a 400 page that says so.
 */
import type { FastifyReply } from 'fastify';
import { AppError } from '../../core/errors.ts';
import { isVerificationCodeUsable, verifyEmail } from '../../services/accounts/email-verification.service.ts';
import { isResetCodeUsable, resetPasswordWithCode } from '../../services/accounts/password-reset.service.ts';
import { escapeHtml } from '../../services/mail/mail-templates.ts';
import type { App, RouteDeps } from '../app.ts';
import { requestMeta } from '../request-meta.ts';

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** `body` is HTML built from escaped parts. */
function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .status(status)
    .headers(pageHeaders)
    .send(
      `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} · tokenhub</title></head>` +
        `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>\n`,
    );
}

const deadLink = (reply: FastifyReply, what: string) =>
  page(
    reply,
    400,
    'This link does not work',
    `<p>This ${what} link is unknown, has expired or was already used. Ask for a new one.</p><p><a href="/signin">Sign in</a></p>`,
  );

/** A form field as text: the first value, never longer than `max`. */
function field(body: unknown, name: string, max = 1024): string {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value.slice(0, max) : '';
}

const hidden = (code: string) => `<input type="hidden" name="code" value="${escapeHtml(code)}">`;

function resetForm(code: string, problem?: string): string {
  return (
    (problem ? `<p role="alert">${escapeHtml(problem)}</p>` : '') +
    `<form method="post" action="/mail/reset-password">${hidden(code)}` +
    '<p><label>New password <input type="password" name="new_password" autocomplete="new-password" minlength="8" required></label></p>' +
    '<p><label>Repeat it <input type="password" name="repeat_password" autocomplete="new-password" minlength="8" required></label></p>' +
    '<p><button type="submit">Set the new password</button></p></form>' +
    '<p>Every session of the account is signed out; access tokens keep working.</p>'
  );
}

export async function mailLinkRoutes(app: App, { ctx }: RouteDeps): Promise<void> {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 8 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  // The query string carries a link's code: the per-request log lines (at debug) would show it, so
  // these routes log at warn and above only.
  const hide = { schema: { hide: true }, logLevel: 'warn' as const };

  app.get('/mail/verify-email', hide, async (request, reply) => {
    const code = field(request.query, 'code', 128);
    if (!(await isVerificationCodeUsable(ctx, code))) return deadLink(reply, 'verification');
    return page(
      reply,
      200,
      'Verify your email address',
      `<form method="post" action="/mail/verify-email">${hidden(code)}<p><button type="submit">Verify my address</button></p></form>`,
    );
  });

  app.post('/mail/verify-email', hide, async (request, reply) => {
    try {
      const { email } = await verifyEmail(ctx, field(request.body, 'code', 128), requestMeta(request));
      return page(
        reply,
        200,
        'Email address verified',
        `<p><strong>${escapeHtml(email)}</strong> is now verified. You can sign in with it and accept invites sent to it.</p><p><a href="/settings/security">Account settings</a></p>`,
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'EMAIL_CODE_INVALID')
        return deadLink(reply, 'verification');
      if (error instanceof AppError)
        return page(reply, 409, 'Cannot verify this address', `<p>${escapeHtml(error.message)}</p>`);
      throw error;
    }
  });

  app.get('/mail/reset-password', hide, async (request, reply) => {
    const code = field(request.query, 'code', 128);
    if (!(await isResetCodeUsable(ctx, code))) return deadLink(reply, 'password reset');
    return page(reply, 200, 'Choose a new password', resetForm(code));
  });

  app.post('/mail/reset-password', hide, async (request, reply) => {
    const code = field(request.body, 'code', 128);
    const password = field(request.body, 'new_password');
    if (password !== field(request.body, 'repeat_password')) {
      return page(reply, 400, 'Choose a new password', resetForm(code, 'The two passwords differ.'));
    }
    try {
      await resetPasswordWithCode(ctx, code, password, requestMeta(request));
      return page(
        reply,
        200,
        'Password changed',
        '<p>Your password was changed and every session was signed out.</p><p><a href="/signin">Sign in</a></p>',
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'EMAIL_CODE_INVALID')
        return deadLink(reply, 'password reset');
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
        return page(reply, 400, 'Choose a new password', resetForm(code, error.message));
      }
      throw error;
    }
  });
}

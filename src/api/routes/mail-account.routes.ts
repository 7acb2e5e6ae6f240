/**
 * Mail-backed account routes (tokenhub extensions, docs/mail.md, docs/api.md):
 * - `GET /v2/users/me/email`, `PATCH /v2/users/me/email {expiry_notices}`: the address, whether it
 *   is verified, the expiry-notice preference, and whether this instance sends mail;
 * - `PUT /v2/users/me/email {password, email}`: change the address (verified by a mailed link);
 * - `POST /v2/users/me/email/verification`: mail a new verification link;
 * - `POST /v2/users/email-verification {code}`: follow a verification link;
 * - `POST /v2/users/password-reset {email}`: mail a reset link; the same 202 whether or not an
 *   account has the address (throttled per client address with 429, per account silently);
 * - `POST /v2/users/password-reset/confirm {code, new_password}`: set the new password.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  emailStatus,
  requestEmailChange,
  resendVerification,
  setExpiryNoticePreference,
  verifyEmail,
} from '../../services/accounts/email-verification.service.ts';
import {
  findResetAccount,
  resetAddressOf,
  resetPasswordWithCode,
  sendPasswordReset,
} from '../../services/accounts/password-reset.service.ts';
import { mailEnabled } from '../../services/mail/outbox.service.ts';
import { reauthenticate } from '../../services/sign-in/reauthentication.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import {
  emailChangeBody,
  emailSettingsBody,
  emailStateObject,
  emailVerifiedObject,
  emailVerifyBody,
  type MailAccepted,
  mailAcceptedObject,
  passwordResetBody,
  passwordResetConfirmBody,
} from '../contract/mail.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';
import { enforceRateLimit } from '../throttle.ts';

const resetAccepted: MailAccepted = {
  detail: 'if an account has this verified address, a link to reset its password was mailed to it',
  message: 'password reset requested',
};

export async function mailAccountRoutes(app: App, deps: RouteDeps): Promise<void> {
  const { ctx, guard, rateLimiter } = deps;
  const limits = ctx.config.mail;
  const route = guardedRoute(guard(['password']), 'accounts');

  /** Mail asked for from this client address: 429 over the limit. */
  const perIp = (request: FastifyRequest, reply: FastifyReply) =>
    enforceRateLimit(
      rateLimiter,
      reply,
      'mail-request-ip',
      `ip:${request.ip}`,
      limits.requestsPerIp,
      'too many mail requests from this address',
    );
  /** Whether the account may be mailed again now; counted without telling the client. */
  const accountAllows = async (key: string): Promise<boolean> => {
    if (!limits.requestsPerAccount) return true;
    return (await rateLimiter.hit('mail-request-account', key, limits.requestsPerAccount)).allowed;
  };

  app.get(
    '/v2/users/me/email',
    route({
      summary: 'The email address, whether it is verified, and the mail preferences (tokenhub extension)',
      response: { 200: emailStateObject, ...errorReplies(401, 403) },
    }),
    async (request) => {
      const status = await emailStatus(ctx, accountOf(request).id);
      return {
        email: status.email,
        email_verified: status.verified,
        expiry_notices: status.expiryNotices,
        mail_enabled: mailEnabled(ctx),
      };
    },
  );

  app.patch(
    '/v2/users/me/email',
    route({
      summary: 'Turn token expiry notices on or off (tokenhub extension)',
      body: emailSettingsBody,
      response: noContentReplies(400, 401, 403),
    }),
    async (request, reply) => {
      await setExpiryNoticePreference(ctx, accountOf(request).id, request.body.expiry_notices);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/v2/users/me/email',
    route({
      summary:
        'Change the email address: needs the password; the new address is used once its mailed link is followed (tokenhub extension)',
      body: emailChangeBody,
      response: { 202: mailAcceptedObject, ...errorReplies(400, 401, 403, 409, 429) },
    }),
    async (request, reply) => {
      await perIp(request, reply);
      const user = accountOf(request);
      // A wrong password counts as a failed sign-in (the same limits) and is audited.
      await reauthenticate(ctx, rateLimiter, user, requestMeta(request), ['password'], () =>
        requestEmailChange(ctx, user.id, request.body),
      );
      return reply
        .status(202)
        .send({ detail: 'a verification link was mailed to the new address', message: 'verification sent' });
    },
  );

  app.post(
    '/v2/users/me/email/verification',
    route({
      summary: 'Mail a new verification link to the account address (tokenhub extension)',
      response: { 202: mailAcceptedObject, ...errorReplies(401, 403, 409, 429) },
    }),
    async (request, reply) => {
      const user = accountOf(request);
      await perIp(request, reply);
      await enforceRateLimit(
        rateLimiter,
        reply,
        'mail-request-account',
        `user:${user.id}`,
        limits.requestsPerAccount,
        'too many verification mails for this account',
      );
      await resendVerification(ctx, user);
      return reply.status(202).send({
        detail: 'a verification link was mailed to the account address',
        message: 'verification sent',
      });
    },
  );

  app.post(
    '/v2/users/email-verification',
    {
      schema: {
        tags: ['accounts'],
        summary:
          'Follow a verification link: its code verifies the address it was mailed to (tokenhub extension)',
        body: emailVerifyBody,
        response: { 200: emailVerifiedObject, ...errorReplies(400, 409) },
      },
    },
    async (request) => {
      const verified = await verifyEmail(ctx, request.body.code, requestMeta(request));
      return { username: verified.username, email: verified.email, email_verified: true as const };
    },
  );

  app.post(
    '/v2/users/password-reset',
    {
      schema: {
        tags: ['accounts'],
        summary:
          'Mail a password reset link to the account with this verified address; the same answer either way (tokenhub extension)',
        body: passwordResetBody,
        response: { 202: mailAcceptedObject, ...errorReplies(400, 409, 429) },
      },
    },
    async (request, reply) => {
      await perIp(request, reply);
      const address = resetAddressOf(ctx, request.body.email);
      // Looking the account up and queuing its mail happen after the answer, so neither the
      // answer nor its timing tells whether an account has the address.
      const work = async () => {
        const user = await findResetAccount(ctx, address);
        if (user && (await accountAllows(`user:${user.id}`)) && (await accountAllows(`email:${address}`))) {
          await sendPasswordReset(ctx, user);
        }
      };
      setImmediate(() =>
        work().catch((error) => request.log.warn({ err: error }, 'password reset: the mail was not queued')),
      );
      return reply.status(202).header('cache-control', 'no-store').send(resetAccepted);
    },
  );

  app.post(
    '/v2/users/password-reset/confirm',
    {
      schema: {
        tags: ['accounts'],
        summary:
          "Set a new password with a reset link's code: ends every session and refresh token of the account, keeps its access tokens (tokenhub extension)",
        body: passwordResetConfirmBody,
        response: noContentReplies(400),
      },
    },
    async (request, reply) => {
      await resetPasswordWithCode(ctx, request.body.code, request.body.new_password, requestMeta(request));
      return reply.status(204).header('cache-control', 'no-store').send(null);
    },
  );
}

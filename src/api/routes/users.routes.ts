import type { User } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import { changePassword, createAccount } from '../../services/accounts/account.service.ts';
import { reauthenticate } from '../../services/sign-in/reauthentication.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import {
  passwordChangeBody,
  signUpBody,
  type UserObject,
  userObject,
} from '../contract/accounts.contract.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import { requestMeta } from '../request-meta.ts';

function toUserObject(user: User): UserObject {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    is_admin: user.isAdmin,
    date_joined: user.createdAt,
    email_verified: Boolean(user.emailVerifiedAt),
  };
}

export async function userRoutes(app: App, { ctx, guard, throttles, rateLimiter }: RouteDeps): Promise<void> {
  app.post(
    '/v2/users',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign up (only when the instance allows open sign-up)',
        body: signUpBody,
        response: { 201: userObject, ...errorReplies(400, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      if (ctx.config.signup !== 'open') throw new AppError('SIGNUP_CLOSED');
      await throttles.signUp(request, reply);
      const user = await createAccount(ctx, request.body, requestMeta(request));
      return reply.status(201).send(toUserObject(user));
    },
  );

  app.get(
    '/v2/users/me',
    {
      preHandler: guard(['password', 'pat']),
      schema: {
        tags: ['accounts'],
        summary: 'The signed-in account',
        security: [{ bearer: [] }],
        response: { 200: userObject, ...errorReplies(401) },
      },
    },
    async (request) => toUserObject(accountOf(request)),
  );

  app.put(
    '/v2/users/me/password',
    {
      preHandler: guard(['password']),
      schema: {
        tags: ['accounts'],
        summary: 'Change the password; ends every other session',
        description:
          'A wrong current password counts as a failed sign-in (the same limits, 429 past them) and is audited.',
        security: [{ bearer: [] }],
        body: passwordChangeBody,
        response: noContentReplies(400, 401, 403, 429),
      },
    },
    async (request, reply) => {
      const user = accountOf(request);
      const meta = requestMeta(request);
      const input = {
        currentPassword: request.body.current_password,
        newPassword: request.body.new_password,
      };
      await reauthenticate(ctx, rateLimiter, user, meta, ['password'], () =>
        changePassword(ctx, user.id, input, meta),
      );
      return reply.status(204).send(null);
    },
  );
}

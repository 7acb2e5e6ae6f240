/**
 * Hub login (PROTOCOLS.md §1): `POST /v2/users/login {username, password}` → `{token}` and
 * `POST /v2/auth/token {identifier, secret}` → `{access_token}`. The secret may be the password or a
 * PAT of that account (or an OAT with the organization name); the session JWT records which.
 *
 * With two-factor sign-in on, a correct password answers 401 `{detail, login_2fa_token}` and
 * `POST /v2/users/2fa-login {login_2fa_token, code}` finishes the login. Tokens skip the second step.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { normalizeUsername } from '../../core/account-rules.ts';
import { AppError, errorCatalogue } from '../../core/errors.ts';
import { recordAudit } from '../../services/audit.service.ts';
import type { RequestMeta } from '../../services/context.ts';
import {
  type AuthenticatedCredential,
  authenticateCredentials,
  credentialOwner,
  SecondFactorRequired,
} from '../../services/credentials.service.ts';
import { finishTwoFactorLogin, startTwoFactorLogin } from '../../services/two-factor.service.ts';
import { findUserByUsername } from '../../storage/user.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { requestMeta } from '../request-meta.ts';
import { errorReplies } from '../schemas.ts';

const loginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 256 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
const authTokenBody = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 256 }),
  secret: Type.String({ minLength: 1, maxLength: 1024 }),
});

export async function loginRoutes(app: App, { ctx, sessions }: RouteDeps): Promise<void> {
  /** A session for `credential`, with its success audited. */
  async function openSession(credential: AuthenticatedCredential, meta: RequestMeta, twoFactor = false) {
    const owner = credentialOwner(credential);
    await recordAudit(ctx, {
      account: owner,
      action: 'account.login.success',
      name: owner.name,
      actor: credential.method === 'oat' ? { id: null, name: credential.token.label } : owner,
      meta,
      data: {
        method: credential.method,
        ...(twoFactor ? { two_factor: true } : {}),
        ...(credential.method === 'password' ? {} : { uuid: credential.token.id }),
      },
    });
    return sessions.issue(credential);
  }

  /** @returns the session JWT, or the login_2fa_token when a second step is needed. */
  async function logIn(
    identifier: string,
    secret: string,
    meta: RequestMeta,
  ): Promise<{ session: string } | { loginToken: string }> {
    try {
      return {
        session: await openSession(await authenticateCredentials(ctx, identifier, secret, meta), meta),
      };
    } catch (error) {
      if (error instanceof SecondFactorRequired)
        return { loginToken: await startTwoFactorLogin(ctx, error.user) };
      if (error instanceof AppError) await recordLoginFailure(identifier, error, meta);
      throw error;
    }
  }

  function secondStepReply(reply: FastifyReply, loginToken: string) {
    const message = errorCatalogue.TWO_FACTOR_REQUIRED.message;
    return reply.status(401).send({ detail: message, message, login_2fa_token: loginToken });
  }

  async function recordLoginFailure(identifier: string, error: AppError, meta: RequestMeta): Promise<void> {
    // Failures are logged against the named account only when it exists; the reply never says.
    const user = await findUserByUsername(ctx.db, normalizeUsername(identifier));
    if (!user) return;
    await recordAudit(ctx, {
      account: { id: user.id, name: user.username },
      action: 'account.login.failure',
      name: user.username,
      actor: { id: null, name: user.username },
      meta,
      data: { reason: error.code },
    });
  }

  app.post(
    '/v2/users/login',
    {
      schema: {
        tags: ['login'],
        summary: 'Log in with a password or a personal access token (legacy route)',
        body: loginBody,
        response: { 200: Type.Object({ token: Type.String() }), ...errorReplies(400, 401) },
      },
    },
    async (request, reply) => {
      const result = await logIn(request.body.username, request.body.password, requestMeta(request));
      return 'session' in result ? { token: result.session } : secondStepReply(reply, result.loginToken);
    },
  );

  app.post(
    '/v2/users/2fa-login',
    {
      schema: {
        tags: ['login'],
        summary: 'Second step of a password login with two-factor sign-in on: a TOTP or recovery code',
        body: Type.Object({
          login_2fa_token: Type.String({ minLength: 1, maxLength: 256 }),
          code: Type.String({ minLength: 1, maxLength: 64 }),
        }),
        response: { 200: Type.Object({ token: Type.String() }), ...errorReplies(400, 401, 429) },
      },
    },
    async (request) => {
      const meta = requestMeta(request);
      const user = await finishTwoFactorLogin(ctx, request.body.login_2fa_token, request.body.code, meta);
      return { token: await openSession({ method: 'password', user }, meta, true) };
    },
  );

  app.post(
    '/v2/auth/token',
    {
      schema: {
        tags: ['login'],
        summary: 'Exchange a username and password or personal access token for a session JWT',
        body: authTokenBody,
        response: { 200: Type.Object({ access_token: Type.String() }), ...errorReplies(400, 401) },
      },
    },
    async (request, reply) => {
      const result = await logIn(request.body.identifier, request.body.secret, requestMeta(request));
      return 'session' in result
        ? { access_token: result.session }
        : secondStepReply(reply, result.loginToken);
    },
  );
}

/**
 * Hub login (PROTOCOLS.md §1): `POST /v2/users/login {username, password}` → `{token}` and
 * `POST /v2/auth/token {identifier, secret}` → `{access_token}`. The secret may be the password or a
 * PAT of that account (or an OAT with the organization name); the session JWT records which.
 *
 * With two-factor sign-in on, a correct password answers 401 `{detail, login_2fa_token}` and
 * `POST /v2/users/2fa-login {login_2fa_token, code}` finishes the login. Tokens skip the second step.
 */
import { Type } from 'typebox';
import type { RequestMeta } from '../../services/shared/context.ts';
import { attemptLogin, recordLoginSuccess } from '../../services/sign-in/hub-login.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { authTokenBody, loginBody, secondStepBody } from '../contract/accounts.contract.ts';
import { errorReplies } from '../contract/common.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { finishSecondStep, secondStepReply } from '../two-factor-step.ts';

export async function loginRoutes(app: App, { ctx, sessions, throttles }: RouteDeps): Promise<void> {
  /** @returns the session JWT, or the login_2fa_token when a second step is needed. */
  async function logIn(identifier: string, secret: string, meta: RequestMeta) {
    const outcome = await attemptLogin(ctx, identifier, secret, meta);
    if ('loginToken' in outcome) return outcome;
    await recordLoginSuccess(ctx, outcome.principal, meta);
    return { session: await sessions.start(outcome.principal, { kind: 'api', meta }) };
  }

  app.post(
    '/v2/users/login',
    {
      schema: {
        tags: ['login'],
        summary: 'Log in with a password or a personal access token (legacy route)',
        body: loginBody,
        response: { 200: Type.Object({ token: Type.String() }), ...errorReplies(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const result = await throttles.loginAttempt(
        request,
        reply,
        { identifier: username, secret: password },
        () => logIn(username, password, requestMeta(request)),
      );
      return 'session' in result ? { token: result.session } : secondStepReply(reply, result.loginToken);
    },
  );

  app.post(
    '/v2/users/2fa-login',
    {
      schema: {
        tags: ['login'],
        summary: 'Second step of a password login with two-factor sign-in on: a TOTP or recovery code',
        body: secondStepBody,
        response: { 200: Type.Object({ token: Type.String() }), ...errorReplies(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const meta = requestMeta(request);
      const { login_2fa_token: loginToken, code } = request.body;
      const user = await finishSecondStep(ctx, throttles, request, reply, { loginToken, code }, meta);
      const principal = { kind: 'password', user } as const;
      await recordLoginSuccess(ctx, principal, meta, true);
      return { token: await sessions.start(principal, { kind: 'api', meta }) };
    },
  );

  app.post(
    '/v2/auth/token',
    {
      schema: {
        tags: ['login'],
        summary: 'Exchange a username and password or personal access token for a session JWT',
        body: authTokenBody,
        response: { 200: Type.Object({ access_token: Type.String() }), ...errorReplies(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { identifier, secret } = request.body;
      const result = await throttles.loginAttempt(request, reply, { identifier, secret }, () =>
        logIn(identifier, secret, requestMeta(request)),
      );
      return 'session' in result
        ? { access_token: result.session }
        : secondStepReply(reply, result.loginToken);
    },
  );
}

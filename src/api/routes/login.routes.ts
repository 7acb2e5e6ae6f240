/**
 * Hub login (PROTOCOLS.md §1): `POST /v2/users/login {username, password}` → `{token}` and
 * `POST /v2/auth/token {identifier, secret}` → `{access_token}`. The secret may be the password or a
 * PAT of that account; the session JWT records which.
 */
import { Type } from 'typebox';
import { normalizeUsername } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import { recordAudit } from '../../services/audit.service.ts';
import type { RequestMeta } from '../../services/context.ts';
import { authenticateCredentials, credentialOwner } from '../../services/credentials.service.ts';
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
  async function logIn(identifier: string, secret: string, meta: RequestMeta): Promise<string> {
    try {
      const credential = await authenticateCredentials(ctx, identifier, secret, meta);
      const owner = credentialOwner(credential);
      await recordAudit(ctx, {
        account: owner,
        action: 'account.login.success',
        name: owner.name,
        actor: credential.method === 'oat' ? { id: null, name: credential.token.label } : owner,
        meta,
        data: {
          method: credential.method,
          ...(credential.method === 'password' ? {} : { uuid: credential.token.id }),
        },
      });
      return await sessions.issue(credential);
    } catch (error) {
      if (error instanceof AppError) await recordLoginFailure(identifier, error, meta);
      throw error;
    }
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
    async (request) => ({
      token: await logIn(request.body.username, request.body.password, requestMeta(request)),
    }),
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
    async (request) => ({
      access_token: await logIn(request.body.identifier, request.body.secret, requestMeta(request)),
    }),
  );
}

/**
 * Device sign-in (docs/device-sign-in.md): the OAuth 2.0 device authorization grant (RFC 8628) at
 * `/oauth/device/code` and `/oauth/token`, token revocation (RFC 7009) at `/oauth/revoke`, the
 * approval step at `/v2/device/verify` (password sessions only), and Docker's
 * `POST /v2/access-tokens/desktop-generate`. Both doors make auto-generated PATs
 * (auto-token.service.ts: at most 5 per account, tied to their sign-in).
 *
 * The `/oauth/*` routes take form or JSON bodies and answer RFC 6749 §5.2 errors
 * `{error, error_description}` (error shape `oauth`); the `/v2/*` routes answer Hub errors.
 */
import { Type } from 'typebox';
import { type DeviceSignIn, formatUserCode } from '../../core/device-sign-in-rules.ts';
import { AppError } from '../../core/errors.ts';
import {
  decideDeviceRequest,
  findPendingDeviceRequest,
  pollDeviceToken,
  startDeviceAuthorization,
} from '../../services/sign-in/device-sign-in.service.ts';
import {
  autoTokenPreview,
  createAutoToken,
  revokeAutoToken,
} from '../../services/tokens/auto-token.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { errorReplies } from '../contract/common.contract.ts';
import {
  type DeviceRequestObject,
  desktopGenerateBody,
  desktopGenerateObject,
  deviceAuthorizationObject,
  deviceCodeBody,
  deviceDecisionBody,
  deviceDecisionObject,
  deviceRequestObject,
  deviceTokenBody,
  deviceTokenObject,
  oauthError,
  revokeBody,
  userCode,
} from '../contract/device-sign-in.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { parseFormStrictly } from '../text-input.ts';
import { limitFailures } from '../throttle.ts';

const oauthErrors = { 400: oauthError };

/**
 * RFC 8628 §5.1 asks to rate-limit user-code guessing: per account, unknown or expired codes count;
 * past the limit every verify call answers 429 until the window ends.
 */
const verifyFailureRule = { limit: 20, windowSeconds: 900 };

function toDeviceRequestObject(ctx: RouteDeps['ctx'], request: DeviceSignIn): DeviceRequestObject {
  const token = autoTokenPreview(ctx, 'device', request.clientName, request.clientId);
  return {
    user_code: formatUserCode(request.userCode ?? ''),
    client_id: request.clientId,
    client_name: request.clientName,
    created_at: request.createdAt,
    expires_at: request.expiresAt,
    ip: request.ip,
    user_agent: request.userAgent,
    token: { label: token.label, scopes: [...token.scopes], expires_in: token.expiresInSeconds },
    session: request.sessionRequested ? { expires_in: ctx.config.sessions.cliTtlSeconds } : null,
  };
}

export async function deviceSignInRoutes(app: App, deps: RouteDeps): Promise<void> {
  await app.register(async (scope) => oauthRoutes(scope as App, deps));
  await app.register(async (scope) => approvalRoutes(scope as App, deps));
}

async function oauthRoutes(app: App, { ctx, throttles }: RouteDeps): Promise<void> {
  const tags = ['device sign-in'];
  const config = { errorShape: 'oauth' as const };
  // RFC 6749 clients send forms; JSON is accepted too.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      try {
        done(null, parseFormStrictly(String(body)));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  // RFC 6749 §5.1: responses that carry (or refuse) credentials are never cached.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('pragma', 'no-cache');
  });

  app.post(
    '/oauth/device/code',
    {
      config,
      schema: {
        tags,
        summary: 'Start a device sign-in (RFC 8628 §3.1): a device code to poll with, a user code to show',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: deviceCodeBody,
        response: { 200: deviceAuthorizationObject, ...oauthErrors, 429: oauthError },
      },
    },
    async (request, reply) => {
      await throttles.deviceCodeStart(request, reply);
      const { client_id: clientId, client_name: clientName, scope } = request.body;
      return startDeviceAuthorization(ctx, { clientId, clientName, scope }, requestMeta(request));
    },
  );

  app.post(
    '/oauth/token',
    {
      config,
      schema: {
        tags,
        summary: 'Poll for the token of a device sign-in (RFC 8628 §3.4)',
        description:
          'Answers 400 `authorization_pending`, `slow_down`, `access_denied`, `expired_token` or `invalid_grant` until the user approved; then, once, a new auto-generated personal access token, and with it the refresh token of a CLI session when the device asked for `scope=session`.',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: deviceTokenBody,
        response: { 200: deviceTokenObject, ...oauthErrors },
      },
    },
    async (request) => {
      const { accessToken, expiresIn, username, session } = await pollDeviceToken(
        ctx,
        {
          grantType: request.body.grant_type,
          deviceCode: request.body.device_code,
          clientId: request.body.client_id,
        },
        requestMeta(request),
      );
      return {
        access_token: accessToken.reveal(),
        token_type: 'bearer' as const,
        expires_in: expiresIn,
        username,
        ...(session
          ? {
              refresh_token: session.refreshToken,
              scope: 'session',
              session_id: session.id,
              session_expires_at: session.expiresAt,
            }
          : {}),
      };
    },
  );

  app.post(
    '/oauth/revoke',
    {
      config,
      schema: {
        tags,
        summary: 'Revoke an auto-generated token by its secret (RFC 7009); always 200',
        description:
          'Deletes the auto-generated personal access token and its sign-in. Manual PATs, organization access tokens and unknown tokens are left alone, and the answer is 200 all the same.',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: revokeBody,
        response: { 200: Type.Object({}, { description: '`{}`, whatever happened.' }), ...oauthErrors },
      },
    },
    async (request, reply) => {
      await revokeAutoToken(ctx, request.body.token, requestMeta(request));
      return reply.status(200).send({});
    },
  );
}

async function approvalRoutes(app: App, { ctx, guard, rateLimiter, throttles }: RouteDeps): Promise<void> {
  // OATs never approve or obtain a device sign-in; PAT sessions cannot mint tokens either.
  const passwordOnly = guard(['password']);
  const security = [{ bearer: [] }];
  const tags = ['device sign-in'];
  const guessing = (userId: string) => [
    { bucket: 'device-verify', key: `user:${userId}`, rule: verifyFailureRule },
  ];
  const isUnknownCode = (error: unknown) =>
    error instanceof AppError && error.code === 'DEVICE_CODE_NOT_FOUND';

  app.get(
    '/v2/device/verify',
    {
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: 'Which client asks to sign in with this user code',
        querystring: Type.Object({ user_code: userCode }),
        response: { 200: deviceRequestObject, ...errorReplies(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const user = accountOf(request);
      const pending = await limitFailures(
        rateLimiter,
        reply,
        guessing(user.id),
        () => findPendingDeviceRequest(ctx, request.query.user_code),
        { isFailure: isUnknownCode, message: 'too many unknown user codes' },
      );
      return toDeviceRequestObject(ctx, pending);
    },
  );

  app.post(
    '/v2/device/verify',
    {
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary:
          'Approve or deny a device sign-in; approval lets the device collect a new auto-generated PAT',
        body: deviceDecisionBody,
        response: { 200: deviceDecisionObject, ...errorReplies(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const user = accountOf(request);
      const { user_code: code, action } = request.body;
      const decided = await limitFailures(
        rateLimiter,
        reply,
        guessing(user.id),
        () => decideDeviceRequest(ctx, user, code, action, requestMeta(request)),
        { isFailure: isUnknownCode, message: 'too many unknown user codes' },
      );
      return {
        ...toDeviceRequestObject(ctx, decided),
        status: action === 'approve' ? 'approved' : 'denied',
      } as const;
    },
  );

  app.post(
    '/v2/access-tokens/desktop-generate',
    {
      // Docker Desktop sends no body: validate an empty object instead.
      preValidation: async (request) => {
        request.body ??= {};
      },
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary:
          "Docker Desktop's sign-in: a new auto-generated PAT (at most 5 per account; the oldest goes)",
        body: desktopGenerateBody,
        response: { 201: desktopGenerateObject, ...errorReplies(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const user = accountOf(request);
      await throttles.patCreate(reply, user.id);
      const clientId = request.body.client_id?.trim() || 'docker-desktop';
      const clientName = request.body.client_name?.trim() || 'Docker Desktop';
      const { secret } = await createAutoToken(
        ctx,
        user,
        { clientId, clientName, signIn: { kind: 'desktop' } },
        requestMeta(request),
      );
      return reply.status(201).send({ data: { token: secret.reveal() } });
    },
  );
}

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
import { AppError } from '../../core/errors.ts';
import {
  decideDeviceRequest,
  findPendingDeviceRequest,
  formatUserCode,
  pollDeviceToken,
  startDeviceAuthorization,
} from '../../services/sign-in/device-sign-in.service.ts';
import { createAutoToken, revokeAutoToken } from '../../services/tokens/auto-token.service.ts';
import type { DeviceSignInRow } from '../../storage/device-sign-in.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { requestMeta } from '../request-meta.ts';
import { errorReplies } from '../schemas.ts';
import { limitFailures } from '../throttle.ts';

const oauthError = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  { description: 'RFC 6749 §5.2 error: `error` is a code such as `authorization_pending`.' },
);
const oauthErrors = { 400: oauthError };
/** No control characters (they would end up in a token label). */
const printable = '^[^\\u0000-\\u001f\\u007f]*$';
const param = (maxLength: number, description?: string) =>
  Type.Optional(Type.String({ maxLength, ...(description ? { description } : {}) }));

/**
 * RFC 8628 §5.1 asks to rate-limit user-code guessing: per account, unknown or expired codes count;
 * past the limit every verify call answers 429 until the window ends.
 */
const verifyFailureRule = { limit: 20, windowSeconds: 900 };

const deviceRequestObject = Type.Object({
  user_code: Type.String({ description: 'As the device shows it: `XXXX-XXXX`.' }),
  client_id: Type.String(),
  client_name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time', description: 'When the user code expires.' }),
  ip: Type.String({ description: 'Address of the device that asked.' }),
  user_agent: Type.String({ description: 'Client (user agent) of the device that asked.' }),
});

function toDeviceRequestObject(row: DeviceSignInRow) {
  return {
    user_code: formatUserCode(row.user_code ?? ''),
    client_id: row.client_id,
    client_name: row.client_name,
    created_at: row.created_at,
    expires_at: row.expires_at,
    ip: row.ip,
    user_agent: row.user_agent,
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
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
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
        body: Type.Object({
          client_id: param(200, 'Required: the client asking, e.g. `tokenhub-cli`.'),
          client_name: param(200, 'Shown to the user and in the token label, e.g. "tokenhub CLI on laptop".'),
        }),
        response: {
          200: Type.Object({
            device_code: Type.String(),
            user_code: Type.String(),
            verification_uri: Type.String(),
            verification_uri_complete: Type.String(),
            expires_in: Type.Integer({ description: 'Seconds.' }),
            interval: Type.Integer({ description: 'Seconds to wait between polls.' }),
          }),
          ...oauthErrors,
          429: oauthError,
        },
      },
    },
    async (request, reply) => {
      await throttles.deviceCodeStart(request, reply);
      const { client_id: clientId, client_name: clientName } = request.body;
      return startDeviceAuthorization(ctx, { clientId, clientName }, requestMeta(request));
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
          'Answers 400 `authorization_pending`, `slow_down`, `access_denied`, `expired_token` or `invalid_grant` until the user approved; then, once, a new auto-generated personal access token.',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: Type.Object({
          grant_type: param(200, '`urn:ietf:params:oauth:grant-type:device_code`'),
          device_code: param(200),
          client_id: param(200),
        }),
        response: {
          200: Type.Object({
            access_token: Type.String({ description: 'The personal access token (generated_by "auto").' }),
            token_type: Type.Literal('bearer'),
            expires_in: Type.Integer({ description: 'Seconds until the token and its sign-in expire.' }),
            username: Type.String({
              description:
                'tokenhub extension: the account that approved, the login name to use with the token.',
            }),
          }),
          ...oauthErrors,
        },
      },
    },
    async (request) => {
      const { accessToken, expiresIn, username } = await pollDeviceToken(
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
        body: Type.Object({
          token: Type.String({ minLength: 1, maxLength: 1024 }),
          token_type_hint: param(64),
          client_id: param(200),
        }),
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
  const userCode = Type.String({
    minLength: 1,
    maxLength: 32,
    description: '`XXXX-XXXX` (any case, dash optional).',
  });

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
      const row = await limitFailures(
        rateLimiter,
        reply,
        guessing(user.id),
        () => findPendingDeviceRequest(ctx, request.query.user_code),
        { isFailure: isUnknownCode, message: 'too many unknown user codes' },
      );
      return toDeviceRequestObject(row);
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
        body: Type.Object({
          user_code: userCode,
          action: Type.Union([Type.Literal('approve'), Type.Literal('deny')]),
        }),
        response: {
          200: Type.Object({
            ...deviceRequestObject.properties,
            status: Type.Union([Type.Literal('approved'), Type.Literal('denied')]),
          }),
          ...errorReplies(400, 401, 403, 404, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const user = accountOf(request);
      const { user_code: code, action } = request.body;
      const row = await limitFailures(
        rateLimiter,
        reply,
        guessing(user.id),
        () => decideDeviceRequest(ctx, user, code, action, requestMeta(request)),
        { isFailure: isUnknownCode, message: 'too many unknown user codes' },
      );
      return { ...toDeviceRequestObject(row), status: action === 'approve' ? 'approved' : 'denied' } as const;
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
        body: Type.Object({
          client_id: Type.Optional(Type.String({ maxLength: 100, pattern: printable })),
          client_name: Type.Optional(Type.String({ maxLength: 100, pattern: printable })),
        }),
        response: {
          201: Type.Object({ data: Type.Object({ token: Type.String() }) }),
          ...errorReplies(400, 401, 403),
        },
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

/**
 * Device sign-in: the OAuth 2.0 device authorization grant (RFC 8628) and token revocation
 * (RFC 7009) under `/oauth/*`, whose errors are RFC 6749 §5.2 bodies; the approval step and
 * Docker Desktop's `desktop-generate` under `/v2/*`.
 */
import { type Static, Type } from 'typebox';

export const oauthError = Type.Object(
  { error: Type.String(), error_description: Type.String() },
  { description: 'RFC 6749 §5.2 error: `error` is a code such as `authorization_pending`.' },
);
export type OauthError = Static<typeof oauthError>;

/** No control characters (they would end up in a token label). */
const printable = '^[^\\u0000-\\u001f\\u007f]*$';
const param = (maxLength: number, description?: string) =>
  Type.Optional(Type.String({ maxLength, ...(description ? { description } : {}) }));

export const deviceCodeBody = Type.Object({
  client_id: param(200, 'Required: the client asking, e.g. `tokenhub-cli`.'),
  client_name: param(200, 'Shown to the user and in the token label, e.g. "tokenhub CLI on laptop".'),
  scope: param(
    200,
    'Optional (RFC 8628 §3.1): `session` asks, next to the token, for a CLI session that manages the account’s tokens (the approval page says so); any other scope is refused.',
  ),
});

export const deviceAuthorizationObject = Type.Object({
  device_code: Type.String(),
  user_code: Type.String(),
  verification_uri: Type.String(),
  verification_uri_complete: Type.String(),
  expires_in: Type.Integer({ description: 'Seconds.' }),
  interval: Type.Integer({ description: 'Seconds to wait between polls.' }),
});
export type DeviceAuthorizationObject = Static<typeof deviceAuthorizationObject>;

export const deviceTokenBody = Type.Object({
  grant_type: param(200, '`urn:ietf:params:oauth:grant-type:device_code`'),
  device_code: param(200),
  client_id: param(200),
});

export const deviceTokenObject = Type.Object({
  access_token: Type.String({ description: 'The personal access token (generated_by "auto").' }),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the token and its sign-in expire.' }),
  username: Type.String({
    description: 'tokenhub extension: the account that approved, the login name to use with the token.',
  }),
  refresh_token: Type.Optional(
    Type.String({
      description:
        'Only when the device asked for `scope=session`: the refresh token of a CLI session (`POST /v2/auth/refresh`), shown this once.',
    }),
  ),
  scope: Type.Optional(Type.String({ description: '`session` when the refresh token is there.' })),
  session_id: Type.Optional(Type.String({ description: 'tokenhub extension: that CLI session’s id.' })),
  session_expires_at: Type.Optional(
    Type.String({ format: 'date-time', description: 'tokenhub extension: when that CLI session ends.' }),
  ),
});
export type DeviceTokenObject = Static<typeof deviceTokenObject>;

export const revokeBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 1024 }),
  token_type_hint: param(64),
  client_id: param(200),
});

export const userCode = Type.String({
  minLength: 1,
  maxLength: 32,
  description: '`XXXX-XXXX` (any case, dash optional).',
});

export const deviceRequestObject = Type.Object({
  user_code: Type.String({ description: 'As the device shows it: `XXXX-XXXX`.' }),
  client_id: Type.String(),
  client_name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time', description: 'When the user code expires.' }),
  ip: Type.String({ description: 'Address of the device that asked.' }),
  user_agent: Type.String({ description: 'Client (user agent) of the device that asked.' }),
  token: Type.Object(
    {
      label: Type.String({ description: 'Its label: the client name, then `(device sign-in)`.' }),
      scopes: Type.Array(Type.String(), { description: 'Its level, e.g. `["repo:admin"]`.' }),
      expires_in: Type.Integer({ description: 'Seconds from the approval until it and its sign-in expire.' }),
    },
    {
      description:
        'tokenhub extension: the auto-generated personal access token that approving gives the device.',
    },
  ),
  session: Type.Union(
    [
      Type.Object({
        expires_in: Type.Integer({ description: 'Seconds from the approval until the CLI session ends.' }),
      }),
      Type.Null(),
    ],
    {
      description:
        'tokenhub extension: the CLI session the device also asks for (`scope=session`), which may manage the account’s tokens until it ends; null when it asks for the token only.',
    },
  ),
});
/** `GET /v2/device/verify?user_code=…`: who asks to sign in, and what approving gives it. */
export type DeviceRequestObject = Static<typeof deviceRequestObject>;

export const deviceDecisionBody = Type.Object({
  user_code: userCode,
  action: Type.Union([Type.Literal('approve'), Type.Literal('deny')]),
});

export const deviceDecisionObject = Type.Object({
  ...deviceRequestObject.properties,
  status: Type.Union([Type.Literal('approved'), Type.Literal('denied')]),
});

export const desktopGenerateBody = Type.Object({
  client_id: Type.Optional(Type.String({ maxLength: 100, pattern: printable })),
  client_name: Type.Optional(Type.String({ maxLength: 100, pattern: printable })),
});

export const desktopGenerateObject = Type.Object({ data: Type.Object({ token: Type.String() }) });

/**
 * The one error catalogue. Domain code throws `AppError` with a code from `errorCatalogue`;
 * `src/api/error-reply.ts` is the only place that turns a code into an HTTP status and a body.
 * Handlers never write status numbers for errors.
 *
 * `shape` picks the body the Docker Hub API uses for that family of routes (PROTOCOLS.md §1):
 * - `hub`: `{detail, message}` (account and personal-access-token routes)
 * - `org`: `{errinfo, detail, message}` (organization and organization-access-token routes)
 * - `validation`: `{fields: {name: [msg]}, text}` (400 on a malformed request)
 * - `registry`: `{details}` (the registry token endpoint; docker and skopeo show `details`)
 * - `oauth`: `{error, error_description}` (RFC 6749 §5.2, the `/oauth/*` routes); `error` is the
 *   code without its `OAUTH_` prefix, lowercased (`OAUTH_SLOW_DOWN` → `slow_down`)
 * A route may override the shape (the org routes render every error as `org`).
 */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, shape: 'validation', message: 'the request is invalid' },
  BAD_REQUEST: { status: 400, shape: 'hub', message: 'the request is malformed' },
  UNKNOWN_SCOPE: { status: 400, shape: 'validation', message: 'unknown scope' },
  EXPIRY_INVALID: { status: 400, shape: 'validation', message: 'invalid expiry' },
  AUTHENTICATION_REQUIRED: { status: 401, shape: 'hub', message: 'authentication required' },
  INVALID_CREDENTIALS: { status: 401, shape: 'hub', message: 'incorrect username or password' },
  SESSION_INVALID: { status: 401, shape: 'hub', message: 'the session token is invalid or expired' },
  TOKEN_EXPIRED: { status: 401, shape: 'hub', message: 'token expired' },
  TOKEN_INACTIVE: { status: 401, shape: 'hub', message: 'token is inactive' },
  PAT_NOT_ALLOWED: {
    status: 403,
    shape: 'hub',
    message: 'token issued from personal access token is not allowed',
  },
  OAT_NOT_ALLOWED: {
    status: 403,
    shape: 'hub',
    message: 'token issued from organization access token is not allowed',
  },
  FORBIDDEN: { status: 403, shape: 'hub', message: 'you are not allowed to do this' },
  CSRF_INVALID: {
    status: 403,
    shape: 'hub',
    message: 'missing or invalid CSRF token: send the X-CSRF-Token header the console session gave you',
  },
  SIGNUP_CLOSED: { status: 403, shape: 'hub', message: 'sign-up is closed on this instance' },
  NOT_FOUND: { status: 404, shape: 'hub', message: 'not found' },
  TOKEN_NOT_FOUND: { status: 404, shape: 'hub', message: 'access token not found' },
  NAMESPACE_NOT_FOUND: { status: 404, shape: 'hub', message: 'namespace not found' },
  REPOSITORY_NOT_FOUND: { status: 404, shape: 'hub', message: 'repository not found' },
  USERNAME_TAKEN: { status: 409, shape: 'hub', message: 'this username is already taken' },
  REPOSITORY_EXISTS: { status: 409, shape: 'hub', message: 'this repository already exists' },
  TOKEN_EXPIRED_NOT_EDITABLE: {
    status: 409,
    shape: 'hub',
    message: 'an expired token cannot be changed, only deleted',
  },
  REGISTRY_SCOPE_INVALID: { status: 400, shape: 'registry', message: 'malformed scope' },
  REGISTRY_SERVICE_UNKNOWN: { status: 400, shape: 'registry', message: 'unknown service' },
  REGISTRY_BAD_REQUEST: { status: 400, shape: 'registry', message: 'malformed token request' },
  REGISTRY_UNAUTHORIZED: { status: 401, shape: 'registry', message: 'incorrect username or password' },
  ORG_NOT_FOUND: { status: 404, shape: 'org', message: 'organization not found' },
  ORG_FORBIDDEN: {
    status: 403,
    shape: 'org',
    message: 'you are not allowed to do this in this organization',
  },
  ORG_NAME_TAKEN: {
    status: 409,
    shape: 'org',
    message: 'this name is already taken by a user or an organization',
  },
  OAT_TIER_REQUIRED: {
    status: 403,
    shape: 'org',
    message: 'organization access tokens need a Team or Business organization',
  },
  OAT_LIMIT_REACHED: {
    status: 409,
    shape: 'org',
    message: 'the organization has reached its access token limit',
  },
  OAT_INACTIVE_NOT_EDITABLE: {
    status: 409,
    shape: 'org',
    message: 'an inactive organization access token cannot be changed or reactivated, only deleted',
  },
  OAT_NOT_FOUND: { status: 404, shape: 'org', message: 'organization access token not found' },
  USER_NOT_FOUND: { status: 404, shape: 'org', message: 'user not found' },
  MEMBER_NOT_FOUND: { status: 404, shape: 'org', message: 'member not found' },
  GROUP_NOT_FOUND: { status: 404, shape: 'org', message: 'group not found' },
  GROUP_MEMBER_NOT_FOUND: { status: 404, shape: 'org', message: 'this user is not in the group' },
  GROUP_REPOSITORY_NOT_FOUND: {
    status: 404,
    shape: 'org',
    message: 'the group has no permission on this repository',
  },
  INVITE_NOT_FOUND: { status: 404, shape: 'org', message: 'invite not found' },
  ALREADY_MEMBER: { status: 409, shape: 'org', message: 'this user is already a member of the organization' },
  ALREADY_GROUP_MEMBER: { status: 409, shape: 'org', message: 'this user is already in the group' },
  LAST_OWNER: { status: 409, shape: 'org', message: 'an organization must keep at least one owner' },
  GROUP_EXISTS: { status: 409, shape: 'org', message: 'a group with this name already exists' },
  INVITE_EXISTS: { status: 409, shape: 'org', message: 'this invitee already has a pending invite' },
  TWO_FACTOR_REQUIRED: {
    status: 401,
    shape: 'hub',
    message: 'Require secondary authentication on MFA enabled account',
  },
  TWO_FACTOR_CODE_INVALID: { status: 401, shape: 'hub', message: 'the two-factor code is incorrect' },
  TWO_FACTOR_CHALLENGE_INVALID: {
    status: 401,
    shape: 'hub',
    message: 'the login_2fa_token is invalid, expired or already used: sign in again',
  },
  TWO_FACTOR_ALREADY_ENABLED: {
    status: 409,
    shape: 'hub',
    message: 'two-factor authentication is already enabled; disable it first',
  },
  TWO_FACTOR_NOT_SET_UP: { status: 409, shape: 'hub', message: 'call POST /v2/users/me/2fa/setup first' },
  TWO_FACTOR_NOT_ENABLED: { status: 409, shape: 'hub', message: 'two-factor authentication is not enabled' },
  DEVICE_CODE_NOT_FOUND: {
    status: 404,
    shape: 'hub',
    message: 'unknown or expired user code: start the sign-in on the device again',
  },
  DEVICE_CODE_DECIDED: { status: 409, shape: 'hub', message: 'this sign-in request was already answered' },
  OAUTH_INVALID_REQUEST: { status: 400, shape: 'oauth', message: 'the request is malformed' },
  OAUTH_INVALID_GRANT: { status: 400, shape: 'oauth', message: 'unknown or already used device code' },
  OAUTH_AUTHORIZATION_PENDING: {
    status: 400,
    shape: 'oauth',
    message: 'the user has not approved or denied the request yet',
  },
  OAUTH_SLOW_DOWN: { status: 400, shape: 'oauth', message: 'polling too fast' },
  OAUTH_ACCESS_DENIED: { status: 400, shape: 'oauth', message: 'the user denied the request' },
  OAUTH_EXPIRED_TOKEN: { status: 400, shape: 'oauth', message: 'the device code has expired' },
  OAUTH_UNSUPPORTED_GRANT_TYPE: { status: 400, shape: 'oauth', message: 'unsupported grant_type' },
  RATE_LIMITED: { status: 429, shape: 'hub', message: 'too many requests' },
  INTERNAL: { status: 500, shape: 'hub', message: 'internal server error' },
} as const satisfies Record<string, { status: number; shape: ErrorShape; message: string }>;

export type ErrorShape = 'hub' | 'org' | 'validation' | 'registry' | 'oauth';
export type ErrorCode = keyof typeof errorCatalogue;

/** Field-level messages for `VALIDATION_FAILED`-style errors: `{token_label: ['too long']}`. */
export type FieldErrors = Record<string, string[]>;

/**
 * A coded, expected error. `message` is safe to show to the client; anything that must not reach
 * the client goes in `cause` (logged, never rendered).
 *
 * @example throw new AppError('UNKNOWN_SCOPE', 'unknown scope: repo:root', { fields: { scopes: ['unknown scope: repo:root'] } })
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldErrors | undefined;

  constructor(code: ErrorCode, message?: string, options: { fields?: FieldErrors; cause?: unknown } = {}) {
    super(message ?? errorCatalogue[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fields = options.fields;
  }
}

/** Shorthand for a 400 that names one field. */
export function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { fields: { [field]: [message] } });
}

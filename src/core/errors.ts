/**
 * The one error catalogue. Domain code throws `AppError` with a code from `errorMessages`, which
 * gives each code its default message (safe to show to a client). How a code answers over HTTP
 * (status and body shape) is the api layer's decision, in `src/api/error-reply.ts`; handlers never
 * write status numbers for errors.
 */
export const errorMessages = {
  VALIDATION_FAILED: 'the request is invalid',
  BAD_REQUEST: 'the request is malformed',
  UNKNOWN_SCOPE: 'unknown scope',
  EXPIRY_INVALID: 'invalid expiry',
  AUTHENTICATION_REQUIRED: 'authentication required',
  INVALID_CREDENTIALS: 'incorrect username or password',
  SESSION_INVALID: 'the session token is invalid or expired',
  TOKEN_EXPIRED: 'token expired',
  TOKEN_INACTIVE: 'token is inactive',
  TOKEN_ADDRESS_REFUSED: 'this access token may not be used from this address',
  TOKEN_POLICY_REFUSED: 'access token refused by a token policy',
  TOKEN_POLICY_VIOLATION: 'the token breaks a token policy',
  PAT_NOT_ALLOWED: 'token issued from personal access token is not allowed',
  OAT_NOT_ALLOWED: 'token issued from organization access token is not allowed',
  FORBIDDEN: 'you are not allowed to do this',
  CSRF_INVALID: 'missing or invalid CSRF token: send the X-CSRF-Token header the console session gave you',
  SIGNUP_CLOSED: 'sign-up is closed on this instance',
  NOT_FOUND: 'not found',
  TOKEN_NOT_FOUND: 'access token not found',
  NAMESPACE_NOT_FOUND: 'namespace not found',
  REPOSITORY_NOT_FOUND: 'repository not found',
  USERNAME_TAKEN: 'this username is already taken',
  REPOSITORY_EXISTS: 'this repository already exists',
  TOKEN_EXPIRED_NOT_EDITABLE: 'an expired token cannot be changed, only deleted',
  REGISTRY_SCOPE_INVALID: 'malformed scope',
  REGISTRY_SERVICE_UNKNOWN: 'unknown service',
  REGISTRY_BAD_REQUEST: 'malformed token request',
  REGISTRY_UNAUTHORIZED: 'incorrect username or password',
  ORG_NOT_FOUND: 'organization not found',
  ORG_FORBIDDEN: 'you are not allowed to do this in this organization',
  ORG_NAME_TAKEN: 'this name is already taken by a user or an organization',
  OAT_TIER_REQUIRED: 'organization access tokens need a Team or Business organization',
  OAT_LIMIT_REACHED: 'the organization has reached its access token limit',
  OAT_INACTIVE_NOT_EDITABLE:
    'an inactive organization access token cannot be changed or reactivated, only deleted',
  OAT_NOT_FOUND: 'organization access token not found',
  USER_NOT_FOUND: 'user not found',
  MEMBER_NOT_FOUND: 'member not found',
  GROUP_NOT_FOUND: 'group not found',
  GROUP_MEMBER_NOT_FOUND: 'this user is not in the group',
  GROUP_REPOSITORY_NOT_FOUND: 'the group has no permission on this repository',
  INVITE_NOT_FOUND: 'invite not found',
  ALREADY_MEMBER: 'this user is already a member of the organization',
  ALREADY_GROUP_MEMBER: 'this user is already in the group',
  LAST_OWNER: 'an organization must keep at least one owner',
  GROUP_EXISTS: 'a group with this name already exists',
  INVITE_EXISTS: 'this invitee already has a pending invite',
  COMPANY_NOT_FOUND: 'company not found',
  COMPANY_FORBIDDEN: 'only owners of the company may do this',
  COMPANY_TIER_REQUIRED: 'companies hold Business organizations only',
  COMPANY_NOT_EMPTY: 'a company can be deleted only when it holds no organization',
  LAST_COMPANY_OWNER: 'a company must keep at least one owner',
  ALREADY_COMPANY_OWNER: 'this user is already an owner of the company',
  COMPANY_OWNER_NOT_FOUND: 'this user is not an owner of the company',
  ORG_IN_COMPANY: 'this organization already belongs to a company',
  ORG_NOT_IN_COMPANY: 'this organization is not in the company',
  TWO_FACTOR_REQUIRED: 'Require secondary authentication on MFA enabled account',
  TWO_FACTOR_CODE_INVALID: 'the two-factor code is incorrect',
  TWO_FACTOR_CHALLENGE_INVALID: 'the login_2fa_token is invalid, expired or already used: sign in again',
  TWO_FACTOR_ALREADY_ENABLED: 'two-factor authentication is already enabled; disable it first',
  TWO_FACTOR_NOT_SET_UP: 'call POST /v2/users/me/2fa/setup first',
  TWO_FACTOR_NOT_ENABLED: 'two-factor authentication is not enabled',
  CURRENT_PASSWORD_INCORRECT: 'the password is incorrect',
  TWO_FACTOR_CODE_INCORRECT: 'the code is incorrect: enter the code your authenticator app shows now',
  DEVICE_CODE_NOT_FOUND: 'unknown or expired user code: start the sign-in on the device again',
  DEVICE_CODE_DECIDED: 'this sign-in request was already answered',
  OAUTH_INVALID_REQUEST: 'the request is malformed',
  OAUTH_INVALID_GRANT: 'unknown or already used device code',
  OAUTH_AUTHORIZATION_PENDING: 'the user has not approved or denied the request yet',
  OAUTH_SLOW_DOWN: 'polling too fast',
  OAUTH_ACCESS_DENIED: 'the user denied the request',
  OAUTH_EXPIRED_TOKEN: 'the device code has expired',
  OAUTH_UNSUPPORTED_GRANT_TYPE: 'unsupported grant_type',
  OIDC_NOT_ALLOWED: 'token issued from an OIDC connection is not allowed',
  OIDC_CONNECTION_NOT_FOUND: 'OIDC connection not found',
  OIDC_TIER_REQUIRED: 'OIDC connections need a Team or Business organization',
  OIDC_CONNECTION_LIMIT_REACHED: 'the account has reached its OIDC connection limit',
  OIDC_TOKEN_REFUSED: 'the identity token was refused',
  MAIL_DISABLED: 'this instance sends no mail (TOKENHUB_SMTP_URL is not set); ask its administrator',
  EMAIL_CODE_INVALID: 'this link is unknown, expired or already used: ask for a new one',
  EMAIL_ALREADY_VERIFIED: 'this email address is already verified',
  EMAIL_TAKEN: 'another account has already verified this email address',
  RATE_LIMITED: 'too many requests',
  RECENT_SIGN_IN_REQUIRED:
    'this change needs your password: send it as `password`, or sign in again (a sign-in within the last 5 minutes is enough)',
  REGISTRY_UNAVAILABLE: 'the registry did not answer',
  REGISTRY_NOTIFICATION_REFUSED: 'not a notification of the configured registry',
  TAG_DELETE_REFUSED: 'the registry cannot delete this tag alone',
  STORE_BUSY: 'the database is busy; try again in a moment',
  STORE_UNAVAILABLE: 'the database is unavailable; try again later',
  STORE_UNWRITABLE: 'the database cannot store changes right now; try again later',
  INTERNAL: 'internal server error',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof errorMessages;

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
    super(message ?? errorMessages[code], { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fields = options.fields;
  }
}

/** Shorthand for a 400 that names one field. */
export function fieldError(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { fields: { [field]: [message] } });
}

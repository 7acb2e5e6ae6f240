/**
 * The one place where errors become HTTP replies (STYLE.md habit 1). Every `AppError` code of the
 * core catalogue maps through `httpErrors` to a status and one of the Hub body shapes; Fastify's
 * own client errors (schema validation, malformed JSON, unsupported media type, oversized body)
 * become 400-class replies of the same shapes; a store fault (storage/store-faults.ts: the
 * database busy, gone or refusing writes) is a 503 with `Retry-After` that names the cause; anything
 * else is an opaque 500 with the request id, its detail logged.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldErrors } from '../core/errors.ts';
import { FailureLimitReached } from '../services/rate-limit/failure-limits.ts';
import { type StoreFault, storeFaultOf } from '../storage/store-faults.ts';

/**
 * The body the Docker Hub API uses for a family of routes (PROTOCOLS.md §1):
 * - `hub`: `{detail, message}` (account and personal-access-token routes)
 * - `org`: `{errinfo, detail, message}` (organization and organization-access-token routes)
 * - `validation`: `{fields: {name: [msg]}, text}` (400 on a malformed request)
 * - `registry`: `{details, errors}` (the registry token endpoint; docker shows `details`)
 * - `oauth`: `{error, error_description}` (RFC 6749 §5.2, the `/oauth/*` routes); `error` is the
 *   code without its `OAUTH_` prefix, lowercased (`OAUTH_SLOW_DOWN` → `slow_down`)
 * A route may override the shape (the org routes render every error as `org`).
 */
export type ErrorShape = 'hub' | 'org' | 'validation' | 'registry' | 'oauth';

/** Status and default body shape of every error code; a code missing here fails the type check. */
export const httpErrors = {
  VALIDATION_FAILED: { status: 400, shape: 'validation' },
  BAD_REQUEST: { status: 400, shape: 'hub' },
  UNKNOWN_SCOPE: { status: 400, shape: 'validation' },
  EXPIRY_INVALID: { status: 400, shape: 'validation' },
  AUTHENTICATION_REQUIRED: { status: 401, shape: 'hub' },
  INVALID_CREDENTIALS: { status: 401, shape: 'hub' },
  SESSION_INVALID: { status: 401, shape: 'hub' },
  TOKEN_EXPIRED: { status: 401, shape: 'hub' },
  TOKEN_INACTIVE: { status: 401, shape: 'hub' },
  TOKEN_ADDRESS_REFUSED: { status: 401, shape: 'hub' },
  TOKEN_POLICY_REFUSED: { status: 401, shape: 'hub' },
  TOKEN_POLICY_VIOLATION: { status: 400, shape: 'validation' },
  PAT_NOT_ALLOWED: { status: 403, shape: 'hub' },
  OAT_NOT_ALLOWED: { status: 403, shape: 'hub' },
  FORBIDDEN: { status: 403, shape: 'hub' },
  CSRF_INVALID: { status: 403, shape: 'hub' },
  SIGNUP_CLOSED: { status: 403, shape: 'hub' },
  NOT_FOUND: { status: 404, shape: 'hub' },
  TOKEN_NOT_FOUND: { status: 404, shape: 'hub' },
  NAMESPACE_NOT_FOUND: { status: 404, shape: 'hub' },
  REPOSITORY_NOT_FOUND: { status: 404, shape: 'hub' },
  USERNAME_TAKEN: { status: 409, shape: 'hub' },
  REPOSITORY_EXISTS: { status: 409, shape: 'hub' },
  TOKEN_EXPIRED_NOT_EDITABLE: { status: 409, shape: 'hub' },
  REGISTRY_SCOPE_INVALID: { status: 400, shape: 'registry' },
  REGISTRY_SERVICE_UNKNOWN: { status: 400, shape: 'registry' },
  REGISTRY_BAD_REQUEST: { status: 400, shape: 'registry' },
  REGISTRY_UNAUTHORIZED: { status: 401, shape: 'registry' },
  ORG_NOT_FOUND: { status: 404, shape: 'org' },
  ORG_FORBIDDEN: { status: 403, shape: 'org' },
  ORG_NAME_TAKEN: { status: 409, shape: 'org' },
  OAT_TIER_REQUIRED: { status: 403, shape: 'org' },
  OAT_LIMIT_REACHED: { status: 409, shape: 'org' },
  OAT_INACTIVE_NOT_EDITABLE: { status: 409, shape: 'org' },
  OAT_NOT_FOUND: { status: 404, shape: 'org' },
  USER_NOT_FOUND: { status: 404, shape: 'org' },
  MEMBER_NOT_FOUND: { status: 404, shape: 'org' },
  GROUP_NOT_FOUND: { status: 404, shape: 'org' },
  GROUP_MEMBER_NOT_FOUND: { status: 404, shape: 'org' },
  GROUP_REPOSITORY_NOT_FOUND: { status: 404, shape: 'org' },
  INVITE_NOT_FOUND: { status: 404, shape: 'org' },
  ALREADY_MEMBER: { status: 409, shape: 'org' },
  ALREADY_GROUP_MEMBER: { status: 409, shape: 'org' },
  LAST_OWNER: { status: 409, shape: 'org' },
  GROUP_EXISTS: { status: 409, shape: 'org' },
  INVITE_EXISTS: { status: 409, shape: 'org' },
  COMPANY_NOT_FOUND: { status: 404, shape: 'org' },
  COMPANY_FORBIDDEN: { status: 403, shape: 'org' },
  COMPANY_TIER_REQUIRED: { status: 403, shape: 'org' },
  COMPANY_NOT_EMPTY: { status: 409, shape: 'org' },
  LAST_COMPANY_OWNER: { status: 409, shape: 'org' },
  ALREADY_COMPANY_OWNER: { status: 409, shape: 'org' },
  COMPANY_OWNER_NOT_FOUND: { status: 404, shape: 'org' },
  ORG_IN_COMPANY: { status: 409, shape: 'org' },
  ORG_NOT_IN_COMPANY: { status: 404, shape: 'org' },
  TWO_FACTOR_REQUIRED: { status: 401, shape: 'hub' },
  TWO_FACTOR_CODE_INVALID: { status: 401, shape: 'hub' },
  TWO_FACTOR_CHALLENGE_INVALID: { status: 401, shape: 'hub' },
  TWO_FACTOR_ALREADY_ENABLED: { status: 409, shape: 'hub' },
  TWO_FACTOR_NOT_SET_UP: { status: 409, shape: 'hub' },
  // A wrong password or code inside a signed-in session: 403, never 401 (the session is fine).
  CURRENT_PASSWORD_INCORRECT: { status: 403, shape: 'validation' },
  TWO_FACTOR_CODE_INCORRECT: { status: 403, shape: 'validation' },
  TWO_FACTOR_NOT_ENABLED: { status: 409, shape: 'hub' },
  DEVICE_CODE_NOT_FOUND: { status: 404, shape: 'hub' },
  DEVICE_CODE_DECIDED: { status: 409, shape: 'hub' },
  OAUTH_INVALID_REQUEST: { status: 400, shape: 'oauth' },
  OAUTH_INVALID_GRANT: { status: 400, shape: 'oauth' },
  OAUTH_AUTHORIZATION_PENDING: { status: 400, shape: 'oauth' },
  OAUTH_SLOW_DOWN: { status: 400, shape: 'oauth' },
  OAUTH_ACCESS_DENIED: { status: 400, shape: 'oauth' },
  OAUTH_EXPIRED_TOKEN: { status: 400, shape: 'oauth' },
  OAUTH_UNSUPPORTED_GRANT_TYPE: { status: 400, shape: 'oauth' },
  OIDC_NOT_ALLOWED: { status: 403, shape: 'hub' },
  OIDC_CONNECTION_NOT_FOUND: { status: 404, shape: 'hub' },
  OIDC_TIER_REQUIRED: { status: 403, shape: 'hub' },
  OIDC_CONNECTION_LIMIT_REACHED: { status: 409, shape: 'hub' },
  OIDC_TOKEN_REFUSED: { status: 401, shape: 'hub' },
  MAIL_DISABLED: { status: 409, shape: 'hub' },
  EMAIL_CODE_INVALID: { status: 400, shape: 'hub' },
  EMAIL_ALREADY_VERIFIED: { status: 409, shape: 'hub' },
  EMAIL_TAKEN: { status: 409, shape: 'hub' },
  RATE_LIMITED: { status: 429, shape: 'hub' },
  RECENT_SIGN_IN_REQUIRED: { status: 403, shape: 'hub' },
  REGISTRY_UNAVAILABLE: { status: 502, shape: 'hub' },
  REGISTRY_NOTIFICATION_REFUSED: { status: 401, shape: 'hub' },
  TAG_DELETE_REFUSED: { status: 409, shape: 'hub' },
  STORE_BUSY: { status: 503, shape: 'hub' },
  STORE_UNAVAILABLE: { status: 503, shape: 'hub' },
  STORE_UNWRITABLE: { status: 503, shape: 'hub' },
  INTERNAL: { status: 500, shape: 'hub' },
} as const satisfies Record<ErrorCode, { status: number; shape: ErrorShape }>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Body shape for this route's errors, when it differs from the code's default. */
    errorShape?: ErrorShape;
  }
}

export function errorBody(
  shape: ErrorShape,
  code: string,
  message: string,
  status: number,
  fields?: FieldErrors,
): object {
  switch (shape) {
    case 'validation':
      return { fields: fields ?? {}, text: message, detail: message, message };
    case 'org':
      return { errinfo: { code }, detail: message, message };
    case 'registry':
      // docker shows `details`; skopeo and containerd read the distribution `errors` list.
      return { details: message, errors: [{ code: registryErrorCode(status), message }] };
    case 'hub':
      return { detail: message, message };
    case 'oauth':
      return { error: oauthError(code, status), error_description: message };
  }
}

/**
 * RFC 6749 `error`: our `OAUTH_*` codes name it; a throttled request is `temporarily_unavailable`
 * (§4.1.2.1, with `Retry-After`); anything else is a malformed request or ours.
 */
function oauthError(code: string, status: number): string {
  if (code.startsWith('OAUTH_')) return code.slice('OAUTH_'.length).toLowerCase();
  if (status === 429 || status === 503) return 'temporarily_unavailable';
  return status >= 500 ? 'server_error' : 'invalid_request';
}

/** Route shapes that render every error, validation included, in their own body. */
const ownBodyShapes: ReadonlySet<ErrorShape> = new Set(['registry', 'oauth']);

/** Distribution's error codes for the statuses the token endpoint answers with. */
function registryErrorCode(status: number): string {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status === 503) return 'UNAVAILABLE';
  return 'DENIED';
}

/**
 * The issues that say what is wrong: a failed `anyOf` (a list or `null`, as Go clients send) reports
 * each branch at its own path, so when one branch failed deeper inside the value, the issues at the
 * `anyOf`'s path ("must be null", "must match a schema in anyOf") are left out.
 */
type Issues = NonNullable<FastifyError['validation']>;

function mostSpecific(issues: Issues): Issues {
  const unions = new Set(issues.filter((i) => i.keyword === 'anyOf').map((i) => i.instancePath));
  return issues.filter(
    (issue) =>
      !unions.has(issue.instancePath) ||
      !issues.some((other) => other.instancePath.startsWith(`${issue.instancePath}/`)),
  );
}

function validationFields(error: FastifyError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of mostSpecific(error.validation ?? [])) {
    const params = issue.params as Record<string, unknown>;
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const name =
      typeof params.missingProperty === 'string'
        ? path
          ? `${path}.${params.missingProperty}`
          : params.missingProperty
        : path || (error.validationContext ?? 'body');
    const message = `${name} ${lengthMessage(issue.keyword, params) ?? issue.message ?? 'is invalid'}`;
    fields[name] = [...(fields[name] ?? []), message];
  }
  return fields;
}

/** Lengths said as the core rules say them ("must be at most 100 characters"), not Ajv's wording. */
function lengthMessage(keyword: string, params: Record<string, unknown>): string | undefined {
  if (keyword === 'maxLength') return `must be at most ${params.limit} characters`;
  if (keyword === 'minLength')
    return params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters`;
  return undefined;
}

const storeFaultCodes = {
  busy: 'STORE_BUSY',
  unavailable: 'STORE_UNAVAILABLE',
  unwritable: 'STORE_UNWRITABLE',
} as const satisfies Record<StoreFault['kind'], ErrorCode>;

const storeFaultWords: Record<StoreFault['kind'], string> = {
  busy: 'the database is busy',
  unavailable: 'the database is unavailable',
  unwritable: 'the database cannot store changes',
};

/** A store fault as the error a client sees: what is wrong, why, and when to try again. */
function storeFaultError(fault: StoreFault, cause: unknown): AppError {
  const seconds = fault.retryAfterSeconds === 1 ? '1 second' : `${fault.retryAfterSeconds} seconds`;
  const message = `${storeFaultWords[fault.kind]} (${fault.reason}); try again in ${seconds}`;
  return new AppError(storeFaultCodes[fault.kind], message, { cause });
}

/** Store faults are logged once per outage where they are met (storage/store-health.ts), not per request. */
const storeFaultCodeSet: ReadonlySet<ErrorCode> = new Set(Object.values(storeFaultCodes));

export function replyWithError(raw: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const routeShape = request.routeOptions.config?.errorShape;
  const fault = raw instanceof AppError ? undefined : storeFaultOf(raw);
  if (raw instanceof FailureLimitReached && !reply.hasHeader('retry-after'))
    reply.header('retry-after', raw.result.resetSeconds);
  if (fault) reply.header('retry-after', fault.retryAfterSeconds);
  const error = fault ? storeFaultError(fault, raw) : raw;
  if (error instanceof AppError) {
    const entry = httpErrors[error.code];
    const shape =
      routeShape && (ownBodyShapes.has(routeShape) || entry.shape !== 'validation')
        ? routeShape
        : entry.shape;
    if (storeFaultCodeSet.has(error.code)) request.log.debug({ err: error }, 'store fault');
    else if (entry.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply
      .status(entry.status)
      .send(errorBody(shape, error.code, error.message, entry.status, error.fields));
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const fields = validationFields(fastifyError);
    const text = Object.values(fields).flat().join('; ') || 'the request is invalid';
    const shape = routeShape && ownBodyShapes.has(routeShape) ? routeShape : 'validation';
    return reply.status(400).send(errorBody(shape, 'VALIDATION_FAILED', text, 400, fields));
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's client errors (malformed JSON, wrong content type, body too large...).
    const message = clientErrorMessage(fastifyError);
    return reply
      .status(status)
      .send(errorBody(routeShape ?? 'hub', fastifyError.code ?? 'BAD_REQUEST', message, status));
  }
  request.log.error({ err: error }, 'unexpected error');
  const message = `internal server error (request id ${request.id})`;
  return reply.status(500).send(errorBody(routeShape ?? 'hub', 'INTERNAL', message, 500));
}

function clientErrorMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the request body is not valid JSON';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type; send application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the request body is too large';
    default:
      return error.message;
  }
}

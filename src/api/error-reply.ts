/**
 * The one place where errors become HTTP replies (STYLE.md habit 1). `AppError` codes map through
 * `errorCatalogue` to a status and one of the Hub body shapes; Fastify's own client errors
 * (schema validation, malformed JSON, unsupported media type, oversized body) become 400-class
 * replies of the same shapes; anything else is an opaque 500 with the request id, its detail logged.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorShape, errorCatalogue, type FieldErrors } from '../core/errors.ts';

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
  if (status === 429) return 'temporarily_unavailable';
  return status >= 500 ? 'server_error' : 'invalid_request';
}

/** Route shapes that render every error, validation included, in their own body. */
const ownBodyShapes: ReadonlySet<ErrorShape> = new Set(['registry', 'oauth']);

/** Distribution's error codes for the statuses the token endpoint answers with. */
function registryErrorCode(status: number): string {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 429) return 'TOOMANYREQUESTS';
  return 'DENIED';
}

function validationFields(error: FastifyError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.validation ?? []) {
    const params = issue.params as Record<string, unknown>;
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    const name =
      typeof params.missingProperty === 'string'
        ? path
          ? `${path}.${params.missingProperty}`
          : params.missingProperty
        : path || (error.validationContext ?? 'body');
    const message = `${name} ${issue.message ?? 'is invalid'}`;
    fields[name] = [...(fields[name] ?? []), message];
  }
  return fields;
}

export function replyWithError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const routeShape = request.routeOptions.config?.errorShape;
  if (error instanceof AppError) {
    const entry = errorCatalogue[error.code];
    const shape =
      routeShape && (ownBodyShapes.has(routeShape) || entry.shape !== 'validation')
        ? routeShape
        : entry.shape;
    if (entry.status >= 500) request.log.error({ err: error }, 'request failed');
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

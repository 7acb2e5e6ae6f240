/**
 * Checks one answer of tokenhub against Docker's document (docker-hub-schemas.ts): a documented
 * status must carry the documented body; another status must be one docs/api.md lists, with
 * tokenhub's error body.
 */
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { dockerRoutes, type Schema, tokenhubError, undeclaredStatuses } from './docker-hub-schemas.ts';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const validators = new Map<Schema, ReturnType<Ajv['compile']>>();

/** @returns why the answer does not conform, or undefined; `declared` says whether Docker declares the status. */
export function checkDockerAnswer(
  route: string,
  status: number,
  body: string,
): { problem: string | undefined; declared: boolean } {
  const documented = dockerRoutes[route];
  if (!documented) return { problem: `Docker documents no route ${route}`, declared: false };
  let schema: Schema | null | undefined =
    status in documented.statuses ? documented.statuses[status] : documented.otherwise;
  const declared = schema !== undefined;
  if (!declared) {
    if (!(status in undeclaredStatuses)) {
      return { problem: `${route} answered ${status}, which neither Docker nor docs/api.md lists`, declared };
    }
    schema = tokenhubError;
  }
  if (schema === null)
    return { problem: body === '' ? undefined : `${route} ${status} must have no body`, declared };
  const bodySchema: Schema = schema ?? {};
  let validate = validators.get(bodySchema);
  if (!validate) {
    validate = ajv.compile(bodySchema);
    validators.set(bodySchema, validate);
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { problem: `${route} ${status}: not JSON: ${body.slice(0, 200)}`, declared };
  }
  return validate(value)
    ? { problem: undefined, declared }
    : { problem: `${route} ${status}: ${ajv.errorsText(validate.errors)}\n${body.slice(0, 600)}`, declared };
}

/**
 * Go's `encoding/json` decoding, for the replays of Docker's Go clients (hub-tool, the Terraform
 * provider): a JSON answer is decoded into the client's struct the way Go would, and fails where Go
 * returns an error. The rules that matter to Docker's clients:
 * - `null` leaves the zero value, never an error (an absent field too);
 * - a number into a `string`, a string into an `int`, a fraction into an `int`, an object into a
 *   slice, an array into a struct: errors;
 * - `time.Time` takes an RFC 3339 string (`""` is an error);
 * - unknown fields are ignored; field names match case-insensitively.
 */

export type GoType =
  | 'string'
  | 'int'
  | 'bool'
  | 'time'
  | 'any'
  | { slice: GoType }
  | { struct: Record<string, GoType> }
  | { map: GoType };

export class GoDecodeError extends Error {
  override name = 'GoDecodeError';
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const zeroOf = (type: GoType): unknown => {
  if (type === 'string' || type === 'time') return '';
  if (type === 'int') return 0;
  if (type === 'bool') return false;
  if (type === 'any') return null;
  if ('slice' in type) return [];
  if ('map' in type) return {};
  return Object.fromEntries(Object.entries(type.struct).map(([name, field]) => [name, zeroOf(field)]));
};

const kindOf = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/**
 * @returns `value` as Go holds it after decoding (zero values where JSON had null or nothing).
 * @throws GoDecodeError where `json.Unmarshal` returns an error, with the JSON path.
 */
export function decodeGo(value: unknown, type: GoType, path = '$'): unknown {
  if (value === null || value === undefined) return zeroOf(type);
  const fail = (goType: string): never => {
    throw new GoDecodeError(
      `json: cannot unmarshal ${kindOf(value)} into Go value of type ${goType} (${path})`,
    );
  };
  if (type === 'any') return value;
  if (type === 'string') return typeof value === 'string' ? value : fail('string');
  if (type === 'bool') return typeof value === 'boolean' ? value : fail('bool');
  if (type === 'int') return typeof value === 'number' && Number.isInteger(value) ? value : fail('int');
  if (type === 'time') {
    if (typeof value !== 'string') return fail('time.Time');
    if (!rfc3339.test(value)) throw new GoDecodeError(`parsing time "${value}" as RFC 3339 (${path})`);
    return value;
  }
  if ('slice' in type) {
    if (!Array.isArray(value)) return fail('[]T');
    return value.map((item, i) => decodeGo(item, type.slice, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || Array.isArray(value)) return fail('struct or map');
  const fields = value as Record<string, unknown>;
  if ('map' in type) {
    return Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, decodeGo(v, type.map, `${path}.${k}`)]),
    );
  }
  const decoded: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(type.struct)) {
    const key =
      Object.keys(fields).find((k) => k === name) ??
      Object.keys(fields).find((k) => k.toLowerCase() === name.toLowerCase());
    decoded[name] = decodeGo(key === undefined ? undefined : fields[key], field, `${path}.${name}`);
  }
  return decoded;
}

/** `decodeGo` of a JSON text, as `json.Unmarshal` reads bytes. */
export function unmarshal<T>(body: string, type: GoType): T {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new GoDecodeError(`invalid character in JSON: ${body.slice(0, 80)}`);
  }
  return decodeGo(value, type) as T;
}

/** `uuid.Parse` of github.com/google/uuid. */
export function parseUuid(text: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) {
    throw new GoDecodeError(`invalid UUID format: ${text}`);
  }
  return text;
}

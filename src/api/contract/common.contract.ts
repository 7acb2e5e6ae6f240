/**
 * Schemas shared by every route family: the Hub error bodies (for the OpenAPI document), path
 * parameters, nullable values and Hub-style pages.
 */
import { type Static, type TSchema, Type } from 'typebox';

export const hubError = Type.Object(
  {
    detail: Type.String(),
    message: Type.String(),
    errinfo: Type.Optional(Type.Object({ code: Type.String() }, { additionalProperties: true })),
  },
  {
    description:
      'Docker Hub error body; clients show `message`, then `detail`. Organization routes add `errinfo`.',
    additionalProperties: true,
  },
);
export type HubError = Static<typeof hubError>;

export const validationError = Type.Object(
  {
    fields: Type.Record(Type.String(), Type.Array(Type.String())),
    text: Type.String(),
    detail: Type.String(),
    message: Type.String(),
  },
  { description: 'A malformed request: one message per bad field.' },
);
export type ValidationError = Static<typeof validationError>;

const errorDescriptions: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing, wrong, expired or revoked credentials',
  403: 'Not allowed for this session (for example a PAT-derived session on token management)',
  404: 'Not found, or not yours',
  409: 'Conflicts with the current state',
  429: 'Rate limited',
  502: 'The registry did not answer',
};

/** Response schemas for the listed error statuses. */
export function errorReplies(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      status === 400
        ? Type.Union([validationError, hubError], { description: errorDescriptions[status] })
        : Type.Object(hubError.properties, {
            description: errorDescriptions[status],
            additionalProperties: true,
          }),
    ]),
  );
}

/** The responses of a route that answers 204 with no body, or an error of the listed statuses. */
export function noContentReplies(...statuses: number[]): Record<number, TSchema> {
  return { 204: Type.Null(), ...errorReplies(...statuses) };
}

export const uuidParam = Type.Object({ uuid: Type.String({ format: 'uuid' }) });

/** Pages never hold more than this many items; larger `page_size` values are capped. */
export const maxPageSize = 100;

export const paginationQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  page_size: Type.Optional(
    Type.Integer({ minimum: 1, default: 10, description: `Values above ${maxPageSize} are capped to it.` }),
  ),
});

export const nullableString = Type.Union([Type.String(), Type.Null()]);

/** A Hub-style page: `count` items in all, `next`/`previous` full URLs or null, this page's `results`. */
export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer(),
    next: nullableString,
    previous: nullableString,
    results: Type.Array(item),
  });

/** A Hub-style page of `T` as the console and the CLI read it. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

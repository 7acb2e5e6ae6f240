/**
 * Schemas shared by several routes: the Hub error bodies (for the OpenAPI document) and the
 * accessToken object.
 */
import { type TSchema, Type } from 'typebox';

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

export const validationError = Type.Object(
  {
    fields: Type.Record(Type.String(), Type.Array(Type.String())),
    text: Type.String(),
    detail: Type.String(),
    message: Type.String(),
  },
  { description: 'A malformed request: one message per bad field.' },
);

const errorDescriptions: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing, wrong, expired or revoked credentials',
  403: 'Not allowed for this session (for example a PAT-derived session on token management)',
  404: 'Not found, or not yours',
  409: 'Conflicts with the current state',
  429: 'Rate limited',
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

export const uuidParam = Type.Object({ uuid: Type.String({ format: 'uuid' }) });

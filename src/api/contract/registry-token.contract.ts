/**
 * The registry token endpoint (PROTOCOLS.md §2): `GET /token` and the OAuth form `POST /token`.
 * Errors are the registry body docker (`details`) and skopeo (`errors`) show.
 */
import { type Static, Type } from 'typebox';

export const registryError = Type.Object({
  details: Type.String(),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});
export type RegistryError = Static<typeof registryError>;
export const registryErrors = { 400: registryError, 401: registryError, 429: registryError };

const tokenFields = {
  token: Type.String({ description: 'The registry JWT (same as access_token).' }),
  access_token: Type.String(),
  expires_in: Type.Integer({ description: 'Seconds.' }),
  issued_at: Type.String({ format: 'date-time' }),
};

export const registryTokenQuery = Type.Object({
  service: Type.Optional(Type.String({ maxLength: 255 })),
  scope: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }))),
  account: Type.Optional(Type.String({ maxLength: 256 })),
  client_id: Type.Optional(Type.String({ maxLength: 256 })),
  offline_token: Type.Optional(Type.String({ maxLength: 16 })),
});

export const registryTokenObject = Type.Object(tokenFields);
export type RegistryTokenObject = Static<typeof registryTokenObject>;

export const registryOauthBody = Type.Object({
  grant_type: Type.Union([Type.Literal('password'), Type.Literal('refresh_token')]),
  service: Type.Optional(Type.String({ maxLength: 255 })),
  client_id: Type.Optional(Type.String({ maxLength: 256 })),
  access_type: Type.Optional(Type.String({ maxLength: 16 })),
  scope: Type.Optional(Type.String({ maxLength: 8192 })),
  username: Type.Optional(Type.String({ maxLength: 256 })),
  password: Type.Optional(Type.String({ maxLength: 1024 })),
  refresh_token: Type.Optional(Type.String({ maxLength: 4096 })),
});

export const registryOauthObject = Type.Object({
  ...tokenFields,
  scope: Type.String(),
  refresh_token: Type.Optional(Type.String()),
});
export type RegistryOauthObject = Static<typeof registryOauthObject>;

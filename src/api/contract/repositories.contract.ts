/**
 * Repositories, Docker Hub's field names under `/v2/namespaces/{ns}/repositories`.
 */
import { type Static, Type } from 'typebox';

/** Longest description (characters), as on Docker Hub. */
const maxDescriptionLength = 100;

export const repositoryObject = Type.Object({
  name: Type.String({ description: 'The name below the namespace.' }),
  namespace: Type.String(),
  repository_type: Type.Literal('image'),
  description: Type.String(),
  is_private: Type.Boolean(),
  status: Type.Literal(1, { description: 'Always 1 (active).' }),
  last_updated: Type.String({ format: 'date-time' }),
  date_registered: Type.String({ format: 'date-time' }),
});
export type RepositoryObject = Static<typeof repositoryObject>;

export const namespaceParams = Type.Object({ ns: Type.String({ minLength: 1, maxLength: 64 }) });
export const repositoryParams = Type.Object({
  ns: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'One path component; nested names are not served.',
  }),
});

const description = Type.String({ maxLength: maxDescriptionLength });

export const repositoryCreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255 }),
  is_private: Type.Optional(Type.Boolean({ description: 'Defaults to the instance setting.' })),
  description: Type.Optional(description),
});

export const repositoryUpdateBody = Type.Object({
  is_private: Type.Optional(Type.Boolean()),
  description: Type.Optional(description),
});

export const repositoryPage = Type.Object({
  count: Type.Integer(),
  next: Type.Union([Type.String(), Type.Null()]),
  previous: Type.Union([Type.String(), Type.Null()]),
  results: Type.Array(repositoryObject),
});
export type RepositoryPage = Static<typeof repositoryPage>;

/**
 * Repositories in Docker Hub's shapes (Docker's `repository_info` and `repository_list_entry`),
 * under `/v2/namespaces/{ns}/repositories` and the older `/v2/repositories/…` paths. tokenhub has
 * no stars, collaborators, automated builds, categories or immutable tags: those fields read
 * zero, false or empty. Pulls and pushes are the registry's notifications (docs/repositories.md).
 */
import { type Static, Type } from 'typebox';
import { maxFullDescriptionLength, repositoryOrderings } from '../../core/repository-facts.ts';
import { maxPageSize, nullableString, paginationQuery } from './common.contract.ts';

/** Longest description (characters), as on Docker Hub. */
const maxDescriptionLength = 100;
const always = (value: string) => `Always ${value}: tokenhub has no such feature.`;
const dateTime = (description: string) => Type.String({ format: 'date-time', description });

const listFields = {
  name: Type.String({ description: 'The name below the namespace.' }),
  namespace: Type.String(),
  repository_type: Type.Literal('image'),
  status: Type.Literal(1, { description: 'Always 1 (active).' }),
  status_description: Type.Literal('active'),
  description: Type.String(),
  is_private: Type.Boolean(),
  star_count: Type.Integer({ description: always('0') }),
  pull_count: Type.Integer({
    description: 'Manifest pulls the registry reported; 0 without its notifications.',
  }),
  last_updated: dateTime('The last push or settings change.'),
  last_modified: dateTime('The last push or settings change (the same as last_updated).'),
  date_registered: dateTime('When tokenhub recorded the repository.'),
  affiliation: Type.String({ description: always('""') }),
  media_types: Type.Array(Type.String(), {
    description: 'Manifest media types pushed (from notifications).',
  }),
  content_types: Type.Array(Type.String(), { description: '`image` when image manifests were pushed.' }),
  categories: Type.Array(Type.Object({ name: Type.String(), slug: Type.String() }), {
    description: always('[]'),
  }),
};

export const repositoryListEntry = Type.Object(listFields);
export type RepositoryListEntry = Static<typeof repositoryListEntry>;

export const repositoryObject = Type.Object({
  ...listFields,
  user: Type.String({ description: 'The namespace that owns the repository.' }),
  hub_user: Type.String({ description: 'The namespace that owns the repository.' }),
  is_automated: Type.Boolean({ description: always('false') }),
  collaborator_count: Type.Integer({ description: always('0') }),
  has_starred: Type.Boolean({ description: always('false') }),
  full_description: Type.String(),
  permissions: Type.Object(
    { read: Type.Boolean(), write: Type.Boolean(), admin: Type.Boolean() },
    { description: "The caller's rights: read = pull, write = push, admin = delete." },
  ),
  immutable_tags_settings: Type.Object(
    { enabled: Type.Boolean(), rules: Type.Array(Type.String()) },
    { description: always('disabled') },
  ),
  storage_size: Type.Null({ description: 'null: tokenhub does not measure storage.' }),
  source: Type.Null(),
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
const fullDescription = Type.String({ maxLength: maxFullDescriptionLength });

const createFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  is_private: Type.Optional(Type.Boolean({ description: 'Defaults to the instance setting.' })),
  description: Type.Optional(description),
  full_description: Type.Optional(fullDescription),
  registry: Type.Optional(Type.String({ maxLength: 255, description: 'Ignored: there is one registry.' })),
};

export const repositoryCreateBody = Type.Object({
  ...createFields,
  namespace: Type.Optional(
    Type.String({ maxLength: 64, description: "The path's namespace (Docker's clients may leave it out)." }),
  ),
});

/** `POST /v2/repositories/` (docker-hub-api): the namespace is in the body. */
export const legacyRepositoryCreateBody = Type.Object({
  ...createFields,
  namespace: Type.String({ minLength: 1, maxLength: 64 }),
});

export const repositoryUpdateBody = Type.Object({
  is_private: Type.Optional(Type.Boolean()),
  description: Type.Optional(description),
  full_description: Type.Optional(fullDescription),
  immutable_tags: Type.Optional(Type.Boolean({ description: 'Only false: tokenhub has no immutable tags.' })),
  immutable_tags_rules: Type.Optional(
    Type.Union([Type.String({ maxLength: 4096 }), Type.Array(Type.String())]),
  ),
});

export const privacyBody = Type.Object({ is_private: Type.Boolean() });

export const repositoryListQuery = Type.Object({
  ...paginationQuery.properties,
  name: Type.Optional(Type.String({ maxLength: 255, description: 'Only names containing this.' })),
  ordering: Type.Optional(
    Type.Union(
      repositoryOrderings.map((ordering) => Type.Literal(ordering)),
      {
        description: `Docker Hub's orderings; by name when absent. Pages past the last are 404; page_size above ${maxPageSize} is capped.`,
      },
    ),
  ),
});

export const repositoryPage = Type.Object({
  count: Type.Integer(),
  next: nullableString,
  previous: nullableString,
  results: Type.Array(repositoryListEntry),
});
export type RepositoryPage = Static<typeof repositoryPage>;

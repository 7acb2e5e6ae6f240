/**
 * Repositories, Docker Hub's field names under `/v2/namespaces/{ns}/repositories` (docs/repositories.md).
 * Reads serve anonymous callers too (public repositories); writes need a password or PAT session,
 * and a PAT's level caps what the account may do (`core/repository-access.ts`).
 */
import { Type } from 'typebox';
import {
  accessSubjectOf,
  createRepository,
  deleteRepositoryRecord,
  getRepository,
  listRepositories,
  repositoryActorOf,
  updateRepositorySettings,
} from '../../services/repositories/repository.service.ts';
import type { RepositoryRow } from '../../storage/image-repository.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { pageLinks, pageRequest, paginationQuery } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { errorReplies } from '../schemas.ts';

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

const namespaceParams = Type.Object({ ns: Type.String({ minLength: 1, maxLength: 64 }) });
const repositoryParams = Type.Object({
  ns: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'One path component; nested names are not served.',
  }),
});
const description = Type.String({ maxLength: maxDescriptionLength });

function toRepositoryObject(row: RepositoryRow) {
  return {
    name: row.name,
    namespace: row.namespace,
    repository_type: 'image' as const,
    description: row.description,
    is_private: row.is_private === 1,
    status: 1 as const,
    last_updated: row.updated_at,
    date_registered: row.created_at,
  };
}

export async function repositoryRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const anyoneMayRead = guard(['password', 'pat'], { optional: true });
  const sessionRequired = guard(['password', 'pat']);
  // The empty requirement marks the reads as open to anonymous callers in the OpenAPI document.
  const optionalSecurity: Record<string, string[]>[] = [{ bearer: [] }, {}];
  const security = [{ bearer: [] }];
  const tags = ['repositories'];

  app.post(
    '/v2/namespaces/:ns/repositories',
    {
      preHandler: sessionRequired,
      schema: {
        tags,
        security,
        summary: 'Create a repository (needs push on the namespace: its owner or an administrator)',
        params: namespaceParams,
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 255 }),
          is_private: Type.Optional(Type.Boolean({ description: 'Defaults to the instance setting.' })),
          description: Type.Optional(description),
        }),
        response: { 201: repositoryObject, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const row = await createRepository(
        ctx,
        repositoryActorOf(principalOf(request)),
        request.params.ns,
        {
          name: request.body.name,
          isPrivate: request.body.is_private,
          description: request.body.description,
        },
        requestMeta(request),
      );
      return reply.status(201).send(toRepositoryObject(row));
    },
  );

  app.get(
    '/v2/namespaces/:ns/repositories',
    {
      preHandler: anyoneMayRead,
      schema: {
        tags,
        security: optionalSecurity,
        summary: 'List the repositories of a namespace that the caller may pull, by name',
        params: namespaceParams,
        querystring: paginationQuery,
        response: {
          200: Type.Object({
            count: Type.Integer(),
            next: Type.Union([Type.String(), Type.Null()]),
            previous: Type.Union([Type.String(), Type.Null()]),
            results: Type.Array(repositoryObject),
          }),
          ...errorReplies(400, 401, 404),
        },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { ns } = request.params;
      const { rows, total } = await listRepositories(ctx, accessSubjectOf(request.principal), ns, page);
      const path = `/v2/namespaces/${encodeURIComponent(ns)}/repositories`;
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, path, page, total),
        results: rows.map(toRepositoryObject),
      };
    },
  );

  app.get(
    '/v2/namespaces/:ns/repositories/:name',
    {
      preHandler: anyoneMayRead,
      schema: {
        tags,
        security: optionalSecurity,
        summary: 'Read a repository; a private one the caller may not pull is reported as missing',
        params: repositoryParams,
        response: { 200: repositoryObject, ...errorReplies(400, 401, 404) },
      },
    },
    async (request) => {
      const { ns, name } = request.params;
      return toRepositoryObject(await getRepository(ctx, accessSubjectOf(request.principal), ns, name));
    },
  );

  app.patch(
    '/v2/namespaces/:ns/repositories/:name',
    {
      preHandler: sessionRequired,
      schema: {
        tags,
        security,
        summary: 'Change the description (needs push) or the visibility (needs delete: repo:admin)',
        params: repositoryParams,
        body: Type.Object({
          is_private: Type.Optional(Type.Boolean()),
          description: Type.Optional(description),
        }),
        response: { 200: repositoryObject, ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const row = await updateRepositorySettings(
        ctx,
        repositoryActorOf(principalOf(request)),
        request.params.ns,
        request.params.name,
        { isPrivate: request.body.is_private, description: request.body.description },
        requestMeta(request),
      );
      return toRepositoryObject(row);
    },
  );

  app.delete(
    '/v2/namespaces/:ns/repositories/:name',
    {
      preHandler: sessionRequired,
      schema: {
        tags,
        security,
        summary: "Delete tokenhub's record of a repository (needs delete); registry data is kept",
        params: repositoryParams,
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deleteRepositoryRecord(
        ctx,
        repositoryActorOf(principalOf(request)),
        request.params.ns,
        request.params.name,
        requestMeta(request),
      );
      return reply.status(204).send(null);
    },
  );
}

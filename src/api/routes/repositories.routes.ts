import type { Repository } from '../../core/repository-access.ts';
import {
  createRepository,
  deleteRepositoryRecord,
  getRepository,
  listRepositories,
  updateRepositorySettings,
} from '../../services/repositories/repository.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { errorReplies, noContentReplies, paginationQuery } from '../contract/common.contract.ts';
import {
  namespaceParams,
  type RepositoryObject,
  repositoryCreateBody,
  repositoryObject,
  repositoryPage,
  repositoryParams,
  repositoryUpdateBody,
} from '../contract/repositories.contract.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

function toRepositoryObject(repository: Repository): RepositoryObject {
  return {
    name: repository.name,
    namespace: repository.namespace,
    repository_type: 'image',
    description: repository.description,
    is_private: repository.isPrivate,
    status: 1,
    last_updated: repository.updatedAt,
    date_registered: repository.createdAt,
  };
}

export async function repositoryRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const anyoneMayRead = guard(['password', 'pat'], { optional: true });
  const route = guardedRoute(guard(['password', 'pat']), 'repositories');
  // The empty requirement marks the reads as open to anonymous callers in the OpenAPI document.
  const optionalSecurity: Record<string, string[]>[] = [{ bearer: [] }, {}];
  const tags = ['repositories'];

  app.post(
    '/v2/namespaces/:ns/repositories',
    route({
      summary: 'Create a repository (needs push on the namespace: its owner or an administrator)',
      params: namespaceParams,
      body: repositoryCreateBody,
      response: { 201: repositoryObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const repository = await createRepository(
        ctx,
        principalOf(request),
        request.params.ns,
        {
          name: request.body.name,
          isPrivate: request.body.is_private,
          description: request.body.description,
        },
        requestMeta(request),
      );
      return reply.status(201).send(toRepositoryObject(repository));
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
        response: { 200: repositoryPage, ...errorReplies(400, 401, 404) },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { ns } = request.params;
      const { repositories, total } = await listRepositories(ctx, request.principal, ns, page);
      const path = `/v2/namespaces/${encodeURIComponent(ns)}/repositories`;
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, path, page, total),
        results: repositories.map(toRepositoryObject),
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
      return toRepositoryObject(await getRepository(ctx, request.principal, ns, name));
    },
  );

  app.patch(
    '/v2/namespaces/:ns/repositories/:name',
    route({
      summary: 'Change the description (needs push) or the visibility (needs delete: repo:admin)',
      params: repositoryParams,
      body: repositoryUpdateBody,
      response: { 200: repositoryObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const repository = await updateRepositorySettings(
        ctx,
        principalOf(request),
        request.params.ns,
        request.params.name,
        { isPrivate: request.body.is_private, description: request.body.description },
        requestMeta(request),
      );
      return toRepositoryObject(repository);
    },
  );

  app.delete(
    '/v2/namespaces/:ns/repositories/:name',
    route({
      summary: "Delete tokenhub's record of a repository (needs delete); registry data is kept",
      params: repositoryParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      await deleteRepositoryRecord(
        ctx,
        principalOf(request),
        request.params.ns,
        request.params.name,
        requestMeta(request),
      );
      return reply.status(204).send(null);
    },
  );
}

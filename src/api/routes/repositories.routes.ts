/**
 * Repositories under `/v2/namespaces/{ns}/repositories` in Docker Hub's shapes (docs/repositories.md):
 * create, list (`name`, `ordering`), read (open to anonymous callers for public repositories),
 * and tokenhub's own change and delete, the last three also on Docker Hub's older
 * `/v2/repositories/{ns}/{repo}` path; its other older paths are in legacy-repositories.routes.ts. Organization access tokens are not served here (403).
 */

import { normalizeUsername } from '../../core/account-rules.ts';
import { fieldError } from '../../core/errors.ts';
import {
  createRepository,
  deleteRepositoryRecord,
  getRepository,
  updateRepositorySettings,
} from '../../services/repositories/repository.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import {
  namespaceParams,
  repositoryCreateBody,
  repositoryListQuery,
  repositoryObject,
  repositoryPage,
  repositoryParams,
  repositoryUpdateBody,
} from '../contract/repositories.contract.ts';
import { repositoryListPage, toRepositoryObject } from '../repository-objects.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

/** The update Docker's clients send: immutable tags can only be left off. @throws AppError VALIDATION_FAILED */
export function settingsUpdate(body: {
  is_private?: boolean;
  description?: string;
  full_description?: string;
  immutable_tags?: boolean;
}) {
  if (body.immutable_tags === true) {
    throw fieldError('immutable_tags', 'tokenhub has no immutable tags; send false or leave it out');
  }
  return {
    isPrivate: body.is_private,
    description: body.description,
    fullDescription: body.full_description,
  };
}

/** The paths of one repository, with their OpenAPI tag and summaries. */
const oneRepositoryPaths = [
  {
    base: '/v2/namespaces/:ns/repositories/:name',
    tag: 'repositories',
    read: 'Read a repository; a private one the caller may not pull is reported as missing',
    update: 'Change the descriptions (needs push) or the visibility (needs delete) (tokenhub extension)',
    remove:
      "Delete tokenhub's record of a repository (needs delete); registry data is kept (tokenhub extension)",
  },
  {
    base: '/v2/repositories/:ns/:name',
    tag: 'repositories (legacy paths)',
    read: 'Read a repository (the Terraform provider, docker-hub-api)',
    update: 'Change the descriptions (needs push) or the visibility (needs delete)',
    remove: "Delete tokenhub's record of a repository (needs delete); registry data is kept",
  },
] as const;

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
      const { ns } = request.params;
      const { body } = request;
      if (body.namespace !== undefined && normalizeUsername(body.namespace) !== normalizeUsername(ns)) {
        throw fieldError('namespace', `namespace must be ${ns}, the namespace of the path`);
      }
      const input = {
        name: body.name,
        isPrivate: body.is_private,
        description: body.description,
        fullDescription: body.full_description,
      };
      const view = await createRepository(ctx, principalOf(request), ns, input, requestMeta(request));
      return reply.status(201).send(toRepositoryObject(view));
    },
  );

  app.get(
    '/v2/namespaces/:ns/repositories',
    {
      preHandler: anyoneMayRead,
      schema: {
        tags,
        security: optionalSecurity,
        summary: 'List the repositories of a namespace that the caller may pull',
        params: namespaceParams,
        querystring: repositoryListQuery,
        response: { 200: repositoryPage, ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { ns } = request.params;
      const path = `/v2/namespaces/${encodeURIComponent(ns)}/repositories`;
      return repositoryListPage(ctx, request.principal, ns, request.query, path);
    },
  );

  // One repository, on Docker Hub's namespaced path and on its older one (hub-tool, the Terraform
  // provider and docker-hub-api call the latter; legacy-repositories.routes.ts has its other routes).
  for (const path of oneRepositoryPaths) {
    const routeOn = guardedRoute(guard(['password', 'pat']), path.tag);
    app.get(
      path.base,
      {
        preHandler: anyoneMayRead,
        schema: {
          tags: [path.tag],
          security: optionalSecurity,
          summary: path.read,
          params: repositoryParams,
          response: { 200: repositoryObject, ...errorReplies(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { ns, name } = request.params;
        return toRepositoryObject(await getRepository(ctx, request.principal, ns, name));
      },
    );

    app.patch(
      path.base,
      routeOn({
        summary: path.update,
        params: repositoryParams,
        body: repositoryUpdateBody,
        response: { 200: repositoryObject, ...errorReplies(400, 401, 403, 404) },
      }),
      async (request) => {
        const { ns, name } = request.params;
        const update = settingsUpdate(request.body);
        const view = await updateRepositorySettings(
          ctx,
          principalOf(request),
          ns,
          name,
          update,
          requestMeta(request),
        );
        return toRepositoryObject(view);
      },
    );

    app.delete(
      path.base,
      routeOn({
        summary: path.remove,
        params: repositoryParams,
        response: noContentReplies(400, 401, 403, 404),
      }),
      async (request, reply) => {
        const { ns, name } = request.params;
        await deleteRepositoryRecord(ctx, principalOf(request), ns, name, requestMeta(request));
        return reply.status(204).send(null);
      },
    );
  }
}

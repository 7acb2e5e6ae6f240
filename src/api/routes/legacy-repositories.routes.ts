/**
 * Docker Hub's older repository paths, which hub-tool, the Terraform provider and docker-hub-api
 * still use: `GET /v2/repositories/{ns}/` (list), `POST /v2/repositories/` (create, the namespace
 * in the body), `POST /v2/repositories/{ns}/{repo}/privacy` and `GET /v2/users/{username}/repositories/`
 * (`GET`/`PATCH`/`DELETE /v2/repositories/{ns}/{repo}/` are registered with the namespaced ones in
 * repositories.routes.ts). The same services and shapes as
 * `/v2/namespaces/{ns}/repositories`; organization access tokens are refused here, as Docker Hub
 * refuses them on these paths.
 */
import {
  createRepository,
  updateRepositorySettings,
} from '../../services/repositories/repository.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { errorReplies } from '../contract/common.contract.ts';
import { profileParams } from '../contract/profiles.contract.ts';
import {
  legacyRepositoryCreateBody,
  namespaceParams,
  privacyBody,
  repositoryListQuery,
  repositoryObject,
  repositoryPage,
  repositoryParams,
} from '../contract/repositories.contract.ts';
import { repositoryListPage, toRepositoryObject } from '../repository-objects.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

export async function legacyRepositoryRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const tags = ['repositories (legacy paths)'];
  const anyoneMayRead = guard(['password', 'pat'], { optional: true });
  // The empty requirement marks the reads as open to anonymous callers in the OpenAPI document.
  const security: Record<string, string[]>[] = [{ bearer: [] }, {}];
  const route = guardedRoute(guard(['password', 'pat']), tags[0] ?? '');
  const listReply = { 200: repositoryPage, ...errorReplies(400, 401, 403, 404) };

  app.get(
    '/v2/repositories/:ns',
    {
      preHandler: anyoneMayRead,
      schema: {
        tags,
        security,
        summary: "List a namespace's repositories (hub-tool's repo ls, the Terraform provider)",
        params: namespaceParams,
        querystring: repositoryListQuery,
        response: listReply,
      },
    },
    async (request) => {
      const { ns } = request.params;
      const path = `/v2/repositories/${encodeURIComponent(ns)}`;
      return repositoryListPage(ctx, request.principal, ns, request.query, path);
    },
  );

  app.get(
    '/v2/users/:username/repositories',
    {
      preHandler: anyoneMayRead,
      schema: {
        tags,
        security,
        summary: "List a user's or an organization's repositories (docker-hub-api)",
        params: profileParams,
        querystring: repositoryListQuery,
        response: listReply,
      },
    },
    async (request) => {
      const { username } = request.params;
      const path = `/v2/users/${encodeURIComponent(username)}/repositories`;
      return repositoryListPage(ctx, request.principal, username, request.query, path);
    },
  );

  app.post(
    '/v2/repositories',
    route({
      summary: 'Create a repository, the namespace in the body (docker-hub-api)',
      body: legacyRepositoryCreateBody,
      response: { 201: repositoryObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const { body } = request;
      const input = {
        name: body.name,
        isPrivate: body.is_private,
        description: body.description,
        fullDescription: body.full_description,
      };
      const view = await createRepository(
        ctx,
        principalOf(request),
        body.namespace,
        input,
        requestMeta(request),
      );
      return reply.status(201).send(toRepositoryObject(view));
    },
  );

  app.post(
    '/v2/repositories/:ns/:name/privacy',
    route({
      summary: 'Make a repository private or public (needs delete; the Terraform provider)',
      params: repositoryParams,
      body: privacyBody,
      response: { 200: repositoryObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { ns, name } = request.params;
      const update = { isPrivate: request.body.is_private };
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
}

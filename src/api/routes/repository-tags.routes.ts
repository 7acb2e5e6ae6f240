/**
 * A repository's tags, read from the registry (`TOKENHUB_REGISTRY_URL`) with what its notifications
 * reported: `GET /v2/namespaces/{ns}/repositories/{repo}/tags[/{tag}]` (Docker's document) and
 * `GET /v2/repositories/{ns}/{repo}/tags[/{tag}]` (hub-tool, the Terraform provider,
 * docker-hub-api). HEAD answers the same without a body. Readable as the repository is; hub-tool's
 * `DELETE /v2/repositories/{ns}/{repo}/tags/{tag}/` deletes one (registry/repository-tags.ts).
 */
import { AppError } from '../../core/errors.ts';
import { contentTypesOf, tagActivity } from '../../core/repository-facts.ts';
import {
  deleteRepositoryTag,
  getRepositoryTag,
  listRepositoryTags,
  type TagView,
} from '../../registry/repository-tags.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import { repositoryParams } from '../contract/repositories.contract.ts';
import { type TagObject, tagListQuery, tagObject, tagPage, tagParams } from '../contract/tags.contract.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';

function toTagObject({ registry, facts }: TagView, now: Date): TagObject {
  const status = tagActivity(facts, now);
  const lastPulled = facts?.pulledAt ?? null;
  const lastPushed = facts?.pushedAt ?? null;
  return {
    id: 0,
    images: registry.images.map((image) => ({
      architecture: image.architecture,
      features: '',
      variant: image.variant,
      digest: image.digest,
      layers: image.layers.map((layer) => ({ ...layer, instruction: '' })),
      os: image.os,
      os_features: '',
      os_version: image.osVersion,
      size: image.size,
      status,
      last_pulled: lastPulled,
      last_pushed: lastPushed,
    })),
    creator: 0,
    last_updated: lastPushed,
    last_updater: 0,
    last_updater_username: facts?.pushedBy ?? '',
    name: registry.name,
    repository: 0,
    full_size: registry.fullSize,
    v2: true,
    status,
    tag_status: status,
    tag_last_pulled: lastPulled,
    tag_last_pushed: lastPushed,
    media_type: registry.mediaType,
    content_type: contentTypesOf([registry.mediaType])[0] ?? 'image',
    digest: registry.digest,
  };
}

export async function repositoryTagRoutes(
  app: App,
  { ctx, guard, registryReader }: RouteDeps,
): Promise<void> {
  const preHandler = guard(['password', 'pat'], { optional: true });
  const security: Record<string, string[]>[] = [{ bearer: [] }, {}];
  const tags = ['repositories'];

  for (const base of ['/v2/namespaces/:ns/repositories/:name', '/v2/repositories/:ns/:name']) {
    const legacy = base.startsWith('/v2/repositories') ? ' (legacy path)' : '';
    app.get(
      `${base}/tags`,
      {
        preHandler,
        schema: {
          tags,
          security,
          summary: `List a repository's tags as the registry holds them, by name or last push${legacy}`,
          params: repositoryParams,
          querystring: tagListQuery,
          response: { 200: tagPage, ...errorReplies(400, 401, 403, 404, 502) },
        },
      },
      async (request) => {
        const { ns, name } = request.params;
        const page = pageRequest(request.query);
        const path = { namespace: ns, name };
        const { ordering } = request.query;
        const { tags: found, total } = await listRepositoryTags(
          ctx,
          registryReader,
          request.principal,
          path,
          page,
          ordering,
        );
        if (page.page > 1 && page.offset >= total) {
          throw new AppError('NOT_FOUND', `page ${page.page} is past the last page of ${ns}/${name}'s tags`);
        }
        const url = base.replace(':ns', encodeURIComponent(ns)).replace(':name', encodeURIComponent(name));
        const now = ctx.clock.now();
        return {
          count: total,
          ...pageLinks(ctx.config.publicUrl, `${url}/tags`, page, total, { ordering }),
          results: found.map((tag) => toTagObject(tag, now)),
        };
      },
    );

    app.get(
      `${base}/tags/:tag`,
      {
        preHandler,
        schema: {
          tags,
          security,
          summary: `Read one tag of a repository${legacy}`,
          params: tagParams,
          response: { 200: tagObject, ...errorReplies(400, 401, 403, 404, 502) },
        },
      },
      async (request) => {
        const { ns, name, tag } = request.params;
        const view = await getRepositoryTag(
          ctx,
          registryReader,
          request.principal,
          { namespace: ns, name },
          tag,
        );
        return toTagObject(view, ctx.clock.now());
      },
    );
  }

  app.delete(
    '/v2/repositories/:ns/:name/tags/:tag',
    {
      preHandler: guard(['password', 'pat']),
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "Delete a tag (hub-tool's tag rm): the registry deletes the image the tag names",
        description:
          'Needs delete on the repository (a PAT session: repo:admin). The registry deletes manifests, not tags, so a tag naming the same image as another tag is refused with 409, naming them. The registry must allow deletes (`storage.delete.enabled`).',
        params: tagParams,
        response: noContentReplies(400, 401, 403, 404, 409, 502),
      },
    },
    async (request, reply) => {
      const { ns, name, tag } = request.params;
      await deleteRepositoryTag(
        ctx,
        registryReader,
        principalOf(request),
        { namespace: ns, name },
        tag,
        requestMeta(request),
      );
      return reply.status(204).send();
    },
  );
}

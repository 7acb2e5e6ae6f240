/**
 * Docker Hub's repository permissions of groups, addressed from the repository:
 * `POST /v2/repositories/{ns}/{repo}/groups {group_id, permission}` (Docker's document), and the
 * `GET`/`PATCH`/`DELETE …/groups/{group_id}` the Terraform provider calls. `ns` must be an
 * organization; the group is named by its integer id. Reads need group-read, changes
 * repo-permission-edit (owners and editors), as the same permissions under
 * `/v2/orgs/{org}/groups/{group}/repositories`.
 */
import type { OrgGroup } from '../../core/organization-rules.ts';
import {
  getGroupRepositoryPermission,
  removeGroupRepositoryPermission,
  requireGroupByNumber,
  setGroupRepositoryPermission,
} from '../../services/orgs/org-group.service.ts';
import type { GroupRepositoryPermission } from '../../storage/org-group.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import {
  type RepositoryGroupObject,
  repositoryGroupCreateBody,
  repositoryGroupObject,
  repositoryGroupParams,
  repositoryGroupsParams,
  repositoryGroupUpdateBody,
} from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { requestMeta } from '../request-meta.ts';

function toRepositoryGroupObject(group: OrgGroup, grant: GroupRepositoryPermission): RepositoryGroupObject {
  return { group_name: group.name, permission: grant.permission, group_id: group.number };
}

export async function repositoryGroupRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const route = orgRouteOptions(guard, 'organization groups');
  const path = '/v2/repositories/:ns/:repo/groups';

  app.post(
    path,
    route({
      summary: "Give a group (team) a permission on one of the organization's repositories",
      description: 'Replaces the permission the group had there. The repository need not exist yet.',
      params: repositoryGroupsParams,
      body: repositoryGroupCreateBody,
      response: { 200: repositoryGroupObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { ns, repo } = request.params;
      const { org, actor } = await authorizeOrgRequest(ctx, request, ns, 'repo-permission-edit');
      const group = await requireGroupByNumber(ctx, org, request.body.group_id);
      const { permission } = request.body;
      const grant = await setGroupRepositoryPermission(
        ctx,
        org,
        group.name,
        repo,
        permission,
        actor,
        requestMeta(request),
      );
      return toRepositoryGroupObject(group, grant);
    },
  );

  app.get(
    `${path}/:group_id`,
    route({
      summary: "A group's permission on a repository (the Terraform provider's read)",
      params: repositoryGroupParams,
      response: { 200: repositoryGroupObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { ns, repo, group_id: number } = request.params;
      const { org } = await authorizeOrgRequest(ctx, request, ns, 'group-read');
      const group = await requireGroupByNumber(ctx, org, number);
      return toRepositoryGroupObject(group, await getGroupRepositoryPermission(ctx, org, group, repo));
    },
  );

  app.patch(
    `${path}/:group_id`,
    route({
      summary: "Change a group's permission on a repository (it must have one)",
      params: repositoryGroupParams,
      body: repositoryGroupUpdateBody,
      response: { 200: repositoryGroupObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { ns, repo, group_id: number } = request.params;
      const { org, actor } = await authorizeOrgRequest(ctx, request, ns, 'repo-permission-edit');
      const group = await requireGroupByNumber(ctx, org, number);
      await getGroupRepositoryPermission(ctx, org, group, repo);
      const { permission } = request.body;
      const grant = await setGroupRepositoryPermission(
        ctx,
        org,
        group.name,
        repo,
        permission,
        actor,
        requestMeta(request),
      );
      return toRepositoryGroupObject(group, grant);
    },
  );

  app.delete(
    `${path}/:group_id`,
    route({
      summary: "Remove a group's permission on a repository",
      params: repositoryGroupParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { ns, repo, group_id: number } = request.params;
      const { org, actor } = await authorizeOrgRequest(ctx, request, ns, 'repo-permission-edit');
      const group = await requireGroupByNumber(ctx, org, number);
      await removeGroupRepositoryPermission(ctx, org, group.name, repo, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

/**
 * Organization groups (Docker Hub's teams, `/v2/orgs/{org}/groups`): the groups, their members, and
 * their permissions on the organization's repositories. Reads need group-read, changes group-edit
 * (`authorizeOrgAction`). Listing and removing a group's repository permissions (GET and DELETE on
 * `…/repositories`) are tokenhub additions.
 */
import { Type } from 'typebox';
import { normalizeGroupName } from '../../core/organization-rules.ts';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  listGroupRepositoryPermissions,
  listGroups,
  listMembersOfGroup,
  removeGroupMember,
  removeGroupRepositoryPermission,
  setGroupRepositoryPermission,
} from '../../services/orgs/org-group.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { errorReplies, noContentReplies, pageOf, paginationQuery } from '../contract/common.contract.ts';
import {
  type GroupObject,
  groupCreateBody,
  groupMemberObject,
  groupMemberParams,
  groupObject,
  groupParams,
  groupPermission,
  groupRepositoryParams,
  orgParams,
  repositoryPermissionObject,
} from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';

export async function orgGroupRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const route = orgRouteOptions(guard, 'organization groups');
  const base = (org: string) => `/v2/orgs/${org}/groups`;

  app.get(
    '/v2/orgs/:org/groups',
    route({
      summary: "List the organization's groups, by name",
      params: orgParams,
      querystring: paginationQuery,
      response: { 200: pageOf(groupObject), ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-read');
      const page = pageRequest(request.query);
      const { groups, total } = await listGroups(ctx, org, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, base(org.name), page, total),
        results: groups.map(
          (group): GroupObject => ({
            id: group.id,
            name: group.name,
            created_at: group.createdAt,
            member_count: group.memberCount,
          }),
        ),
      };
    },
  );

  app.post(
    '/v2/orgs/:org/groups',
    route({
      summary: 'Create a group',
      params: orgParams,
      body: groupCreateBody,
      response: { 201: groupObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const group = await createGroup(ctx, org, request.body.name, actor, requestMeta(request));
      const created: GroupObject = {
        id: group.id,
        name: group.name,
        created_at: group.createdAt,
        member_count: 0,
      };
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/v2/orgs/:org/groups/:group',
    route({
      summary: 'Delete a group with its member list and repository permissions',
      params: groupParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      await deleteGroup(ctx, org, request.params.group, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v2/orgs/:org/groups/:group/members',
    route({
      summary: "List a group's members, by username",
      params: groupParams,
      querystring: paginationQuery,
      response: { 200: pageOf(groupMemberObject), ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-read');
      const page = pageRequest(request.query);
      const { members, total } = await listMembersOfGroup(ctx, org, request.params.group, page);
      const path = `${base(org.name)}/${encodeURIComponent(normalizeGroupName(request.params.group))}/members`;
      return { count: total, ...pageLinks(ctx.config.publicUrl, path, page, total), results: members };
    },
  );

  app.post(
    '/v2/orgs/:org/groups/:group/members',
    route({
      summary: 'Add a member of the organization to a group',
      params: groupParams,
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
      response: { 201: groupMemberObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const { group } = request.params;
      const member = await addGroupMember(
        ctx,
        org,
        group,
        request.body.username,
        actor,
        requestMeta(request),
      );
      return reply.status(201).send(member);
    },
  );

  app.delete(
    '/v2/orgs/:org/groups/:group/members/:username',
    route({
      summary: 'Remove a user from a group (they stay in the organization)',
      params: groupMemberParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const { group, username } = request.params;
      await removeGroupMember(ctx, org, group, username, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v2/orgs/:org/groups/:group/repositories',
    route({
      summary: "List a group's repository permissions (tokenhub extension)",
      params: groupParams,
      querystring: paginationQuery,
      response: { 200: pageOf(repositoryPermissionObject), ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-read');
      const page = pageRequest(request.query);
      const { permissions, total } = await listGroupRepositoryPermissions(
        ctx,
        org,
        request.params.group,
        page,
      );
      const path = `${base(org.name)}/${encodeURIComponent(normalizeGroupName(request.params.group))}/repositories`;
      return { count: total, ...pageLinks(ctx.config.publicUrl, path, page, total), results: permissions };
    },
  );

  app.put(
    '/v2/orgs/:org/groups/:group/repositories/:repo',
    route({
      summary: "Set a group's permission on one of the organization's repositories",
      description: 'The repository need not exist yet: a group with write permission may push it first.',
      params: groupRepositoryParams,
      body: Type.Object({ permission: groupPermission }),
      response: { 200: repositoryPermissionObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const { group, repo } = request.params;
      return setGroupRepositoryPermission(
        ctx,
        org,
        group,
        repo,
        request.body.permission,
        actor,
        requestMeta(request),
      );
    },
  );

  app.delete(
    '/v2/orgs/:org/groups/:group/repositories/:repo',
    route({
      summary: "Remove a group's permission on a repository (tokenhub extension)",
      params: groupRepositoryParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const { group, repo } = request.params;
      await removeGroupRepositoryPermission(ctx, org, group, repo, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

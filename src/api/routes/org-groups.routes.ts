/**
 * Organization groups (Docker Hub's teams, `/v2/orgs/{org}/groups`): the groups, their members, and
 * their permissions on the organization's repositories. Reads need group-read, changes group-edit,
 * permissions on repositories repo-permission-edit (editors too) (`authorizeOrgAction`). The
 * `…/repositories` routes under a group are tokenhub's; Docker Hub's
 * `/v2/repositories/{ns}/{repo}/groups` are in repository-groups.routes.ts.
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { fieldError } from '../../core/errors.ts';
import { normalizeGroupName, type OrgGroup } from '../../core/organization-rules.ts';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  getGroup,
  listGroupRepositoryPermissions,
  listGroups,
  listMembersOfGroup,
  removeGroupMember,
  removeGroupRepositoryPermission,
  setGroupRepositoryPermission,
  updateGroup,
} from '../../services/orgs/org-group.service.ts';
import type { GroupMember } from '../../storage/org-group.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { errorReplies, noContentReplies, pageOf, paginationQuery } from '../contract/common.contract.ts';
import {
  type GroupMemberObject,
  type GroupObject,
  groupCreateBody,
  groupListQuery,
  groupMemberAddBody,
  groupMemberObject,
  groupMemberParams,
  groupObject,
  groupParams,
  groupPatchBody,
  groupPermission,
  groupReplaceBody,
  groupRepositoryParams,
  orgParams,
  repositoryPermissionObject,
} from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { blankProfile, capitalizedRole } from './account-profiles.routes.ts';
import { seesAddresses } from './org-members.routes.ts';

export function toGroupObject(group: OrgGroup & { memberCount: number }): GroupObject {
  return {
    id: group.number,
    uuid: group.id,
    name: group.name,
    description: group.description,
    member_count: group.memberCount,
    created_at: group.createdAt,
  };
}

function toGroupMemberObject(member: GroupMember, withEmail: boolean): GroupMemberObject {
  const object = {
    ...blankProfile,
    id: member.userId,
    date_joined: member.userCreatedAt,
    type: 'User' as const,
    username: member.username,
    role: capitalizedRole[member.role],
  };
  return withEmail ? { ...object, email: member.email } : object;
}

/**
 * hub-tool decodes a group's member list as a plain array (Docker Hub's earlier answer), the
 * Terraform provider as a page: the array goes to hub-tool's user agent when it asks for no page.
 */
function wantsPlainList(request: FastifyRequest): boolean {
  const agent = request.headers['user-agent'] ?? '';
  // The raw query: the parsed one already holds the defaults.
  const asked = new URLSearchParams(request.url.split('?')[1] ?? '');
  return agent.startsWith('hub-tool/') && !asked.has('page') && !asked.has('page_size');
}

/** Every member at once, for the plain list. */
const allRows = { limit: Number.MAX_SAFE_INTEGER, offset: 0 };

export async function orgGroupRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const route = orgRouteOptions(guard, 'organization groups');
  const base = (org: string) => `/v2/orgs/${org}/groups`;
  const groupPath = (org: string, group: string) =>
    `${base(org)}/${encodeURIComponent(normalizeGroupName(group))}`;

  app.get(
    '/v2/orgs/:org/groups',
    route({
      summary: "List the organization's groups, by name",
      params: orgParams,
      querystring: groupListQuery,
      response: { 200: pageOf(groupObject), ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-read');
      const page = pageRequest(request.query);
      const { username, search } = request.query;
      const { groups, total } = await listGroups(ctx, org, { username, search }, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, base(org.name), page, total, { username, search }),
        results: groups.map(toGroupObject),
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
      const group = await createGroup(ctx, org, request.body, actor, requestMeta(request));
      return reply.status(201).send(toGroupObject({ ...group, memberCount: 0 }));
    },
  );

  app.get(
    '/v2/orgs/:org/groups/:group',
    route({
      summary: 'Read a group',
      params: groupParams,
      response: { 200: groupObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-read');
      return toGroupObject(await getGroup(ctx, org, request.params.group));
    },
  );

  for (const [method, body, summary] of [
    ['PUT', groupReplaceBody, 'Rename a group and set its description'],
    ['PATCH', groupPatchBody, "Change a group's name or description"],
  ] as const) {
    app.route({
      method,
      url: '/v2/orgs/:org/groups/:group',
      ...route({
        summary,
        params: groupParams,
        body,
        response: { 200: groupObject, ...errorReplies(400, 401, 403, 404, 409) },
      }),
      handler: async (request) => {
        const { org: orgName, group: name } = request.params as { org: string; group: string };
        const { org, actor } = await authorizeOrgRequest(ctx, request, orgName, 'group-edit');
        const changes = request.body as { name?: string; description?: string };
        return toGroupObject(await updateGroup(ctx, org, name, changes, actor, requestMeta(request)));
      },
    });
  }

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
      description:
        "A page, as Docker's document and the Terraform provider have it; to hub-tool's user agent without `page` or `page_size`, a plain array of every member (what hub-tool decodes).",
      params: groupParams,
      querystring: paginationQuery,
      response: {
        200: Type.Union([pageOf(groupMemberObject), Type.Array(groupMemberObject)]),
        ...errorReplies(400, 401, 403, 404),
      },
    }),
    async (request) => {
      const { org, principal, role } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        'group-read',
      );
      const withEmail = seesAddresses(principal, role);
      const { group } = request.params;
      if (wantsPlainList(request)) {
        const { members } = await listMembersOfGroup(ctx, org, group, allRows);
        return members.map((member) => toGroupMemberObject(member, withEmail));
      }
      const page = pageRequest(request.query);
      const { members, total } = await listMembersOfGroup(ctx, org, group, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, `${groupPath(org.name, group)}/members`, page, total),
        results: members.map((member) => toGroupMemberObject(member, withEmail)),
      };
    },
  );

  app.post(
    '/v2/orgs/:org/groups/:group/members',
    route({
      summary: 'Add a member of the organization to a group',
      params: groupParams,
      body: groupMemberAddBody,
      response: { 200: groupMemberObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request) => {
      const { org, actor, principal, role } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        'group-edit',
      );
      const username = request.body.member ?? request.body.username;
      if (username === undefined) throw fieldError('member', 'member is required: the username to add');
      const member = await addGroupMember(
        ctx,
        org,
        request.params.group,
        username,
        actor,
        requestMeta(request),
      );
      return toGroupMemberObject(member, seesAddresses(principal, role));
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
      const path = `${groupPath(org.name, request.params.group)}/repositories`;
      return { count: total, ...pageLinks(ctx.config.publicUrl, path, page, total), results: permissions };
    },
  );

  app.put(
    '/v2/orgs/:org/groups/:group/repositories/:repo',
    route({
      summary: "Set a group's permission on one of the organization's repositories (tokenhub extension)",
      description: 'The repository need not exist yet: a group with write permission may push it first.',
      params: groupRepositoryParams,
      body: Type.Object({ permission: groupPermission }),
      response: { 200: repositoryPermissionObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org, actor } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        'repo-permission-edit',
      );
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
      const { org, actor } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        'repo-permission-edit',
      );
      const { group, repo } = request.params;
      await removeGroupRepositoryPermission(ctx, org, group, repo, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

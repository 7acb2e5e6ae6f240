/**
 * Organization groups (Docker Hub's teams, `/v2/orgs/{org}/groups`): the groups, their members, and
 * their permissions on the organization's repositories. Reads need group-read, changes group-edit
 * (`authorizeOrgAction`). Listing and removing a group's repository permissions (GET and DELETE on
 * `…/repositories`) are tokenhub additions.
 */
import { type TSchema, Type } from 'typebox';
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  listGroupRepositoryPermissions,
  listGroups,
  listMembersOfGroup,
  normalizeGroupName,
  removeGroupMember,
  removeGroupRepositoryPermission,
  setGroupRepositoryPermission,
} from '../../services/orgs/org-group.service.ts';
import { auditActorOf } from '../../services/orgs/org-membership.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { authorizeOrgRequest } from '../org-auth.ts';
import { pageLinks, pageRequest, paginationQuery } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { errorReplies } from '../schemas.ts';
import { orgRole } from './org-members.routes.ts';
import { orgParams } from './orgs.routes.ts';

const nullableString = Type.Union([Type.String(), Type.Null()]);
const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer(),
    next: nullableString,
    previous: nullableString,
    results: Type.Array(item),
  });

const groupObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  member_count: Type.Integer(),
});
const groupMemberObject = Type.Object({ username: Type.String(), role: orgRole });
const permission = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')], {
  description: 'read: pull; write: pull and push; admin: pull, push and delete.',
});
const repositoryPermissionObject = Type.Object({
  repository: Type.String({ description: 'The name below the organization (`api` for `acme/api`).' }),
  permission,
});

const groupParams = Type.Object({
  ...orgParams.properties,
  group: Type.String({ minLength: 1, maxLength: 64 }),
});
const groupMemberParams = Type.Object({
  ...groupParams.properties,
  username: Type.String({ minLength: 1, maxLength: 64 }),
});
const groupRepositoryParams = Type.Object({
  ...groupParams.properties,
  repo: Type.String({ minLength: 1, maxLength: 255, description: 'Repository name below the organization.' }),
});

export async function orgGroupRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const tags = ['organization groups'];
  const security = [{ bearer: [] }];
  const anySession = guard(['password', 'pat', 'oat']);
  const base = (org: string) => `/v2/orgs/${org}/groups`;

  app.get(
    '/v2/orgs/:org/groups',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: "List the organization's groups, by name",
        params: orgParams,
        querystring: paginationQuery,
        response: { 200: pageOf(groupObject), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-read');
      const page = pageRequest(request.query);
      const { rows, total } = await listGroups(ctx, org, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, base(org.name), page, total),
        results: rows.map(({ id, name, created_at, member_count }) => ({
          id,
          name,
          created_at,
          member_count,
        })),
      };
    },
  );

  app.post(
    '/v2/orgs/:org/groups',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Create a group',
        params: orgParams,
        body: Type.Object({
          name: Type.String({ maxLength: 256, description: '1-64 characters: a-z, 0-9, ".", "_", "-".' }),
        }),
        response: { 201: groupObject, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { org, principal } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const actor = await auditActorOf(ctx, principal);
      const row = await createGroup(ctx, org, request.body.name, actor, requestMeta(request));
      return reply
        .status(201)
        .send({ id: row.id, name: row.name, created_at: row.created_at, member_count: 0 });
    },
  );

  app.delete(
    '/v2/orgs/:org/groups/:group',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Delete a group with its member list and repository permissions',
        params: groupParams,
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { org, principal } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const actor = await auditActorOf(ctx, principal);
      await deleteGroup(ctx, org, request.params.group, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v2/orgs/:org/groups/:group/members',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: "List a group's members, by username",
        params: groupParams,
        querystring: paginationQuery,
        response: { 200: pageOf(groupMemberObject), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-read');
      const page = pageRequest(request.query);
      const { rows, total } = await listMembersOfGroup(ctx, org, request.params.group, page);
      const path = `${base(org.name)}/${encodeURIComponent(normalizeGroupName(request.params.group))}/members`;
      return { count: total, ...pageLinks(ctx.config.publicUrl, path, page, total), results: rows };
    },
  );

  app.post(
    '/v2/orgs/:org/groups/:group/members',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Add a member of the organization to a group',
        params: groupParams,
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 201: groupMemberObject, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { org, principal } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const actor = await auditActorOf(ctx, principal);
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
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Remove a user from a group (they stay in the organization)',
        params: groupMemberParams,
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { org, principal } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const actor = await auditActorOf(ctx, principal);
      const { group, username } = request.params;
      await removeGroupMember(ctx, org, group, username, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v2/orgs/:org/groups/:group/repositories',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: "List a group's repository permissions (tokenhub extension)",
        params: groupParams,
        querystring: paginationQuery,
        response: { 200: pageOf(repositoryPermissionObject), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-read');
      const page = pageRequest(request.query);
      const { rows, total } = await listGroupRepositoryPermissions(ctx, org, request.params.group, page);
      const path = `${base(org.name)}/${encodeURIComponent(normalizeGroupName(request.params.group))}/repositories`;
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, path, page, total),
        results: rows.map(({ repository, permission }) => ({ repository, permission })),
      };
    },
  );

  app.put(
    '/v2/orgs/:org/groups/:group/repositories/:repo',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: "Set a group's permission on one of the organization's repositories",
        description: 'The repository need not exist yet: a group with write permission may push it first.',
        params: groupRepositoryParams,
        body: Type.Object({ permission }),
        response: { 200: repositoryPermissionObject, ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { org, principal } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const actor = await auditActorOf(ctx, principal);
      const { group, repo } = request.params;
      const row = await setGroupRepositoryPermission(
        ctx,
        org,
        group,
        repo,
        request.body.permission,
        actor,
        requestMeta(request),
      );
      return { repository: row.repository, permission: row.permission };
    },
  );

  app.delete(
    '/v2/orgs/:org/groups/:group/repositories/:repo',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: "Remove a group's permission on a repository (tokenhub extension)",
        params: groupRepositoryParams,
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { org, principal } = await authorizeOrgRequest(ctx, request, request.params.org, 'group-edit');
      const actor = await auditActorOf(ctx, principal);
      const { group, repo } = request.params;
      await removeGroupRepositoryPermission(ctx, org, group, repo, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

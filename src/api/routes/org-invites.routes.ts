/**
 * Organization invites: owners (invite-read / invite-edit in `authorizeOrgAction`) send, list and
 * cancel them under `/v2/orgs/{org}/invites`; the invitee accepts or declines with a password
 * session at `/v2/invites/{id}/accept|decline` and lists theirs at `GET /v2/users/me/invites`
 * (both tokenhub's own routes). An invite addressed to someone else answers 404, never 403, so
 * invites are not revealed.
 */
import { Type } from 'typebox';
import type { OrgInvite } from '../../core/organization-rules.ts';
import {
  acceptInvite,
  cancelInvite,
  createInvite,
  declineInvite,
  listInvites,
  listMyInvites,
} from '../../services/orgs/org-invite.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf, principalOf } from '../auth.ts';
import { errorReplies, noContentReplies, paginationQuery } from '../contract/common.contract.ts';
import {
  type InviteObject,
  inviteCreateBody,
  inviteObject,
  invitePage,
  inviteParams,
  memberObject,
  orgInviteParams,
  orgParams,
} from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { toMemberObject } from './org-members.routes.ts';

function toInviteObject(invite: OrgInvite): InviteObject {
  return {
    id: invite.id,
    org: invite.orgName,
    invitee: invite.invitee,
    role: invite.role,
    invited_by: invite.invitedByName,
    created_at: invite.createdAt,
  };
}

export async function orgInviteRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const tags = ['organization invites'];
  const security = [{ bearer: [] }];
  const route = orgRouteOptions(guard, 'organization invites');
  const passwordOnly = guard(['password']);

  app.get(
    '/v2/orgs/:org/invites',
    route({
      summary: "List the organization's pending invites, newest first",
      params: orgParams,
      querystring: paginationQuery,
      response: { 200: invitePage, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'invite-read');
      const page = pageRequest(request.query);
      const { invites, total } = await listInvites(ctx, org, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, `/v2/orgs/${org.name}/invites`, page, total),
        results: invites.map(toInviteObject),
      };
    },
  );

  app.post(
    '/v2/orgs/:org/invites',
    route({
      summary: 'Invite a user (by username) or a person (by email address) to join',
      params: orgParams,
      body: inviteCreateBody,
      response: { 201: inviteObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'invite-edit');
      const invite = await createInvite(ctx, org, request.body, actor, requestMeta(request));
      return reply.status(201).send(toInviteObject(invite));
    },
  );

  app.delete(
    '/v2/orgs/:org/invites/:id',
    route({
      summary: 'Cancel a pending invite',
      params: orgInviteParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { org, actor } = await authorizeOrgRequest(ctx, request, request.params.org, 'invite-edit');
      await cancelInvite(ctx, org, request.params.id, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v2/users/me/invites',
    {
      config,
      preHandler: guard(['password', 'pat']),
      schema: {
        tags,
        security,
        summary: 'List the invites addressed to me (tokenhub extension)',
        response: { 200: Type.Object({ results: Type.Array(inviteObject) }), ...errorReplies(401, 403) },
      },
    },
    async (request) => ({ results: (await listMyInvites(ctx, accountOf(request))).map(toInviteObject) }),
  );

  app.post(
    '/v2/invites/:id/accept',
    {
      config,
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: "Accept an invite addressed to me: I join with the invite's role (tokenhub extension)",
        params: inviteParams,
        response: { 200: memberObject, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    // The new member's own view, so with their own address whatever their role.
    async (request) => {
      const user = accountOf(request);
      const member = await acceptInvite(ctx, user, request.params.id, requestMeta(request));
      return toMemberObject(member, principalOf(request), 'owner');
    },
  );

  app.post(
    '/v2/invites/:id/decline',
    {
      config,
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: 'Decline an invite addressed to me (tokenhub extension)',
        params: inviteParams,
        response: noContentReplies(400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      await declineInvite(ctx, accountOf(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

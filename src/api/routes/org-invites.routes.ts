/**
 * Organization invites: owners (invite-read / invite-edit in `authorizeOrgAction`) list them at
 * `GET /v2/orgs/{org}/invites`, send them with Docker Hub's `POST /v2/invites/bulk` (or tokenhub's
 * `POST /v2/orgs/{org}/invites`), cancel them (`DELETE /v2/invites/{id}`, or under the
 * organization) and send them again (`PATCH /v2/invites/{id}/resend`); the invitee accepts or
 * declines with a password session at `/v2/invites/{id}/accept|decline` and lists theirs at
 * `GET /v2/users/me/invites` (tokenhub's own routes). An invite addressed to someone else answers
 * 404, never 403, so invites are not revealed.
 */
import { Type } from 'typebox';
import { mayManageOwners, type OrgInvite } from '../../core/organization-rules.ts';
import {
  acceptInvite,
  cancelInvite,
  createInvite,
  declineInvite,
  findInviteAndOrg,
  listInvites,
  listMyInvites,
  resendInvite,
} from '../../services/orgs/org-invite.service.ts';
import { inviteMany } from '../../services/orgs/org-invite-bulk.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import {
  bulkInviteBody,
  bulkInviteReply,
  type InviteObject,
  inviteCreateBody,
  inviteList,
  inviteObject,
  inviteParams,
  memberObject,
  orgInviteParams,
  orgParams,
} from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { requestMeta } from '../request-meta.ts';
import { toMemberObject } from './org-members.routes.ts';

function toInviteObject(invite: OrgInvite): InviteObject {
  return {
    id: invite.id,
    inviter_username: invite.invitedByName ?? '',
    invitee: invite.invitee,
    org: invite.orgName,
    team: invite.groupName ?? '',
    created_at: invite.createdAt,
    role: invite.role,
    invited_by: invite.invitedByName,
  };
}

/** Every pending invite at once: Docker Hub's invite list is not paged, and an organization has few. */
const allInvites = { limit: Number.MAX_SAFE_INTEGER, offset: 0 };

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
      response: { 200: inviteList, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'invite-read');
      const { invites } = await listInvites(ctx, org, allInvites);
      return { data: invites.map(toInviteObject) };
    },
  );

  app.post(
    '/v2/orgs/:org/invites',
    route({
      summary: 'Invite a user (by username) or a person (by email address) to join (tokenhub extension)',
      params: orgParams,
      body: inviteCreateBody,
      response: { 201: inviteObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const { org, actor, principal } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        'invite-edit',
      );
      const invite = await createInvite(ctx, org, request.body, actor, requestMeta(request), {
        byToken: !mayManageOwners(principal.kind),
      });
      return reply.status(201).send(toInviteObject(invite));
    },
  );

  app.post(
    '/v2/invites/bulk',
    route({
      summary: 'Invite several users or email addresses at once; each gets a status',
      description:
        'Invitees that cannot be invited are answered with a status, not an error: `existing_org_member`, `already_invited` (tokenhub), `invalid_email_or_docker_id`. With `dry_run`, nothing is sent.',
      body: bulkInviteBody,
      response: { 202: bulkInviteReply, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request, reply) => {
      const { org: orgName, team, role, invitees, dry_run: dryRun } = request.body;
      const { org, actor, principal } = await authorizeOrgRequest(ctx, request, orgName, 'invite-edit');
      const input = { invitees, role, team, dryRun: dryRun === true };
      const results = await inviteMany(ctx, org, input, actor, requestMeta(request), {
        byToken: !mayManageOwners(principal.kind),
      });
      return reply.status(202).send({
        invitees: results.map(({ invitee, status, invite }) => ({
          invitee,
          status,
          ...(invite ? { invite: toInviteObject(invite) } : {}),
        })),
      });
    },
  );

  app.delete(
    '/v2/invites/:id',
    route({
      summary: 'Cancel a pending invite',
      params: inviteParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { org: inviteOrg } = await findInviteAndOrg(ctx, request.params.id);
      const { org, actor } = await authorizeOrgRequest(ctx, request, inviteOrg.name, 'invite-edit');
      await cancelInvite(ctx, org, request.params.id, actor, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.patch(
    '/v2/invites/:id/resend',
    route({
      summary: 'Send a pending invite again (tokenhub sends no mail: the event is recorded)',
      params: inviteParams,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { org: inviteOrg } = await findInviteAndOrg(ctx, request.params.id);
      const { org, actor } = await authorizeOrgRequest(ctx, request, inviteOrg.name, 'invite-edit');
      await resendInvite(ctx, org, request.params.id, actor, requestMeta(request));
      return reply.status(204).send(null);
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
      return toMemberObject(member, true);
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

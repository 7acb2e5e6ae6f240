/**
 * Organization invites: owners (invite-read / invite-edit in `authorizeOrgAction`) send, list and
 * cancel them under `/v2/orgs/{org}/invites`; the invitee accepts or declines with a password
 * session at `/v2/invites/{id}/accept|decline` and lists theirs at `GET /v2/users/me/invites`
 * (both tokenhub's own routes). An invite addressed to someone else answers 404, never 403, so
 * invites are not revealed.
 */
import { Type } from 'typebox';
import {
  acceptInvite,
  cancelInvite,
  createInvite,
  declineInvite,
  listInvites,
  listMyInvites,
} from '../../services/orgs/org-invite.service.ts';
import { auditActorOf } from '../../services/orgs/org-membership.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { authorizeOrgRequest } from '../org-auth.ts';
import { pageLinks, pageRequest, paginationQuery } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { errorReplies } from '../schemas.ts';
import { memberObject, orgRole } from './org-members.routes.ts';
import { orgParams } from './orgs.routes.ts';

const nullableString = Type.Union([Type.String(), Type.Null()]);

const inviteObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  org: Type.String({ description: 'tokenhub extension: the organization invited to.' }),
  invitee: Type.String({ description: 'The username or email address invited (lowercased).' }),
  role: orgRole,
  invited_by: Type.Union([Type.String(), Type.Null()], {
    description: 'Username of the inviter; null when an organization access token sent it.',
  }),
  created_at: Type.String({ format: 'date-time' }),
});

const inviteParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const orgInviteParams = Type.Object({ ...orgParams.properties, ...inviteParams.properties });

export async function orgInviteRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const tags = ['organization invites'];
  const security = [{ bearer: [] }];
  const anySession = guard(['password', 'pat', 'oat']);
  const passwordOnly = guard(['password']);

  app.get(
    '/v2/orgs/:org/invites',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: "List the organization's pending invites, newest first",
        params: orgParams,
        querystring: paginationQuery,
        response: {
          200: Type.Object({
            count: Type.Integer(),
            next: nullableString,
            previous: nullableString,
            results: Type.Array(inviteObject),
          }),
          ...errorReplies(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'invite-read');
      const page = pageRequest(request.query);
      const { invites, total } = await listInvites(ctx, org, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, `/v2/orgs/${org.name}/invites`, page, total),
        results: invites,
      };
    },
  );

  app.post(
    '/v2/orgs/:org/invites',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Invite a user (by username) or a person (by email address) to join',
        params: orgParams,
        body: Type.Object({
          invitee: Type.String({
            minLength: 1,
            maxLength: 320,
            description: 'A username or an email address.',
          }),
          role: Type.Optional(orgRole),
        }),
        response: { 201: inviteObject, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { org, principal } = await authorizeOrgRequest(ctx, request, request.params.org, 'invite-edit');
      const invite = await createInvite(
        ctx,
        org,
        request.body,
        principal.kind === 'oat' ? null : principal.user.id,
        await auditActorOf(ctx, principal),
        requestMeta(request),
      );
      return reply.status(201).send(invite);
    },
  );

  app.delete(
    '/v2/orgs/:org/invites/:id',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Cancel a pending invite',
        params: orgInviteParams,
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { org, principal } = await authorizeOrgRequest(ctx, request, request.params.org, 'invite-edit');
      await cancelInvite(
        ctx,
        org,
        request.params.id,
        await auditActorOf(ctx, principal),
        requestMeta(request),
      );
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
    async (request) => ({ results: await listMyInvites(ctx, accountOf(request)) }),
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
    async (request) => acceptInvite(ctx, accountOf(request), request.params.id, requestMeta(request)),
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
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await declineInvite(ctx, accountOf(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

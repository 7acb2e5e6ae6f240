/**
 * Organization members (Docker Hub's `/v2/orgs/{org}/members`): list, change a role, remove. Members
 * join through invites (org-invites.routes.ts) or the operator's `admin add-member`. Who may call is
 * `authorizeOrgAction`'s decision (member-read, member-edit); a member may also leave with a
 * password session. Email addresses are shown to owners only, never to organization access tokens.
 */
import { Type } from 'typebox';
import { normalizeUsername } from '../../core/account-rules.ts';
import type { OrgRole } from '../../core/organization-rules.ts';
import {
  changeMemberRole,
  listMembers,
  type OrgMemberWithGroups,
  removeMember,
} from '../../services/orgs/org-member.service.ts';
import type { Principal } from '../../services/sign-in/who-asks.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { errorReplies, noContentReplies, paginationQuery } from '../contract/common.contract.ts';
import {
  type MemberObject,
  memberObject,
  memberPage,
  memberParams,
  orgParams,
  orgRole,
} from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';

/** Owners (and instance administrators, who may act as owners) see addresses; OATs never do. */
export function toMemberObject(
  member: OrgMemberWithGroups,
  principal: Principal,
  role: OrgRole | undefined,
): MemberObject {
  const seesEmail =
    principal.kind !== 'oat' && principal.kind !== 'oidc' && (role === 'owner' || principal.user.isAdmin);
  const object = {
    username: member.username,
    role: member.role,
    joined_at: member.createdAt,
    groups: member.groups,
  };
  return seesEmail ? { ...object, email: member.email } : object;
}

export async function orgMemberRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const route = orgRouteOptions(guard, 'organization members');

  app.get(
    '/v2/orgs/:org/members',
    route({
      summary: 'List the members of an organization, by username',
      params: orgParams,
      querystring: paginationQuery,
      response: { 200: memberPage, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org, principal, role } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        'member-read',
      );
      const page = pageRequest(request.query);
      const { members, total } = await listMembers(ctx, org, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, `/v2/orgs/${org.name}/members`, page, total),
        results: members.map((member) => toMemberObject(member, principal, role)),
      };
    },
  );

  app.put(
    '/v2/orgs/:org/members/:username',
    route({
      summary: "Change a member's role; the last owner cannot be demoted",
      params: memberParams,
      body: Type.Object({ role: orgRole }),
      response: { 200: memberObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request) => {
      const { org, principal, role, actor } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        'member-edit',
      );
      const member = await changeMemberRole(
        ctx,
        org,
        request.params.username,
        request.body.role,
        actor,
        requestMeta(request),
      );
      return toMemberObject(member, principal, role);
    },
  );

  app.delete(
    '/v2/orgs/:org/members/:username',
    route({
      summary: 'Remove a member (and from every group of the organization), or leave',
      description:
        'Owners remove anyone; a member may remove themselves with a password session. The last owner cannot be removed.',
      params: memberParams,
      response: noContentReplies(400, 401, 403, 404, 409),
    }),
    async (request, reply) => {
      const caller = principalOf(request);
      const leaving =
        caller.kind === 'password' && caller.user.username === normalizeUsername(request.params.username);
      const { org, actor } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        leaving ? 'member-read' : 'member-edit',
      );
      await removeMember(ctx, org, request.params.username, actor, requestMeta(request), { leaving });
      return reply.status(204).send(null);
    },
  );
}

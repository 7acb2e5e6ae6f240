/**
 * Organization members (Docker Hub's `/v2/orgs/{org}/members`): list, change a role, remove. Members
 * join through invites (org-invites.routes.ts) or the operator's `admin add-member`. Who may call is
 * `authorizeOrgAction`'s decision (member-read, member-edit); a member may also leave with a
 * password session. Email addresses are shown to owners only, never to organization access tokens.
 */
import { normalizeUsername } from '../../core/account-rules.ts';
import { mayManageOwners, type OrgInvite, type OrgRole } from '../../core/organization-rules.ts';
import {
  changeMemberRole,
  listMembers,
  type MemberListing,
  type OrgMemberWithGroups,
  removeMember,
} from '../../services/orgs/org-member.service.ts';
import { type Principal, principalUser } from '../../services/sign-in/who-asks.ts';
import type { App, RouteDeps } from '../app.ts';
import { principalOf } from '../auth.ts';
import { errorReplies, noContentReplies } from '../contract/common.contract.ts';
import {
  type MemberObject,
  memberListQuery,
  memberObject,
  memberPage,
  memberParams,
  memberRoleBody,
  orgParams,
} from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { blankProfile, capitalizedRole } from './account-profiles.routes.ts';

/** Owners (and instance administrators, who may act as owners) see addresses; OATs never do. */
export function seesAddresses(principal: Principal, role: OrgRole | undefined): boolean {
  const user = principalUser(principal);
  return user !== undefined && (role === 'owner' || user.isAdmin);
}

/** A member in Docker Hub's `org_member` shape, with the address when `withEmail`. */
export function toMemberObject(member: OrgMemberWithGroups, withEmail: boolean): MemberObject {
  const object = {
    ...blankProfile,
    id: member.userId,
    date_joined: member.createdAt,
    type: 'User' as const,
    username: member.username,
    role: capitalizedRole[member.role],
    groups: member.groups,
    is_guest: false,
    joined_at: member.createdAt,
  };
  return withEmail ? { ...object, email: member.email } : object;
}

/** A pending invite as Docker Hub lists it among members: role `Invitee`. */
function toInviteeObject(invite: OrgInvite, withEmail: boolean): MemberObject {
  const byEmail = invite.invitee.includes('@');
  const object = {
    ...blankProfile,
    id: invite.id,
    date_joined: invite.createdAt,
    type: 'User' as const,
    username: byEmail ? '' : invite.invitee,
    role: 'Invitee' as const,
    groups: [],
    is_guest: false,
    joined_at: invite.createdAt,
  };
  return withEmail && byEmail ? { ...object, email: invite.invitee } : object;
}

function toListingObject(entry: MemberListing, withEmail: boolean): MemberObject {
  return entry.kind === 'member'
    ? toMemberObject(entry, withEmail)
    : toInviteeObject(entry.invite, withEmail);
}

export async function orgMemberRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const route = orgRouteOptions(guard, 'organization members');

  app.get(
    '/v2/orgs/:org/members',
    route({
      summary: 'List the members of an organization, by username (and pending invitees, when asked)',
      params: orgParams,
      querystring: memberListQuery,
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
      const { search, role: wanted, invites } = request.query;
      const type = request.query.type ?? (invites ? 'all' : 'member');
      const links = (total: number) =>
        pageLinks(ctx.config.publicUrl, `/v2/orgs/${org.name}/members`, page, total, {
          search,
          role: wanted,
          type: request.query.type,
          invites,
        });
      const { entries, total } = await listMembers(ctx, org, { search, role: wanted, type }, page);
      const withEmail = seesAddresses(principal, role);
      return {
        count: total,
        ...links(total),
        results: entries.map((entry) => toListingObject(entry, withEmail)),
      };
    },
  );

  app.put(
    '/v2/orgs/:org/members/:username',
    route({
      summary: "Change a member's role; the last owner cannot be demoted",
      description: 'Roles as on Docker Hub: `owner`, `editor` (manages repositories), `member`.',
      params: memberParams,
      body: memberRoleBody,
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
        { byToken: !mayManageOwners(principal.kind) },
      );
      return toMemberObject(member, seesAddresses(principal, role));
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
      await removeMember(ctx, org, request.params.username, actor, requestMeta(request), {
        leaving,
        byToken: !mayManageOwners(caller.kind),
      });
      return reply.status(204).send(null);
    },
  );
}

/**
 * Organizations, their members, groups (Docker Hub's teams) and invites.
 */
import { type Static, Type } from 'typebox';
import { pageOf, paginationQuery } from './common.contract.ts';
import { profileProperties } from './profiles.contract.ts';

export const orgParams = Type.Object({ org: Type.String({ minLength: 1, maxLength: 64 }) });

export const orgTier = Type.Union([Type.Literal('free'), Type.Literal('team'), Type.Literal('business')]);
export const orgRole = Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('member')]);

export const orgObject = Type.Object({
  ...profileProperties,
  orgname: Type.String({ description: "The organization name (Docker Hub's field; `name` is the same)." }),
  name: Type.String(),
  tier: orgTier,
  created_at: Type.String({ format: 'date-time' }),
  role: Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('member'), Type.Null()], {
    description:
      "The caller's role; `owner` for an owner of the organization's company; null for an organization access token or an instance administrator.",
  }),
  access_tokens: Type.Object(
    { count: Type.Integer(), limit: Type.Integer() },
    { description: 'Organization access tokens held (expired and inactive count) and the tier limit.' },
  ),
  acting_company: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description:
        'tokenhub extension: the company through which the caller acts as an owner (they own the company, not the organization); null otherwise.',
    }),
  ),
});
export type OrganizationObject = Static<typeof orgObject>;

export const orgCreateBody = Type.Object({ name: Type.String({ maxLength: 256 }) });

export const membershipObject = Type.Object({
  id: Type.String(),
  name: Type.String(),
  tier: orgTier,
  role: orgRole,
});
/** `GET /v2/users/me/orgs`: an organization the account belongs to, and its role there. */
export type MembershipObject = Static<typeof membershipObject>;

export const memberObject = Type.Object({
  ...profileProperties,
  id: Type.String({ description: "The user's id; an invite's id for an invitee." }),
  date_joined: Type.String({
    format: 'date-time',
    description: 'When they joined (an invitee: when invited).',
  }),
  username: Type.String({ description: 'The username; for an invitee, the username invited or "".' }),
  email: Type.Optional(
    Type.String({
      description: 'Shown to owners and administrators only; never to organization access tokens.',
    }),
  ),
  role: Type.Union([
    Type.Literal('Owner'),
    Type.Literal('Editor'),
    Type.Literal('Member'),
    Type.Literal('Invitee'),
  ]),
  groups: Type.Array(Type.String(), { description: "Names of the organization's groups the member is in." }),
  is_guest: Type.Boolean({ description: 'Always false: tokenhub has no verified domains.' }),
  joined_at: Type.String({
    format: 'date-time',
    description: 'tokenhub extension: the same as date_joined.',
  }),
});
export type MemberObject = Static<typeof memberObject>;
export const memberPage = pageOf(memberObject);

export const memberListQuery = Type.Object({
  ...paginationQuery.properties,
  search: Type.Optional(
    Type.String({ maxLength: 64, description: 'Usernames (and invitees) containing this.' }),
  ),
  role: Type.Optional(
    Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('member')], {
      description: 'Only members of this role.',
    }),
  ),
  type: Type.Optional(
    Type.Union([Type.Literal('all'), Type.Literal('invitee'), Type.Literal('member')], {
      description: 'Members (the default), pending invitees, or both.',
    }),
  ),
  invites: Type.Optional(Type.Boolean({ description: 'true: list pending invitees too (as `type=all`).' })),
});

/** Docker's role names on input. */
export const memberRoleBody = Type.Object({
  role: Type.Union([Type.Literal('owner'), Type.Literal('editor'), Type.Literal('member')]),
});

export const memberParams = Type.Object({
  ...orgParams.properties,
  username: Type.String({ minLength: 1, maxLength: 64 }),
});

export const groupObject = Type.Object({
  id: Type.Integer({ description: "Docker Hub's group id: a number, unique across the instance." }),
  uuid: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.String(),
  member_count: Type.Integer(),
  created_at: Type.String({ format: 'date-time', description: 'tokenhub extension.' }),
});
export type GroupObject = Static<typeof groupObject>;

const groupName = Type.String({ maxLength: 256, description: '1-64 characters: a-z, 0-9, ".", "_", "-".' });
const groupDescription = Type.String({ maxLength: 255 });

export const groupCreateBody = Type.Object({ name: groupName, description: Type.Optional(groupDescription) });
/** `PUT`: the name is required; `PATCH`: both optional. */
export const groupReplaceBody = groupCreateBody;
export const groupPatchBody = Type.Object({
  name: Type.Optional(groupName),
  description: Type.Optional(groupDescription),
});

export const groupListQuery = Type.Object({
  ...paginationQuery.properties,
  username: Type.Optional(Type.String({ maxLength: 64, description: 'Only the groups this user is in.' })),
  search: Type.Optional(
    Type.String({ maxLength: 64, description: 'Only the groups whose name contains this.' }),
  ),
});

export const groupMemberObject = Type.Object({
  ...profileProperties,
  username: Type.String(),
  email: Type.Optional(
    Type.String({
      description: 'Shown to owners and administrators only; never to organization access tokens.',
    }),
  ),
  role: Type.Union([Type.Literal('Owner'), Type.Literal('Editor'), Type.Literal('Member')], {
    description: "tokenhub extension: the member's role in the organization.",
  }),
});
export type GroupMemberObject = Static<typeof groupMemberObject>;

export const groupMemberAddBody = Type.Object(
  {
    member: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The username to add.' })),
    username: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "tokenhub's earlier name of `member`." }),
    ),
  },
  { description: 'Docker Hub sends `member`; one of the two is required.' },
);

export const groupPermission = Type.Union(
  [Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')],
  {
    description: 'read: pull; write: pull and push; admin: pull, push and delete.',
  },
);
export const repositoryPermissionObject = Type.Object({
  repository: Type.String({ description: 'The name below the organization (`api` for `acme/api`).' }),
  permission: groupPermission,
});
export type RepositoryPermissionObject = Static<typeof repositoryPermissionObject>;

export const groupParams = Type.Object({
  ...orgParams.properties,
  group: Type.String({ minLength: 1, maxLength: 64 }),
});
export const groupMemberParams = Type.Object({
  ...groupParams.properties,
  username: Type.String({ minLength: 1, maxLength: 64 }),
});
export const groupRepositoryParams = Type.Object({
  ...groupParams.properties,
  repo: Type.String({ minLength: 1, maxLength: 255, description: 'Repository name below the organization.' }),
});

export const inviteObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  inviter_username: Type.String({
    description: 'Who invited; "" when an organization access token sent it.',
  }),
  invitee: Type.String({ description: 'The username or email address invited (lowercased).' }),
  org: Type.String({ description: 'The organization invited to.' }),
  team: Type.String({ description: 'The group the invitee joins on accepting; "" for none.' }),
  created_at: Type.String({ format: 'date-time' }),
  role: orgRole,
  invited_by: Type.Union([Type.String(), Type.Null()], {
    description: 'tokenhub extension: inviter_username, null when an organization access token sent it.',
  }),
});
export type InviteObject = Static<typeof inviteObject>;
/** `GET /v2/orgs/{org}/invites`: every pending invite, newest first (Docker Hub's list is not paged). */
export const inviteList = Type.Object({ data: Type.Array(inviteObject) });

export const inviteCreateBody = Type.Object({
  invitee: Type.String({
    minLength: 1,
    maxLength: 320,
    description: 'A username or an email address.',
  }),
  role: Type.Optional(orgRole),
  team: Type.Optional(Type.String({ maxLength: 64, description: 'A group the invitee joins on accepting.' })),
});

export const bulkInviteBody = Type.Object({
  org: Type.String({ minLength: 1, maxLength: 64 }),
  team: Type.Optional(Type.String({ maxLength: 64, description: 'A group the invitees join; "" for none.' })),
  role: Type.Optional(orgRole),
  invitees: Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { minItems: 1, maxItems: 100 }),
  dry_run: Type.Optional(Type.Boolean({ description: 'Check every invitee, send nothing.' })),
});

export const bulkInviteReply = Type.Object({
  invitees: Type.Array(
    Type.Object({
      invitee: Type.String(),
      status: Type.Union(
        [
          Type.Literal('invited'),
          Type.Literal('existing_org_member'),
          Type.Literal('already_invited'),
          Type.Literal('invalid_email_or_docker_id'),
        ],
        { description: "`already_invited` is tokenhub's; on a dry run, `invited` means it would be sent." },
      ),
      invite: Type.Optional(inviteObject),
    }),
  ),
});
export type BulkInviteReplyObject = Static<typeof bulkInviteReply>;

export const inviteParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const orgInviteParams = Type.Object({ ...orgParams.properties, ...inviteParams.properties });

/** A group's permission on a repository, as Docker Hub's `/v2/repositories/{ns}/{repo}/groups` shows it. */
export const repositoryGroupObject = Type.Object({
  group_name: Type.String(),
  permission: groupPermission,
  group_id: Type.Integer(),
});
export type RepositoryGroupObject = Static<typeof repositoryGroupObject>;

export const repositoryGroupCreateBody = Type.Object({
  group_id: Type.Integer({ minimum: 1, description: "The group's id (`id` of the group object)." }),
  permission: groupPermission,
  group_name: Type.Optional(
    Type.String({ maxLength: 256, description: 'Ignored (the Terraform provider sends "").' }),
  ),
});

export const repositoryGroupUpdateBody = Type.Object({
  permission: groupPermission,
  group_id: Type.Optional(Type.Integer({ description: 'Ignored: the path names the group.' })),
  group_name: Type.Optional(Type.String({ maxLength: 256, description: 'Ignored.' })),
});

export const repositoryGroupsParams = Type.Object({
  ns: Type.String({ minLength: 1, maxLength: 64, description: 'The organization.' }),
  repo: Type.String({ minLength: 1, maxLength: 255, description: 'Repository name below the organization.' }),
});
export const repositoryGroupParams = Type.Object({
  ...repositoryGroupsParams.properties,
  group_id: Type.Integer({ minimum: 1 }),
});

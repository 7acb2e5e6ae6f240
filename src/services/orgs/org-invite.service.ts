/**
 * Organization invites. An owner (or an OAT with scope-invite-edit) invites a username or an email
 * address; the invitee accepts or declines with their own password session. An invite to a
 * username is addressed to that account only (`invitee_user_id`); an invite to an email address
 * to the account whose **verified** address equals it (case-insensitively, docs/mail.md), so a
 * person who signs up after being invited can accept once they verify the address, and an account
 * that merely typed the address at sign-up cannot. Anyone else is told the invite does not exist.
 * The invitee is mailed the invite (to the invited address, or the account's verified address).
 */
import { isEmailAddress, normalizeUsername, type User, usernameProblem } from '../../core/account-rules.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import {
  normalizeGroupName,
  type Organization,
  type OrgInvite,
  type OrgRole,
  ownerRoleRefusal,
} from '../../core/organization-rules.ts';
import type { Db, PageWindow } from '../../storage/database.ts';
import { insertGroupMember } from '../../storage/org-group.repository.ts';
import {
  deleteOrgInvite,
  findInviteById,
  findInviteForUser,
  findOrgInvite,
  insertOrgInvite,
  listInvitesAddressedTo,
  listOrgInvites,
} from '../../storage/org-invite.repository.ts';
import { findOrgRole, insertOrgMember } from '../../storage/org-member.repository.ts';
import { findOrganizationById } from '../../storage/organization.repository.ts';
import { findUserByUsername } from '../../storage/user.repository.ts';
import { findUserIdsByVerifiedEmail } from '../../storage/user-email.repository.ts';
import type { AuditActor } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import { requireGroup } from './org-group.service.ts';
import { mailInvite } from './org-invite-mail.ts';
import { memberView, type OrgMemberWithGroups, recordOrgAudit, withOrgLock } from './org-member.service.ts';

/**
 * Which user an invitee names: a username must exist; an email address names the one user who
 * verified that address, if one has (otherwise the invite waits for whoever verifies it).
 * @throws AppError VALIDATION_FAILED, USER_NOT_FOUND.
 */
async function resolveInvitee(
  ctx: ServiceContext,
  raw: string,
): Promise<{ invitee: string; userId: string | null }> {
  const invitee = normalizeUsername(raw);
  if (invitee.includes('@')) {
    if (!isEmailAddress(invitee))
      throw fieldError('invitee', 'invitee must be a username or an email address');
    const ids = await findUserIdsByVerifiedEmail(ctx.db, invitee);
    return { invitee, userId: ids.length === 1 ? (ids[0] ?? null) : null };
  }
  if (usernameProblem(invitee)) throw fieldError('invitee', 'invitee must be a username or an email address');
  const user = await findUserByUsername(ctx.db, invitee);
  if (!user)
    throw new AppError('USER_NOT_FOUND', `no user named ${invitee}; invite an email address instead`);
  return { invitee, userId: user.id };
}

/** An invite as asked: who, with which role, into which group (Docker Hub's `team`). */
export interface InviteRequest {
  invitee: string;
  role?: OrgRole;
  team?: string;
}

/**
 * Checks an invite without sending it: the invitee exists (or is an email address), is neither a
 * member nor invited already, and the group, if any, exists. Sending checks again under the
 * organization lock.
 * @throws AppError VALIDATION_FAILED, USER_NOT_FOUND, GROUP_NOT_FOUND, ALREADY_MEMBER, INVITE_EXISTS.
 */
export async function checkInvite(
  ctx: ServiceContext,
  org: Organization,
  input: InviteRequest,
): Promise<{ invitee: string; userId: string | null; groupId: string | null }> {
  const { invitee, userId } = await resolveInvitee(ctx, input.invitee);
  const groupId = input.team ? (await requireGroup(ctx, org, input.team)).id : null;
  await assertInvitable(ctx.db, org, invitee, userId);
  return { invitee, userId, groupId };
}

/** @throws AppError ALREADY_MEMBER, INVITE_EXISTS */
async function assertInvitable(db: Db, org: Organization, invitee: string, userId: string | null) {
  if (userId && (await findOrgRole(db, org.id, userId))) {
    throw new AppError('ALREADY_MEMBER', `${invitee} is already a member of ${org.name}`);
  }
  if (userId && (await findInviteForUser(db, org.id, userId))) {
    throw new AppError('INVITE_EXISTS', `${invitee} already has a pending invite to ${org.name}`);
  }
}

/**
 * @param actor who invites: a user, or an OAT (no inviting user).
 * @param options.byToken an organization access token or a CI job invites: never as an owner.
 * @throws AppError as {@link checkInvite}; ORG_FORBIDDEN.
 */
export async function createInvite(
  ctx: ServiceContext,
  org: Organization,
  input: InviteRequest,
  actor: AuditActor,
  meta: RequestMeta,
  options: { byToken?: boolean } = {},
): Promise<OrgInvite> {
  if (options.byToken && input.role === 'owner') throw new AppError('ORG_FORBIDDEN', ownerRoleRefusal);
  const { invitee, userId, groupId } = await checkInvite(ctx, org, input);
  const invite = {
    id: newId(),
    orgId: org.id,
    invitee,
    inviteeUserId: userId,
    role: input.role ?? 'member',
    invitedBy: actor.id,
    createdAt: isoNow(ctx),
    groupId,
  };
  await withOrgLock(ctx, org, async (tx) => {
    await assertInvitable(tx, org, invitee, userId);
    if (!(await insertOrgInvite(tx, invite))) {
      throw new AppError('INVITE_EXISTS', `${invitee} already has a pending invite to ${org.name}`);
    }
    await mailInvite(ctx, tx, org, invite, actor);
  });
  const team = input.team ? { team: normalizeGroupName(input.team) } : {};
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.member.invite.send', name: invitee, data: { id: invite.id, role: invite.role, ...team } },
    actor,
    meta,
  );
  const created = await findOrgInvite(ctx.db, org.id, invite.id);
  if (!created) throw new AppError('INVITE_NOT_FOUND');
  return created;
}

/**
 * An invite by its id, with its organization (Docker Hub's `/v2/invites/{id}` routes name no
 * organization); the caller then authorizes in that organization.
 * @throws AppError INVITE_NOT_FOUND
 */
export async function findInviteAndOrg(ctx: ServiceContext, id: string) {
  const invite = await findInviteById(ctx.db, id);
  const org = invite && (await findOrganizationById(ctx.db, invite.orgId));
  if (!invite || !org) throw new AppError('INVITE_NOT_FOUND');
  return { invite, org };
}

/**
 * Sends a pending invite again: mails it again (when this instance sends mail); the invitee also
 * sees pending invites when signed in. The event is recorded.
 * @throws AppError INVITE_NOT_FOUND
 */
export async function resendInvite(
  ctx: ServiceContext,
  org: Organization,
  id: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  const invite = await findOrgInvite(ctx.db, org.id, id);
  if (!invite) throw new AppError('INVITE_NOT_FOUND');
  await mailInvite(ctx, ctx.db, org, invite, actor);
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.member.invite.resend', name: invite.invitee, data: { id: invite.id } },
    actor,
    meta,
  );
}

export async function listInvites(
  ctx: ServiceContext,
  org: Organization,
  page: PageWindow,
): Promise<{ invites: OrgInvite[]; total: number }> {
  return listOrgInvites(ctx.db, org.id, page);
}

/** @throws AppError INVITE_NOT_FOUND */
export async function cancelInvite(
  ctx: ServiceContext,
  org: Organization,
  id: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  const invite = await findOrgInvite(ctx.db, org.id, id);
  if (!invite || !(await deleteOrgInvite(ctx.db, invite.id))) throw new AppError('INVITE_NOT_FOUND');
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.member.invite.cancel', name: invite.invitee, data: { id: invite.id } },
    actor,
    meta,
  );
}

/** An email invite: the account's verified address is the invitee; a username invite: that account. */
function isAddressedTo(invite: OrgInvite, user: User): boolean {
  if (!invite.invitee.includes('@')) return invite.inviteeUserId === user.id;
  return Boolean(user.emailVerifiedAt) && invite.invitee === user.email.toLowerCase();
}

/** The pending invites addressed to `user`, newest first. */
export async function listMyInvites(ctx: ServiceContext, user: User): Promise<OrgInvite[]> {
  const invites = await listInvitesAddressedTo(ctx.db, user.id, user.email.toLowerCase());
  return invites.filter((invite) => isAddressedTo(invite, user));
}

/** The invite and its organization, when addressed to `user`. @throws AppError INVITE_NOT_FOUND */
async function requireMyInvite(ctx: ServiceContext, user: User, id: string) {
  const invite = await findInviteById(ctx.db, id);
  const org =
    invite && isAddressedTo(invite, user) ? await findOrganizationById(ctx.db, invite.orgId) : undefined;
  if (!invite || !org) throw new AppError('INVITE_NOT_FOUND');
  return { invite, org };
}

/**
 * Accepts an invite: `user` becomes a member with the invite's role and the invite is gone.
 * @throws AppError INVITE_NOT_FOUND, ALREADY_MEMBER.
 */
export async function acceptInvite(
  ctx: ServiceContext,
  user: User,
  id: string,
  meta: RequestMeta,
): Promise<OrgMemberWithGroups> {
  const { invite, org } = await requireMyInvite(ctx, user, id);
  await withOrgLock(ctx, org, async (tx) => {
    // Re-read under the lock: a concurrent accept, decline or cancel may have removed it.
    if (!(await findInviteById(tx, invite.id))) throw new AppError('INVITE_NOT_FOUND');
    if (await findOrgRole(tx, org.id, user.id)) {
      throw new AppError(
        'ALREADY_MEMBER',
        `you are already a member of ${org.name}; decline the invite instead`,
      );
    }
    await insertOrgMember(tx, { orgId: org.id, userId: user.id, role: invite.role, createdAt: isoNow(ctx) });
    if (invite.groupId) await insertGroupMember(tx, invite.groupId, user.id);
    await deleteOrgInvite(tx, invite.id);
  });
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.member.invite.accept', name: user.username, data: { id: invite.id, role: invite.role } },
    { id: user.id, name: user.username },
    meta,
  );
  return memberView(ctx, org, user);
}

/** @throws AppError INVITE_NOT_FOUND */
export async function declineInvite(
  ctx: ServiceContext,
  user: User,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  const { invite, org } = await requireMyInvite(ctx, user, id);
  if (!(await deleteOrgInvite(ctx.db, invite.id))) throw new AppError('INVITE_NOT_FOUND');
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.member.invite.decline', name: user.username, data: { id: invite.id } },
    { id: user.id, name: user.username },
    meta,
  );
}

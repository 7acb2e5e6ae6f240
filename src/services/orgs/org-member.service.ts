/**
 * Organization members: list, change role, remove (or leave), and the operator's add. Who may call
 * these is decided before, by `authorizeOrgAction`; these functions enforce the membership rules.
 *
 * An organization always keeps at least one owner. Demoting or removing an owner counts the owners
 * inside one transaction that first locks the organization row, so two owners demoting each other
 * at the same moment cannot both succeed.
 */
import { normalizeUsername, type User } from '../../core/account-rules.ts';
import type { AuditAction } from '../../core/audit-actions.ts';
import { AppError } from '../../core/errors.ts';
import type { Organization, OrgInvite, OrgMember, OrgRole } from '../../core/organization-rules.ts';
import { ownerRoleRefusal } from '../../core/organization-rules.ts';
import type { Db, PageWindow } from '../../storage/database.ts';
import { listOrgInvites } from '../../storage/org-invite.repository.ts';
import {
  countOrgOwners,
  deleteOrgMember,
  findOrgMember,
  findOrgRole,
  insertOrgMember,
  listGroupNamesOfMembers,
  listOrgMembers,
  setOrgMemberRole,
} from '../../storage/org-member.repository.ts';
import { lockOrganization } from '../../storage/organization.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { findUserByUsername } from '../../storage/user.repository.ts';
import { type AuditActor, recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';

/** A member with the names of the organization's groups they are in. */
export type OrgMemberWithGroups = OrgMember & { groups: string[] };

/**
 * Runs `work` in a transaction that first locks `org`'s row: every membership write goes through
 * it, so last-owner checks and group changes of a leaving member never interleave.
 */
export async function withOrgLock<T>(
  ctx: ServiceContext,
  org: Organization,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  return inTransaction(ctx.db, async (tx) => {
    if (!(await lockOrganization(tx, org.id))) throw new AppError('ORG_NOT_FOUND');
    return work(tx);
  });
}

/** Records an event in the organization's audit log. */
export async function recordOrgAudit(
  ctx: ServiceContext,
  org: Organization,
  event: { action: AuditAction; name: string; data?: Record<string, unknown> },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  await recordAudit(ctx, { account: { id: org.id, name: org.name }, actor, meta, ...event });
}

/** @throws AppError USER_NOT_FOUND */
export async function requireUser(ctx: ServiceContext, rawUsername: string): Promise<User> {
  const username = normalizeUsername(rawUsername);
  const user = await findUserByUsername(ctx.db, username);
  if (!user) throw new AppError('USER_NOT_FOUND', `no user named ${username.slice(0, 64)}`);
  return user;
}

/** @throws AppError MEMBER_NOT_FOUND (also for an unknown username: the org's view is the same). */
async function requireMember(ctx: ServiceContext, org: Organization, rawUsername: string) {
  const username = normalizeUsername(rawUsername);
  const user = await findUserByUsername(ctx.db, username);
  const role = user && (await findOrgRole(ctx.db, org.id, user.id));
  if (!user || !role) {
    throw new AppError('MEMBER_NOT_FOUND', `${username.slice(0, 64)} is not a member of ${org.name}`);
  }
  return { user, role };
}

/** A line of the member list: a member, or (when asked for) a pending invite. */
export type MemberListing =
  | ({ kind: 'member' } & OrgMemberWithGroups)
  | { kind: 'invitee'; invite: OrgInvite };

/**
 * Which lines the member list holds (Docker Hub's filters): usernames (and invitees) containing
 * `search`, one `role`, and members, pending invitees or both (`all`: members first).
 */
export interface MemberQuery {
  search?: string;
  role?: OrgRole;
  type: 'member' | 'invitee' | 'all';
}

/** Every pending invite at once: an organization has few, and the list pages members and invitees together. */
const allInvites = { limit: Number.MAX_SAFE_INTEGER, offset: 0 };

/** One page of the member list, members by username then invitees newest first, and how many match. */
export async function listMembers(
  ctx: ServiceContext,
  org: Organization,
  query: MemberQuery,
  page: PageWindow,
): Promise<{ entries: MemberListing[]; total: number }> {
  const search = query.search?.toLowerCase();
  const invitees =
    query.type === 'member'
      ? []
      : (await listOrgInvites(ctx.db, org.id, allInvites)).invites.filter(
          (invite) =>
            (!search || invite.invitee.includes(search)) && (!query.role || invite.role === query.role),
        );
  const inviteLines = (from: number, count: number): MemberListing[] =>
    invitees.slice(from, from + count).map((invite) => ({ kind: 'invitee', invite }));
  if (query.type === 'invitee') {
    return { entries: inviteLines(page.offset, page.limit), total: invitees.length };
  }
  const { members, total } = await listOrgMembers(ctx.db, org.id, { search, role: query.role }, page);
  const groups = await listGroupNamesOfMembers(
    ctx.db,
    org.id,
    members.map((member) => member.userId),
  );
  const entries: MemberListing[] = members.map((member) => ({
    kind: 'member',
    ...member,
    groups: groups.get(member.userId) ?? [],
  }));
  if (query.type === 'all' && entries.length < page.limit) {
    entries.push(...inviteLines(Math.max(0, page.offset - total), page.limit - entries.length));
  }
  return { entries, total: total + invitees.length };
}

/** A member as the API shows them. @throws AppError MEMBER_NOT_FOUND */
export async function memberView(
  ctx: ServiceContext,
  org: Organization,
  user: User,
): Promise<OrgMemberWithGroups> {
  const member = await findOrgMember(ctx.db, org.id, user.id);
  if (!member) throw new AppError('MEMBER_NOT_FOUND', `${user.username} is not a member of ${org.name}`);
  const groups = await listGroupNamesOfMembers(ctx.db, org.id, [user.id]);
  return { ...member, groups: groups.get(user.id) ?? [] };
}

/** Re-read inside `withOrgLock`: a concurrent change may have removed the member. @throws AppError MEMBER_NOT_FOUND */
async function roleUnderLock(tx: Db, org: Organization, user: User): Promise<OrgRole> {
  const role = await findOrgRole(tx, org.id, user.id);
  if (!role) throw new AppError('MEMBER_NOT_FOUND', `${user.username} is not a member of ${org.name}`);
  return role;
}

/** An organization keeps at least one owner. @throws AppError LAST_OWNER */
async function assertNotLastOwner(tx: Db, org: Organization, currentRole: OrgRole): Promise<void> {
  if (currentRole === 'owner' && (await countOrgOwners(tx, org.id)) <= 1) throw new AppError('LAST_OWNER');
}

/**
 * Makes a member an owner or a plain member. Setting the role a member already has changes nothing
 * and records nothing. `byToken` (an organization access token or a CI job asks) may neither
 * promote to nor demote from owner.
 * @throws AppError MEMBER_NOT_FOUND, LAST_OWNER, ORG_FORBIDDEN.
 */
export async function changeMemberRole(
  ctx: ServiceContext,
  org: Organization,
  rawUsername: string,
  role: OrgRole,
  actor: AuditActor,
  meta: RequestMeta,
  options: { byToken?: boolean } = {},
): Promise<OrgMemberWithGroups> {
  const { user } = await requireMember(ctx, org, rawUsername);
  const from = await withOrgLock(ctx, org, async (tx) => {
    const current = await roleUnderLock(tx, org, user);
    if (current === role) return undefined;
    if (options.byToken && (role === 'owner' || current === 'owner'))
      throw new AppError('ORG_FORBIDDEN', ownerRoleRefusal);
    await assertNotLastOwner(tx, org, current);
    await setOrgMemberRole(tx, org.id, user.id, role);
    return current;
  });
  if (from) {
    await recordOrgAudit(
      ctx,
      org,
      { action: 'org.member.role.change', name: user.username, data: { from, to: role } },
      actor,
      meta,
    );
  }
  return memberView(ctx, org, user);
}

/**
 * Removes a member, and with them their places in the organization's groups (so their group rights
 * end at the next registry token request). `leaving` marks a member removing themselves; `byToken`
 * (an organization access token or a CI job asks) may not remove an owner.
 * @throws AppError MEMBER_NOT_FOUND, LAST_OWNER, ORG_FORBIDDEN.
 */
export async function removeMember(
  ctx: ServiceContext,
  org: Organization,
  rawUsername: string,
  actor: AuditActor,
  meta: RequestMeta,
  options: { leaving?: boolean; byToken?: boolean } = {},
): Promise<void> {
  const { user } = await requireMember(ctx, org, rawUsername);
  const role = await withOrgLock(ctx, org, async (tx) => {
    const current = await roleUnderLock(tx, org, user);
    if (options.byToken && current === 'owner') throw new AppError('ORG_FORBIDDEN', ownerRoleRefusal);
    await assertNotLastOwner(tx, org, current);
    await deleteOrgMember(tx, org.id, user.id);
    return current;
  });
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.member.remove', name: user.username, data: { role, left: options.leaving === true } },
    actor,
    meta,
  );
}

/**
 * Adds a user as a member (the operator's `admin add-member`; invites use `acceptInvite`).
 * @throws AppError USER_NOT_FOUND, ALREADY_MEMBER.
 */
export async function addMember(
  ctx: ServiceContext,
  org: Organization,
  rawUsername: string,
  role: OrgRole,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<OrgMemberWithGroups> {
  const user = await requireUser(ctx, rawUsername);
  await withOrgLock(ctx, org, async (tx) => {
    if (await findOrgRole(tx, org.id, user.id)) {
      throw new AppError('ALREADY_MEMBER', `${user.username} is already a member of ${org.name}`);
    }
    await insertOrgMember(tx, { orgId: org.id, userId: user.id, role, createdAt: isoNow(ctx) });
  });
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.member.add', name: user.username, data: { role } },
    actor,
    meta,
  );
  return memberView(ctx, org, user);
}

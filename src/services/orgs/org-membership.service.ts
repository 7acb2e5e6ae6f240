/**
 * Organization members: list, change role, remove (or leave), and the operator's add. Who may call
 * these is decided before, by `authorizeOrgAction`; these functions enforce the membership rules.
 *
 * An organization always keeps at least one owner. Demoting or removing an owner counts the owners
 * inside one transaction that first locks the organization row, so two owners demoting each other
 * at the same moment cannot both succeed.
 */
import { normalizeUsername } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import type { OrgRole } from '../../core/organization-rules.ts';
import { findTokenById } from '../../storage/access-token.repository.ts';
import type { Db } from '../../storage/database.ts';
import {
  countOrgOwners,
  deleteOrgMember,
  listGroupNamesOfMembers,
  listOrgMembers,
  type PageWindow,
  setOrgMemberRole,
} from '../../storage/org-group.repository.ts';
import {
  findOrgMember,
  insertOrgMember,
  lockOrganization,
  type OrganizationRow,
} from '../../storage/organization.repository.ts';
import { findUserByUsername, type UserRow } from '../../storage/user.repository.ts';
import { type AuditAction, recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import type { HubPrincipal } from '../sign-in/hub-session.service.ts';

/** Who an audit event names as the actor: a user, or an OAT by its label (id null). */
export interface OrgActor {
  id: string | null;
  name: string;
}

export interface OrgMemberView {
  username: string;
  email: string;
  role: OrgRole;
  joined_at: string;
  groups: string[];
}

/** The audit actor of a session, named as the login route names it. */
export async function auditActorOf(ctx: ServiceContext, principal: HubPrincipal): Promise<OrgActor> {
  if (principal.kind !== 'oat') return { id: principal.user.id, name: principal.user.username };
  const token = await findTokenById(ctx.db, principal.tokenId);
  return { id: null, name: token?.label ?? 'organization access token' };
}

/**
 * Runs `work` in a transaction that first locks `org`'s row: every membership write goes through
 * it, so last-owner checks and group changes of a leaving member never interleave.
 */
export async function withOrgLock<T>(
  ctx: ServiceContext,
  org: OrganizationRow,
  work: (tx: Db) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (tx) => {
    if (!(await lockOrganization(tx, org.id))) throw new AppError('ORG_NOT_FOUND');
    return work(tx);
  });
}

/** Records an event in the organization's audit log. */
export async function recordOrgAudit(
  ctx: ServiceContext,
  org: OrganizationRow,
  event: { action: AuditAction; name: string; data?: Record<string, unknown> },
  actor: OrgActor,
  meta: RequestMeta,
): Promise<void> {
  await recordAudit(ctx, { account: { id: org.id, name: org.name }, actor, meta, ...event });
}

/** @throws AppError USER_NOT_FOUND */
export async function requireUser(ctx: ServiceContext, rawUsername: string): Promise<UserRow> {
  const username = normalizeUsername(rawUsername);
  const user = await findUserByUsername(ctx.db, username);
  if (!user) throw new AppError('USER_NOT_FOUND', `no user named ${username.slice(0, 64)}`);
  return user;
}

/** @throws AppError MEMBER_NOT_FOUND (also for an unknown username: the org's view is the same). */
async function requireMember(ctx: ServiceContext, org: OrganizationRow, rawUsername: string) {
  const username = normalizeUsername(rawUsername);
  const user = await findUserByUsername(ctx.db, username);
  const member = user && (await findOrgMember(ctx.db, org.id, user.id));
  if (!user || !member) {
    throw new AppError('MEMBER_NOT_FOUND', `${username.slice(0, 64)} is not a member of ${org.name}`);
  }
  return { user, member };
}

/** One page of members ordered by username, each with their groups. */
export async function listMembers(
  ctx: ServiceContext,
  org: OrganizationRow,
  page: PageWindow,
): Promise<{ members: OrgMemberView[]; total: number }> {
  const { rows, total } = await listOrgMembers(ctx.db, org.id, page);
  const groups = await listGroupNamesOfMembers(
    ctx.db,
    org.id,
    rows.map((row) => row.user_id),
  );
  const members = rows.map((row) => ({
    username: row.username,
    email: row.email,
    role: row.role,
    joined_at: row.created_at,
    groups: groups.get(row.user_id) ?? [],
  }));
  return { members, total };
}

/** A member as the API shows them. @throws AppError MEMBER_NOT_FOUND */
export async function memberView(
  ctx: ServiceContext,
  org: OrganizationRow,
  user: UserRow,
): Promise<OrgMemberView> {
  const member = await findOrgMember(ctx.db, org.id, user.id);
  if (!member) throw new AppError('MEMBER_NOT_FOUND', `${user.username} is not a member of ${org.name}`);
  const groups = await listGroupNamesOfMembers(ctx.db, org.id, [user.id]);
  return {
    username: user.username,
    email: user.email,
    role: member.role,
    joined_at: member.created_at,
    groups: groups.get(user.id) ?? [],
  };
}

/**
 * Makes a member an owner or a plain member. Setting the role a member already has changes nothing
 * and records nothing.
 * @throws AppError MEMBER_NOT_FOUND, LAST_OWNER.
 */
export async function changeMemberRole(
  ctx: ServiceContext,
  org: OrganizationRow,
  rawUsername: string,
  role: OrgRole,
  actor: OrgActor,
  meta: RequestMeta,
): Promise<OrgMemberView> {
  const { user } = await requireMember(ctx, org, rawUsername);
  const from = await withOrgLock(ctx, org, async (tx) => {
    const current = await findOrgMember(tx, org.id, user.id);
    if (!current) throw new AppError('MEMBER_NOT_FOUND', `${user.username} is not a member of ${org.name}`);
    if (current.role === role) return undefined;
    if (current.role === 'owner' && (await countOrgOwners(tx, org.id)) <= 1) throw new AppError('LAST_OWNER');
    await setOrgMemberRole(tx, org.id, user.id, role);
    return current.role;
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
 * end at the next registry token request). `leaving` marks a member removing themselves.
 * @throws AppError MEMBER_NOT_FOUND, LAST_OWNER.
 */
export async function removeMember(
  ctx: ServiceContext,
  org: OrganizationRow,
  rawUsername: string,
  actor: OrgActor,
  meta: RequestMeta,
  options: { leaving?: boolean } = {},
): Promise<void> {
  const { user } = await requireMember(ctx, org, rawUsername);
  const role = await withOrgLock(ctx, org, async (tx) => {
    const current = await findOrgMember(tx, org.id, user.id);
    if (!current) throw new AppError('MEMBER_NOT_FOUND', `${user.username} is not a member of ${org.name}`);
    if (current.role === 'owner' && (await countOrgOwners(tx, org.id)) <= 1) throw new AppError('LAST_OWNER');
    await deleteOrgMember(tx, org.id, user.id);
    return current.role;
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
  org: OrganizationRow,
  rawUsername: string,
  role: OrgRole,
  actor: OrgActor,
  meta: RequestMeta,
): Promise<OrgMemberView> {
  const user = await requireUser(ctx, rawUsername);
  await withOrgLock(ctx, org, async (tx) => {
    if (await findOrgMember(tx, org.id, user.id)) {
      throw new AppError('ALREADY_MEMBER', `${user.username} is already a member of ${org.name}`);
    }
    await insertOrgMember(tx, { org_id: org.id, user_id: user.id, role, created_at: isoNow(ctx) });
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

/**
 * Organization groups (Docker Hub "teams"): named sets of members with permissions on the
 * organization's repositories. A member's registry rights are the union of their groups'
 * permissions (owners have every right anyway). Group names are case-insensitive: stored and
 * looked up lowercased.
 */
import { normalizeUsername } from '../../core/account-rules.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import {
  type GroupPermission,
  groupNamePattern,
  normalizeGroupName,
  type Organization,
  type OrgGroup,
} from '../../core/organization-rules.ts';
import { isRepositoryName } from '../../core/repository-name.ts';
import type { PageWindow } from '../../storage/database.ts';
import {
  countGroupMembers,
  deleteGroupMember,
  deleteGroupRepository,
  deleteOrgGroup,
  findGroupRepository,
  findOrgGroup,
  findOrgGroupByNumber,
  type GroupMember,
  type GroupRepositoryPermission,
  insertGroupMember,
  insertOrgGroup,
  listGroupMembers,
  listGroupRepositories,
  listOrgGroups,
  updateOrgGroup,
  upsertGroupRepository,
} from '../../storage/org-group.repository.ts';
import { findOrgRole } from '../../storage/org-member.repository.ts';
import { findUserByUsername } from '../../storage/user.repository.ts';
import type { AuditActor } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import { recordOrgAudit, requireUser, withOrgLock } from './org-member.service.ts';

/** @throws AppError GROUP_NOT_FOUND */
export async function requireGroup(
  ctx: ServiceContext,
  org: Organization,
  rawName: string,
): Promise<OrgGroup> {
  const name = normalizeGroupName(rawName);
  const group = await findOrgGroup(ctx.db, org.id, name);
  if (!group) throw new AppError('GROUP_NOT_FOUND', `group ${name.slice(0, 64)} not found in ${org.name}`);
  return group;
}

/** @throws AppError VALIDATION_FAILED naming `name`. */
function assertGroupName(name: string): void {
  if (!groupNamePattern.test(name)) {
    throw fieldError(
      'name',
      'group name must be 1 to 64 characters: lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
}

/** @throws AppError VALIDATION_FAILED (name), GROUP_EXISTS. */
export async function createGroup(
  ctx: ServiceContext,
  org: Organization,
  input: { name: string; description?: string },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<OrgGroup> {
  const name = normalizeGroupName(input.name);
  assertGroupName(name);
  const draft = {
    id: newId(),
    orgId: org.id,
    name,
    description: input.description ?? '',
    createdAt: isoNow(ctx),
  };
  const group = await insertOrgGroup(ctx.db, draft);
  if (!group) throw new AppError('GROUP_EXISTS', `${org.name} already has a group named ${name}`);
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.team.create', name, data: { id: group.number } },
    actor,
    meta,
  );
  return group;
}

/**
 * Renames a group or changes its description; the audit event lists what changed, and a rename's
 * old and new name (`name_from`, `name_to`).
 * @throws AppError GROUP_NOT_FOUND, VALIDATION_FAILED (name), GROUP_EXISTS (the new name is taken).
 */
export async function updateGroup(
  ctx: ServiceContext,
  org: Organization,
  groupName: string,
  changes: { name?: string; description?: string },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<OrgGroup & { memberCount: number }> {
  const group = await requireGroup(ctx, org, groupName);
  const name = changes.name === undefined ? undefined : normalizeGroupName(changes.name);
  if (name !== undefined) assertGroupName(name);
  const updated = {
    ...group,
    name: name ?? group.name,
    description: changes.description ?? group.description,
  };
  const changed = (['name', 'description'] as const).filter((field) => updated[field] !== group[field]);
  if (changed.length > 0) {
    if (!(await updateOrgGroup(ctx.db, group.id, { name: updated.name, description: updated.description }))) {
      throw new AppError('GROUP_EXISTS', `${org.name} already has a group named ${updated.name}`);
    }
    await recordOrgAudit(
      ctx,
      org,
      {
        action: 'org.team.update',
        name: updated.name,
        data: {
          id: group.number,
          changed,
          previous_name: group.name,
          ...(changed.includes('name') ? { name_from: group.name, name_to: updated.name } : {}),
        },
      },
      actor,
      meta,
    );
  }
  return { ...updated, memberCount: await countGroupMembers(ctx.db, group.id) };
}

/** One group with its member count. @throws AppError GROUP_NOT_FOUND */
export async function getGroup(
  ctx: ServiceContext,
  org: Organization,
  groupName: string,
): Promise<OrgGroup & { memberCount: number }> {
  const group = await requireGroup(ctx, org, groupName);
  return { ...group, memberCount: await countGroupMembers(ctx.db, group.id) };
}

/** The group with Docker Hub's integer id `number` in `org`. @throws AppError GROUP_NOT_FOUND */
export async function requireGroupByNumber(
  ctx: ServiceContext,
  org: Organization,
  number: number,
): Promise<OrgGroup> {
  const group = await findOrgGroupByNumber(ctx.db, org.id, number);
  if (!group) throw new AppError('GROUP_NOT_FOUND', `group ${number} not found in ${org.name}`);
  return group;
}

/**
 * One page of the organization's groups, by name: those whose name contains `search`, and with
 * `username`, those that user is in (none when no such user exists).
 */
export async function listGroups(
  ctx: ServiceContext,
  org: Organization,
  filter: { search?: string; username?: string },
  page: PageWindow,
) {
  let userId: string | undefined;
  if (filter.username) {
    const user = await findUserByUsername(ctx.db, normalizeUsername(filter.username));
    if (!user) return { groups: [], total: 0 };
    userId = user.id;
  }
  return listOrgGroups(ctx.db, org.id, { search: filter.search || undefined, userId }, page);
}

/** Deletes a group, its member list and its repository permissions. @throws AppError GROUP_NOT_FOUND */
export async function deleteGroup(
  ctx: ServiceContext,
  org: Organization,
  rawName: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  const group = await requireGroup(ctx, org, rawName);
  await withOrgLock(ctx, org, (tx) => deleteOrgGroup(tx, group.id));
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.team.delete', name: group.name, data: { id: group.number } },
    actor,
    meta,
  );
}

/**
 * Adds a member of the organization to a group.
 * @throws AppError GROUP_NOT_FOUND, USER_NOT_FOUND, MEMBER_NOT_FOUND (not in the organization),
 *   ALREADY_GROUP_MEMBER.
 */
export async function addGroupMember(
  ctx: ServiceContext,
  org: Organization,
  groupName: string,
  rawUsername: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<GroupMember> {
  const group = await requireGroup(ctx, org, groupName);
  const user = await requireUser(ctx, rawUsername);
  // Under the organization lock, so a member being removed at the same moment is never left in a group.
  const role = await withOrgLock(ctx, org, async (tx) => {
    const role = await findOrgRole(tx, org.id, user.id);
    if (!role) {
      throw new AppError(
        'MEMBER_NOT_FOUND',
        `${user.username} is not a member of ${org.name}; invite them to the organization first`,
      );
    }
    if (!(await findOrgGroup(tx, org.id, group.name))) throw new AppError('GROUP_NOT_FOUND');
    if (!(await insertGroupMember(tx, group.id, user.id))) {
      throw new AppError('ALREADY_GROUP_MEMBER', `${user.username} is already in group ${group.name}`);
    }
    return role;
  });
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.team.member.add', name: user.username, data: { group: group.name } },
    actor,
    meta,
  );
  return { userId: user.id, username: user.username, email: user.email, role, userCreatedAt: user.createdAt };
}

/** @throws AppError GROUP_NOT_FOUND, GROUP_MEMBER_NOT_FOUND. */
export async function removeGroupMember(
  ctx: ServiceContext,
  org: Organization,
  groupName: string,
  rawUsername: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  const group = await requireGroup(ctx, org, groupName);
  const username = normalizeUsername(rawUsername);
  const user = await findUserByUsername(ctx.db, username);
  if (!user || !(await deleteGroupMember(ctx.db, group.id, user.id))) {
    throw new AppError('GROUP_MEMBER_NOT_FOUND', `${username.slice(0, 64)} is not in group ${group.name}`);
  }
  await recordOrgAudit(
    ctx,
    org,
    { action: 'org.team.member.remove', name: user.username, data: { group: group.name } },
    actor,
    meta,
  );
}

export async function listMembersOfGroup(
  ctx: ServiceContext,
  org: Organization,
  groupName: string,
  page: PageWindow,
) {
  const group = await requireGroup(ctx, org, groupName);
  return listGroupMembers(ctx.db, org.id, group.id, page);
}

/**
 * `repository` is the name below the organization (`api` for `acme/api`); it need not exist yet
 * (a group with write permission may push it first).
 * @throws AppError VALIDATION_FAILED.
 */
function assertRepositoryBelow(org: Organization, repository: string): void {
  if (!isRepositoryName(`${org.name}/${repository}`)) {
    throw fieldError('repo', `${org.name}/${repository.slice(0, 255)} is not a valid repository name`);
  }
}

/**
 * Sets the group's permission on one of the organization's repositories (replacing any earlier one).
 * @throws AppError VALIDATION_FAILED (repository name), GROUP_NOT_FOUND.
 */
export async function setGroupRepositoryPermission(
  ctx: ServiceContext,
  org: Organization,
  groupName: string,
  repository: string,
  permission: GroupPermission,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<GroupRepositoryPermission> {
  assertRepositoryBelow(org, repository);
  const group = await requireGroup(ctx, org, groupName);
  const grant: GroupRepositoryPermission = { repository, permission };
  const previous = await withOrgLock(ctx, org, async (tx) => {
    if (!(await findOrgGroup(tx, org.id, group.name))) throw new AppError('GROUP_NOT_FOUND');
    return upsertGroupRepository(tx, group.id, grant);
  });
  if (previous !== permission) {
    await recordOrgAudit(
      ctx,
      org,
      {
        action: 'org.team.repository.permission',
        name: `${org.name}/${repository}`,
        data: { group: group.name, permission, previous: previous ?? null },
      },
      actor,
      meta,
    );
  }
  return grant;
}

/** @throws AppError VALIDATION_FAILED, GROUP_NOT_FOUND, GROUP_REPOSITORY_NOT_FOUND. */
export async function removeGroupRepositoryPermission(
  ctx: ServiceContext,
  org: Organization,
  groupName: string,
  repository: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  assertRepositoryBelow(org, repository);
  const group = await requireGroup(ctx, org, groupName);
  const previous = await deleteGroupRepository(ctx.db, group.id, repository);
  if (!previous) {
    throw new AppError(
      'GROUP_REPOSITORY_NOT_FOUND',
      `group ${group.name} has no permission on ${org.name}/${repository}`,
    );
  }
  await recordOrgAudit(
    ctx,
    org,
    {
      action: 'org.team.repository.permission',
      name: `${org.name}/${repository}`,
      data: { group: group.name, permission: null, previous },
    },
    actor,
    meta,
  );
}

export async function listGroupRepositoryPermissions(
  ctx: ServiceContext,
  org: Organization,
  groupName: string,
  page: PageWindow,
) {
  const group = await requireGroup(ctx, org, groupName);
  return listGroupRepositories(ctx.db, group.id, page);
}

/**
 * A group's permission on one of the organization's repositories.
 * @throws AppError VALIDATION_FAILED, GROUP_REPOSITORY_NOT_FOUND.
 */
export async function getGroupRepositoryPermission(
  ctx: ServiceContext,
  org: Organization,
  group: OrgGroup,
  repository: string,
): Promise<GroupRepositoryPermission> {
  assertRepositoryBelow(org, repository);
  const permission = await findGroupRepository(ctx.db, group.id, repository);
  if (!permission) {
    throw new AppError(
      'GROUP_REPOSITORY_NOT_FOUND',
      `group ${group.name} has no permission on ${org.name}/${repository}`,
    );
  }
  return { repository, permission };
}

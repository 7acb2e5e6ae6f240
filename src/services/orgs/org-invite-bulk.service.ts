/**
 * Docker Hub's bulk invites (`POST /v2/invites/bulk`): several invitees at once, each answered with
 * a status instead of failing the whole request, optionally as a dry run that only checks.
 */

import { AppError, fieldError } from '../../core/errors.ts';
import type { Organization, OrgInvite, OrgRole } from '../../core/organization-rules.ts';
import { ownerRoleRefusal } from '../../core/organization-rules.ts';
import type { AuditActor } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { requireGroup } from './org-group.service.ts';
import { checkInvite, createInvite } from './org-invite.service.ts';

/** Docker Hub's statuses, and `already_invited` for an invitee with a pending invite. */
export type BulkInviteStatus =
  | 'invited'
  | 'existing_org_member'
  | 'already_invited'
  | 'invalid_email_or_docker_id';

export interface BulkInviteResult {
  invitee: string;
  status: BulkInviteStatus;
  /** The invite sent; absent on a dry run and for a refused invitee. */
  invite?: OrgInvite;
}

const statusOfError: Partial<Record<string, BulkInviteStatus>> = {
  VALIDATION_FAILED: 'invalid_email_or_docker_id',
  USER_NOT_FOUND: 'invalid_email_or_docker_id',
  ALREADY_MEMBER: 'existing_org_member',
  INVITE_EXISTS: 'already_invited',
};

/**
 * Invites each of `invitees` (usernames or email addresses), in order; `dryRun` checks without
 * sending. A refused invitee gets its status; anything else (the store failing) fails the call.
 * @throws AppError VALIDATION_FAILED naming `team` when the organization has no such group.
 */
export async function inviteMany(
  ctx: ServiceContext,
  org: Organization,
  input: { invitees: readonly string[]; role?: OrgRole; team?: string; dryRun: boolean },
  actor: AuditActor,
  meta: RequestMeta,
  options: { byToken?: boolean } = {},
): Promise<BulkInviteResult[]> {
  if (options.byToken && input.role === 'owner') throw new AppError('ORG_FORBIDDEN', ownerRoleRefusal);
  const team = input.team || undefined;
  if (team) {
    await requireGroup(ctx, org, team).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'GROUP_NOT_FOUND') {
        throw fieldError('team', `${org.name} has no group named ${team.slice(0, 64)}`);
      }
      throw error;
    });
  }
  const results: BulkInviteResult[] = [];
  for (const invitee of input.invitees) {
    const request = { invitee, role: input.role, team };
    try {
      if (input.dryRun) {
        await checkInvite(ctx, org, request);
        results.push({ invitee, status: 'invited' });
      } else {
        results.push({
          invitee,
          status: 'invited',
          invite: await createInvite(ctx, org, request, actor, meta),
        });
      }
    } catch (error) {
      const status = error instanceof AppError ? statusOfError[error.code] : undefined;
      if (!status) throw error;
      results.push({ invitee, status });
    }
  }
  return results;
}

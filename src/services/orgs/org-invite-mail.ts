/**
 * The invite mail: to the invited address for an email invite, or to the invited account's
 * verified address for a username invite (an unverified address gets nothing but verification
 * mail). Its link opens the console's organizations page, where the invitee, signed in to the
 * right account, accepts or declines.
 */
import type { Organization, OrgInvite } from '../../core/organization-rules.ts';
import type { Db } from '../../storage/database.ts';
import { findEmailState } from '../../storage/user-email.repository.ts';
import { queueMail } from '../mail/outbox.service.ts';
import type { AuditActor } from '../shared/audit.service.ts';
import type { ServiceContext } from '../shared/context.ts';

export async function mailInvite(
  ctx: ServiceContext,
  db: Db,
  org: Organization,
  invite: Pick<OrgInvite, 'invitee' | 'inviteeUserId' | 'role'>,
  inviter: AuditActor,
): Promise<void> {
  let to: string | undefined = invite.invitee.includes('@') ? invite.invitee : undefined;
  if (!to && invite.inviteeUserId) {
    const state = await findEmailState(db, invite.inviteeUserId);
    to = state?.verifiedAt ? state.email : undefined;
  }
  if (!to) return;
  await queueMail(ctx, db, {
    to,
    template: 'invite',
    values: {
      inviter: inviter.name,
      org: org.name,
      role: invite.role,
      invitee: to,
      link: `${ctx.config.publicUrl}/orgs`,
    },
  });
}

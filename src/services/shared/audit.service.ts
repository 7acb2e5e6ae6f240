/**
 * Records audit events. Event data must never hold a secret: callers pass labels, ids and changed
 * field names, and `recordAudit` drops any key that looks like a secret as a second line of defence.
 */
import { newId } from '../../core/ids.ts';
import { insertAuditEvent } from '../../storage/audit.repository.ts';
import type { Db } from '../../storage/database.ts';
import { isoNow, type RequestMeta, type ServiceContext } from './context.ts';

export const auditActions = {
  'account.login.success': 'Signed in',
  'account.login.failure': 'Failed sign-in',
  'account.create': 'Account created',
  'account.password.change': 'Password changed',
  'account.admin.change': 'Instance administrator right granted or revoked',
  'account.2fa.enable': 'Two-factor authentication enabled',
  'account.2fa.disable': 'Two-factor authentication disabled',
  'account.recovery_code.use': 'Recovery code used',
  'account.login.2fa_failure': 'Failed two-factor code',
  'account.access_token.create': 'Personal access token created',
  'account.access_token.update': 'Personal access token updated',
  'account.access_token.delete': 'Personal access token deleted',
  'account.access_token.auto_create': 'Auto-generated personal access token created',
  'account.access_token.auto_remove': 'Auto-generated personal access token removed',
  'account.device.approve': 'Device sign-in approved',
  'account.device.deny': 'Device sign-in denied',
  'account.access_token.expired_use': 'Expired personal access token used',
  'repository.create': 'Repository created',
  'repository.update': 'Repository updated',
  'repository.delete': 'Repository deleted',
  'org.create': 'Organization created',
  'org.tier.change': 'Organization tier changed',
  'org.member.add': 'Member added',
  'org.member.role.change': 'Member role changed',
  'org.member.remove': 'Member removed',
  'org.group.create': 'Group created',
  'org.group.delete': 'Group deleted',
  'org.group.member.add': 'Group member added',
  'org.group.member.remove': 'Group member removed',
  'org.group.repository.permission': 'Group repository permission set',
  'org.invite.create': 'Invite sent',
  'org.invite.accept': 'Invite accepted',
  'org.invite.decline': 'Invite declined',
  'org.invite.cancel': 'Invite cancelled',
  'org.access_token.create': 'Organization access token created',
  'org.access_token.update': 'Organization access token updated',
  'org.access_token.delete': 'Organization access token deleted',
  'org.access_token.expired_use': 'Expired organization access token used',
} as const;

export type AuditAction = keyof typeof auditActions;

export interface AuditEventInput {
  account: { id: string; name: string };
  action: AuditAction;
  name: string;
  actor: { id: string | null; name: string };
  meta: RequestMeta;
  data?: Record<string, unknown>;
}

const secretLikeKey = /secret|password|token$|hash/i;

export async function recordAudit(
  ctx: Pick<ServiceContext, 'clock'> & { db: Db },
  event: AuditEventInput,
): Promise<void> {
  const data = Object.fromEntries(
    Object.entries(event.data ?? {}).filter(([key]) => !secretLikeKey.test(key)),
  );
  await insertAuditEvent(ctx.db, {
    id: newId(),
    account_id: event.account.id,
    account_name: event.account.name,
    action: event.action,
    name: event.name.slice(0, 200),
    actor_id: event.actor.id,
    actor_name: event.actor.name,
    ip: event.meta.ip.slice(0, 64),
    user_agent: event.meta.userAgent.slice(0, 512),
    data: JSON.stringify(data),
    created_at: isoNow(ctx),
  });
}

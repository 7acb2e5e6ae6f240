/**
 * The audit action catalogue: every action an audit event can record, with its description, and
 * the grouping that Docker Hub's `GET /v2/auditlogs/{account}/actions` shows.
 */

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
  'account.oidc_connection.create': 'OIDC connection created',
  'account.oidc_connection.update': 'OIDC connection updated',
  'account.oidc_connection.delete': 'OIDC connection deleted',
  'account.oidc_connection.exchange': 'CI identity token exchanged at an OIDC connection',
  'org.oidc_connection.create': 'OIDC connection created',
  'org.oidc_connection.update': 'OIDC connection updated',
  'org.oidc_connection.delete': 'OIDC connection deleted',
  'org.oidc_connection.exchange': 'CI identity token exchanged at an OIDC connection',
} as const;

export type AuditAction = keyof typeof auditActions;

/** One audit event as the audit log shows it. `data` never holds a secret. */
export interface AuditEvent {
  id: string;
  /** Id of the account (user or organization) whose log holds the event. */
  accountId: string;
  accountName: string;
  action: string;
  /** What the action was about (a token label, a member name). */
  name: string;
  actorId: string | null;
  actorName: string;
  ip: string;
  userAgent: string;
  /** What changed. */
  data: Record<string, unknown>;
  createdAt: string;
}

export function isAuditAction(action: string): action is AuditAction {
  return Object.hasOwn(auditActions, action);
}

/** The catalogue's description of an action; events of a retired action show their name. */
export function describeAuditAction(action: string): string {
  return isAuditAction(action) ? auditActions[action] : action;
}

/** Labels of the action groups (the first segment of an action name). */
const groupLabels: Record<string, string> = {
  account: 'Account',
  org: 'Organization',
  repository: 'Repository',
};

export interface AuditActionGroup {
  label: string;
  actions: { name: string; description: string; label: string }[];
}

/**
 * The catalogue grouped by the first segment of each action name, in catalogue order, in
 * Docker Hub's `…/actions` shape. `name` is the value the `action` filter takes; `label` is the
 * description in title case (Docker Hub's labels read "Repository Created").
 *
 * @example auditActionGroups().account.actions[0]
 * // { name: 'account.login.success', description: 'Signed in', label: 'Signed In' }
 */
export function auditActionGroups(): Record<string, AuditActionGroup> {
  const groups: Record<string, AuditActionGroup> = {};
  for (const [name, description] of Object.entries(auditActions)) {
    const key = name.split('.')[0] ?? name;
    const group = groups[key] ?? { label: groupLabels[key] ?? titleCase(key), actions: [] };
    group.actions.push({ name, description, label: titleCase(description) });
    groups[key] = group;
  }
  return groups;
}

function titleCase(text: string): string {
  return text.replace(/(^|\s)(\S)/g, (_match, space: string, letter: string) => space + letter.toUpperCase());
}

/**
 * The audit action catalogue: every action an audit event can record, with its description, and
 * the grouping that Docker Hub's `GET /v2/auditlogs/{account}/actions` shows. Names are Docker
 * Hub's where Docker has the action (`repo.*`, `org.team.*` for groups, `org.member.invite.send`,
 * `org.access_token.*`); the others follow the same pattern (`account.*` are tokenhub's).
 */

export const auditActions = {
  'account.login.success': 'Signed in',
  'account.login.failure': 'Failed sign-in',
  'account.create': 'Account created',
  'account.password.change': 'Password changed',
  'account.password.reset': 'Password reset through an emailed link',
  'account.password.admin_reset': 'Password reset by the operator',
  'account.email.verify': 'Email address verified',
  'account.email.change': 'Email address changed',
  'account.2fa.admin_disable': 'Two-factor authentication turned off by the operator',
  'account.recovery_code.regenerate': 'Recovery codes regenerated',
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
  'repo.create': 'Repository created',
  'repo.update': 'Repository updated',
  'repo.change_privacy': 'Repository privacy changed',
  'repo.delete': 'Repository deleted',
  'repo.tag.push': 'Tag pushed',
  'repo.tag.delete': 'Tag deleted',
  'org.create': 'Organization created',
  'org.tier.change': 'Organization tier changed',
  'org.settings.update': 'Organization settings changed',
  'org.member.add': 'Member added',
  'org.member.role.change': 'Member role changed',
  'org.member.remove': 'Member removed',
  'org.member.invite.send': 'Member invited',
  'org.member.invite.resend': 'Invite sent again',
  'org.member.invite.accept': 'Invite accepted',
  'org.member.invite.decline': 'Invite declined',
  'org.member.invite.cancel': 'Invite cancelled',
  'org.team.create': 'Team created',
  'org.team.update': 'Team updated',
  'org.team.delete': 'Team deleted',
  'org.team.member.add': 'Team member added',
  'org.team.member.remove': 'Team member removed',
  'org.team.repository.permission': 'Team repository permission set',
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
  'org.company.add': 'Organization added to a company',
  'org.company.remove': 'Organization removed from a company',
  'company.create': 'Company created',
  'company.rename': 'Company renamed',
  'company.delete': 'Company deleted',
  'company.org.add': 'Organization added',
  'company.org.remove': 'Organization removed',
  'company.owner.add': 'Company owner added',
  'company.owner.remove': 'Company owner removed',
  'account.access_token.address_refused': 'Personal access token refused: address not allowed',
  'org.access_token.address_refused': 'Organization access token refused: address not allowed',
  'account.access_token.expire_unused': 'Unused personal access token expired',
  'org.access_token.expire_unused': 'Unused organization access token expired',
  'org.token_policy.update': 'Token policy changed',
  'account.session.end': 'Session ended (signed out or revoked)',
  'account.session.end_others': 'Every other session ended',
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
  repo: 'Repository',
};

export interface AuditActionGroup {
  label: string;
  actions: { name: string; description: string; label: string }[];
}

/**
 * The catalogue grouped by the first segment of each action name, in catalogue order, in Docker
 * Hub's `…/actions` shape: `name` is the rest of the action name (Docker Hub lists `tag.push` in
 * group `repo`; the `action` filter takes the whole `repo.tag.push`); `label` is the description
 * in title case (Docker Hub's labels read "Repository Created").
 *
 * @example auditActionGroups().account.actions[0]
 * // { name: 'login.success', description: 'Signed in', label: 'Signed In' }
 */
export function auditActionGroups(): Record<string, AuditActionGroup> {
  const groups: Record<string, AuditActionGroup> = {};
  for (const [action, description] of Object.entries(auditActions)) {
    const dot = action.indexOf('.');
    const key = action.slice(0, dot);
    const group = groups[key] ?? { label: groupLabels[key] ?? titleCase(key), actions: [] };
    group.actions.push({ name: action.slice(dot + 1), description, label: titleCase(description) });
    groups[key] = group;
  }
  return groups;
}

function titleCase(text: string): string {
  return text.replace(/(^|\s)(\S)/g, (_match, space: string, letter: string) => space + letter.toUpperCase());
}

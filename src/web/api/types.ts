/**
 * The Hub API shapes the console reads: the server's own contract (src/api/contract), imported as
 * types only, under the names the console's pages use.
 */
export type {
  AccessTokenObject as AccessToken,
  AccessTokenPage,
  OatResourceObject as OatResource,
  OrgAccessTokenObject as OrgAccessToken,
  OrgAccessTokenPage,
  TokenStatus,
} from '../../api/contract/access-tokens.contract.ts';
export type {
  AccountSessionList,
  AccountSessionObject as AccountSession,
} from '../../api/contract/account-sessions.contract.ts';
export type { ConsoleSession, TwoFactorState } from '../../api/contract/accounts.contract.ts';
export type {
  AuditActionsObject as AuditActions,
  AuditLogObject as AuditEvent,
  AuditLogPage,
} from '../../api/contract/audit-log.contract.ts';
export type { Page } from '../../api/contract/common.contract.ts';
export type { DeviceRequestObject as DeviceRequest } from '../../api/contract/device-sign-in.contract.ts';
export type { EmailState } from '../../api/contract/mail.contract.ts';
export type {
  OidcConnectionObject as OidcConnection,
  OidcFailureObject as OidcFailure,
  OidcRulesetObject as OidcRuleset,
} from '../../api/contract/oidc.contract.ts';
export type {
  OrgSettingsObject as OrgImageSettings,
  RegistryAccessObject as RegistryAccess,
} from '../../api/contract/org-settings.contract.ts';
export type {
  BulkInviteReplyObject as BulkInviteReply,
  InviteObject as Invite,
  MembershipObject as Membership,
  OrganizationObject as Organization,
} from '../../api/contract/orgs.contract.ts';
export type { GroupPermissionWords, PatLevelWords } from '../../api/contract/permission-words.contract.ts';
export type {
  RepositoryListEntry as Repository,
  RepositoryPage,
} from '../../api/contract/repositories.contract.ts';
export type { OrgTokenPolicyObject as OrgTokenPolicy } from '../../api/contract/token-policy.contract.ts';

/**
 * The Kysely view of the database, one interface per table. Portable across SQLite and
 * PostgreSQL: timestamps are ISO 8601 UTC strings (`2026-11-24T06:40:00.000Z`, which sort as
 * text), booleans are integers 0/1, lists are JSON text.
 */
import type { EmailCodesTable, MailOutboxTable } from './schema/mail.tables.ts';
import type {
  OidcConnectionsTable,
  OidcFailuresTable,
  OidcTokensTable,
  OidcUsedJtisTable,
} from './schema/oidc.tables.ts';
export interface UsersTable {
  id: string;
  /** Lowercase; unique. */
  username: string;
  email: string;
  /** argon2id PHC string. */
  password_hash: string;
  is_admin: number;
  created_at: string;
  updated_at: string;
  /** Hub sessions issued before this instant are refused (set on password change). */
  sessions_valid_after: string | null;
  /** When `email` was verified (a link mailed to it was followed); null while unverified. */
  email_verified_at?: string | null;
  /** 1 (the default): mail token expiry notices; 0: the account turned them off. */
  expiry_notices?: number;
}

export interface AccessTokensTable {
  id: string;
  /** `user` for personal tokens, `org` for organization tokens. */
  owner_kind: 'user' | 'org';
  owner_id: string;
  kind: 'pat' | 'oat';
  generated_by: 'manual' | 'auto';
  label: string;
  description: string;
  /** JSON: PAT scope list, or OAT resources. */
  scopes: string;
  /** SHA-256 hex of the whole secret; unique. */
  secret_hash: string;
  /** Non-secret display hint (`thub_pat_Ab3x…`). */
  hint: string;
  client_id: string;
  created_at: string;
  /** User id of the creator (for OATs, the owner who made it). */
  created_by: string | null;
  creator_ip: string;
  creator_ua: string;
  expires_at: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  last_used_ua: string | null;
  is_active: number;
  /** JSON: a PAT's resources (core/pat-resources.ts); `[]` for none and for OATs. */
  resources: string;
  /** JSON: the networks (CIDR) the token may be used from; `[]`: anywhere. */
  allowed_cidrs: string;
}

/** The last distinct client addresses of a token (at most five kept), from the buffered last-used writer. */
export interface AccessTokenAddressesTable {
  token_id: string;
  ip: string;
  first_seen_at: string;
  last_seen_at: string;
}

/** An organization's token policy (core/token-policy.ts); no row: no policy. */
export interface OrgTokenPoliciesTable {
  org_id: string;
  oat_max_lifetime_days: number | null;
  pat_max_lifetime_days: number | null;
  require_fine_grained_pats: number;
  updated_at: string;
  /** Username of the owner who last changed it. */
  updated_by: string | null;
}

export interface AuditEventsTable {
  id: string;
  /** Id of the account (user or organization) whose log holds the event. */
  account_id: string;
  account_name: string;
  /** Dotted action name, e.g. `account.access_token.create`. */
  action: string;
  /** What the action was about (a token label, a member name). */
  name: string;
  actor_id: string | null;
  actor_name: string;
  ip: string;
  user_agent: string;
  /** JSON object with what changed; never a secret. */
  data: string;
  created_at: string;
}

export interface ServerKeysTable {
  id: string;
  /** `hub-session` (HMAC secret) or `registry-signing` (P-256 key). */
  purpose: string;
  /** `next` (published, not signing yet), `active` (signing), `previous` (published, no longer signing), `retired`. */
  state: string;
  /** PEM private key, or base64 HMAC secret. */
  private_key: string;
  certificate: string | null;
  key_id: string | null;
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
}

export interface RepositoriesTable {
  id: string;
  /** The owning namespace: a username or an organization name (they share one space). */
  namespace: string;
  /** The path below the namespace (`app`, `team/app`). */
  name: string;
  is_private: number;
  description: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
}

/** What the Hub API shows of a repository beyond its access record; one row per repository, when known. */
export interface RepositoryDetailsTable {
  repository_id: string;
  full_description: string;
  /** Manifest GETs the registry reported (`TOKENHUB_REGISTRY_NOTIFY_SECRET`). */
  pull_count: number | string;
  last_pushed_at: string | null;
  last_pulled_at: string | null;
  /** JSON: the manifest media types pushed. */
  media_types: string;
}

/** A tag as the registry's notifications reported it. */
export interface RepositoryTagsTable {
  repository_id: string;
  tag: string;
  digest: string;
  media_type: string;
  /** Bytes of the manifest as pushed. */
  size: number | string;
  pushed_at: string | null;
  /** The account the registry named as the pusher (the registry token's subject). */
  pushed_by: string | null;
  pulled_at: string | null;
}

/** Registry notifications applied (their event ids), so a redelivery counts once; pruned after a week. */
export interface RegistryEventsTable {
  id: string;
  received_at: string;
}

export interface NamespacesTable {
  /** A username, an organization name or a company name; each name once. */
  name: string;
  kind: 'user' | 'org' | 'company';
  owner_id: string;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  /** `free` (no OATs), `team` (10 OATs), `business` (100 OATs). */
  tier: 'free' | 'team' | 'business';
  created_at: string;
  updated_at: string;
  created_by: string | null;
}

/** Image and registry access management of an organization, each as its JSON text (core/org-settings-rules.ts). */
export interface OrganizationSettingsTable {
  org_id: string;
  image_access: string;
  registry_access: string;
  updated_at: string;
}

export interface OrgMembersTable {
  org_id: string;
  user_id: string;
  role: 'owner' | 'editor' | 'member';
  created_at: string;
}

export interface OrgGroupsTable {
  id: string;
  /** Docker Hub's integer group id; unique across the instance. */
  number: number;
  org_id: string;
  name: string;
  description: string;
  created_at: string;
}

export interface OrgGroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface OrgGroupRepositoriesTable {
  group_id: string;
  /** Repository name below the organization (`api` for `acme/api`). */
  repository: string;
  permission: 'read' | 'write' | 'admin';
}

export interface OrgInvitesTable {
  id: string;
  org_id: string;
  /** Username or email as the inviter typed it (lowercased). */
  invitee: string;
  /** Set when the invitee is (or became) a known user. */
  invitee_user_id: string | null;
  role: 'owner' | 'editor' | 'member';
  invited_by: string | null;
  created_at: string;
  /** The group (Docker Hub's team) the invitee joins on accepting, if any. */
  group_id: string | null;
}

export interface CompaniesTable {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
}

export interface CompanyOwnersTable {
  company_id: string;
  user_id: string;
  created_at: string;
}

/** The organizations of companies: an organization is in at most one. */
export interface CompanyOrganizationsTable {
  org_id: string;
  company_id: string;
  added_at: string;
}

export interface UserTotpTable {
  user_id: string;
  /** AES-256-GCM sealed base32 secret (core/secret-box.ts) once enabled. */
  secret_sealed: string | null;
  /** Sealed secret between setup and the confirming code. */
  pending_secret_sealed: string | null;
  enabled_at: string | null;
  /** Highest TOTP time step accepted: a code is never accepted twice. */
  last_used_step: number | string;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  /** SHA-256 hex of the normalized code. */
  code_hash: string;
  used_at: string | null;
}

export interface LoginChallengesTable {
  /** SHA-256 hex of the login_2fa_token. */
  token_hash: string;
  user_id: string;
  expires_at: string;
  attempts: number;
  created_at: string;
}

export interface DeviceSignInsTable {
  id: string;
  /** `device` (RFC 8628 device authorization) or `desktop` (`POST /v2/access-tokens/desktop-generate`). */
  kind: 'device' | 'desktop';
  /** SHA-256 hex of the device code; null for desktop sign-ins. */
  device_code_hash: string | null;
  /** Normalized user code (8 letters, no dash); unique among pending requests. */
  user_code: string | null;
  client_id: string;
  client_name: string;
  /** `pending` → `approved` | `denied`; `approved` → `completed` once the device collected its token. */
  status: 'pending' | 'approved' | 'denied' | 'completed';
  /** The account that approved or denied the request. */
  user_id: string | null;
  /** The auto-generated token of a completed sign-in; deleting the token deletes the row. */
  token_id: string | null;
  /** Address and client of the device that asked. */
  ip: string;
  user_agent: string;
  created_at: string;
  /** When the device code expires (not the sign-in: that is the token's `expires_at`). */
  expires_at: string;
  /** Seconds the device must wait between polls; `slow_down` adds 5. */
  interval_seconds: number;
  /** 1 when the device asked for a CLI session next to its token (`scope=session`). */
  session_requested: number;
  last_polled_at: string | null;
  decided_at: string | null;
}

/** Keyed hashes of (account name, client address) that signed in with the password. */
export interface KnownSignInAddressesTable {
  key_hash: string;
  last_seen_at: string;
}

export type { EmailCodesTable, MailOutboxTable } from './schema/mail.tables.ts';
export type {
  OidcConnectionsTable,
  OidcFailuresTable,
  OidcTokensTable,
  OidcUsedJtisTable,
} from './schema/oidc.tables.ts';

export interface Database {
  users: UsersTable;
  access_tokens: AccessTokensTable;
  audit_events: AuditEventsTable;
  server_keys: ServerKeysTable;
  repositories: RepositoriesTable;
  repository_details: RepositoryDetailsTable;
  repository_tags: RepositoryTagsTable;
  registry_events: RegistryEventsTable;
  namespaces: NamespacesTable;
  organizations: OrganizationsTable;
  organization_settings: OrganizationSettingsTable;
  org_members: OrgMembersTable;
  org_groups: OrgGroupsTable;
  org_group_members: OrgGroupMembersTable;
  org_group_repositories: OrgGroupRepositoriesTable;
  org_invites: OrgInvitesTable;
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodesTable;
  login_challenges: LoginChallengesTable;
  device_sign_ins: DeviceSignInsTable;
  oidc_connections: OidcConnectionsTable;
  oidc_tokens: OidcTokensTable;
  oidc_used_jtis: OidcUsedJtisTable;
  oidc_failures: OidcFailuresTable;
  companies: CompaniesTable;
  company_owners: CompanyOwnersTable;
  company_organizations: CompanyOrganizationsTable;
  access_token_addresses: AccessTokenAddressesTable;
  org_token_policies: OrgTokenPoliciesTable;
  mail_outbox: MailOutboxTable;
  email_codes: EmailCodesTable;
  known_sign_in_addresses: KnownSignInAddressesTable;
  account_sessions: AccountSessionsTable;
}

export interface AccountSessionsTable {
  id: string;
  user_id: string;
  /** `console`, `api` (a Hub login with a password) or `cli` (with a refresh token). */
  kind: string;
  device: string;
  ip: string;
  user_agent: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** SHA-256 (hex) of a CLI session's refresh token; null for the others. */
  refresh_hash: string | null;
}

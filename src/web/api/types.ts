/**
 * Shapes of the Hub API replies the console reads (docs/api.md, `GET /openapi.json`). Only the
 * fields the console uses are listed.
 */

export interface ConsoleSession {
  username: string;
  email: string;
  is_admin: boolean;
  csrf_token: string;
  expires_at: string;
}

export type TokenStatus = 'active' | 'inactive' | 'expired';

export interface AccessToken {
  uuid: string;
  client_id: string;
  creator_ip: string;
  creator_ua: string;
  created_at: string;
  last_used: string | null;
  generated_by: 'manual' | 'auto';
  is_active: boolean;
  token: string;
  token_label: string;
  scopes: string[];
  expires_at: string | null;
  status: TokenStatus;
  last_used_ip: string | null;
  last_used_ua: string | null;
  token_hint: string;
}

export interface AccessTokenPage {
  count: number;
  next: string | null;
  previous: string | null;
  active_count: number;
  results: AccessToken[];
}

export type ResourceType = 'TYPE_REPO' | 'TYPE_ORG';

export interface OatResource {
  type: ResourceType;
  path: string;
  scopes: string[];
}

export interface OrgAccessToken {
  id: string;
  label: string;
  description: string;
  created_by: string;
  is_active: boolean;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  resources: OatResource[];
  token?: string;
  status: TokenStatus;
  last_used_ip: string | null;
  last_used_ua: string | null;
  token_hint: string;
}

export interface OrgAccessTokenPage {
  total: number;
  next: string | null;
  previous: string | null;
  results: OrgAccessToken[];
}

/** `GET /v2/users/me/orgs`: an organization the account belongs to, and its role there. */
export interface Membership {
  id: string;
  name: string;
  tier: 'free' | 'team' | 'business';
  role: 'owner' | 'member';
}

export interface Organization {
  id: string;
  name: string;
  tier: 'free' | 'team' | 'business';
  created_at: string;
  role: 'owner' | 'member' | null;
  access_tokens: { count: number; limit: number };
}

export interface Repository {
  name: string;
  namespace: string;
  is_private: boolean;
  description: string;
}

export interface RepositoryPage {
  count: number;
  next: string | null;
  results: Repository[];
}

export interface Invite {
  id: string;
  org: string;
  invitee: string;
  role: 'owner' | 'member';
  invited_by: string | null;
  created_at: string;
}

export interface TwoFactorState {
  enabled: boolean;
  recovery_codes_left: number;
}

export interface AuditEvent {
  account: string;
  action: string;
  name: string;
  actor: string;
  data: Record<string, unknown>;
  timestamp: string;
  action_description: string;
  ip?: string;
  user_agent?: string;
}

export interface AuditLogPage {
  logs: AuditEvent[];
  count: number;
  next: string | null;
  previous: string | null;
}

export interface AuditActions {
  actions: Record<string, { label: string; actions: { name: string; description: string; label: string }[] }>;
}

/**
 * `GET /v2/device/verify?user_code=…`: who asks to sign in. Written against the device sign-in
 * contract; every field but the code is optional so a reply with fewer fields still renders.
 */
export interface DeviceRequest {
  user_code?: string;
  client_id?: string;
  client_name?: string;
  ip?: string;
  user_agent?: string;
  created_at?: string;
  expires_at?: string;
  status?: string;
}

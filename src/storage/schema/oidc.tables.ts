/** OIDC connections, the tokens exchanged at them, used `jti`s and the failure log (docs/oidc.md). */

export interface OidcConnectionsTable {
  id: string;
  /** `user` or `org`: the namespace the connection grants in is the owner's. */
  owner_kind: 'user' | 'org';
  owner_id: string;
  label: string;
  /** Compared with the token's `iss` exactly. */
  issuer: string;
  audience: string;
  token_ttl_seconds: number;
  single_use: number;
  is_active: number;
  /** JSON: the rulesets (core/oidc-rules.ts `OidcRuleset`). */
  rulesets: string;
  created_at: string;
  updated_at: string;
  created_by: string | null;
  last_used_at: string | null;
}

export interface OidcTokensTable {
  id: string;
  connection_id: string;
  /** SHA-256 hex of the whole `thub_oidc_…` secret; unique. */
  secret_hash: string;
  hint: string;
  /** The identity token's `sub`. */
  subject: string;
  /** JSON: the merged resources of the rulesets that matched. */
  resources: string;
  created_at: string;
  expires_at: string;
}

export interface OidcUsedJtisTable {
  connection_id: string;
  jti: string;
  /** When the identity token expires; the row can go then. */
  expires_at: string;
}

export interface OidcFailuresTable {
  id: string;
  connection_id: string;
  created_at: string;
  reason: string;
  subject: string | null;
  ip: string;
  user_agent: string;
}

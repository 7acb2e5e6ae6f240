/** The mail outbox and the single-use codes of mailed links (docs/mail.md). */

/** Mail waiting to be sent, being sent, sent or given up (services/mail/mail-sender.ts). */
export interface MailOutboxTable {
  id: string;
  /** What the mail is (`verify-email`, `password-reset`, `invite`, `expiry-digest`, `security-notice`…). */
  kind: string;
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  /** A mail that must exist once (`expiry:<user id>:<day>`); unique, null for the others. */
  dedupe_key: string | null;
  /** `pending`, `sent` or `given_up`. */
  state: string;
  attempts: number;
  next_attempt_at: string;
  /** The sender run that holds the row until `claimed_until`. */
  claim_id: string | null;
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

/** Single-use codes of mailed links; only their SHA-256 is kept. */
export interface EmailCodesTable {
  code_hash: string;
  user_id: string;
  /** `verify-email` or `password-reset`. */
  purpose: string;
  /** The address the link was sent to (for `verify-email`, the address it verifies). */
  email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

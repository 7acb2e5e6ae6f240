/**
 * Keys every process shares, kept in the store: the HMAC secret of Hub sessions and the registry
 * signing keys with their certificates (rotation states in registry/signing-keys.service.ts).
 */
export type ServerKeyPurpose = 'hub-session' | 'registry-signing';

/** `next` (published, not signing yet), `active` (signing), `previous` (published, no longer signing), `retired`. */
export type ServerKeyState = 'next' | 'active' | 'previous' | 'retired';

export interface ServerKey {
  id: string;
  purpose: ServerKeyPurpose;
  state: ServerKeyState;
  /** PEM private key, or base64 HMAC secret. */
  privateKey: string;
  certificate: string | null;
  /** The libtrust key id of a signing key. */
  keyId: string | null;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
}

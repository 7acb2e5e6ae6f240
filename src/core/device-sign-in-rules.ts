/**
 * Device and desktop sign-ins (RFC 8628): the request as the services see it, and its user codes,
 * 8 letters shown as `BCDF-GHJK` and typed by a person on another device, so short, unambiguous and
 * case- and dash-insensitive (§6.1).
 */
import { randomString } from './random.ts';

/**
 * A sign-in request. `device`: RFC 8628 device authorization; `desktop`: `POST
 * /v2/access-tokens/desktop-generate`. Status: `pending` → `approved` | `denied`; `approved` →
 * `completed` once the device collected its auto-generated token.
 */
export interface DeviceSignIn {
  id: string;
  kind: 'device' | 'desktop';
  /** SHA-256 hex of the device code; null for desktop sign-ins. */
  deviceCodeHash: string | null;
  /** Normalized user code (8 letters, no dash); unique among pending requests. */
  userCode: string | null;
  clientId: string;
  clientName: string;
  status: 'pending' | 'approved' | 'denied' | 'completed';
  /** The account that approved or denied the request. */
  userId: string | null;
  /** The auto-generated token of a completed sign-in. */
  tokenId: string | null;
  /** Address and client of the device that asked. */
  ip: string;
  userAgent: string;
  createdAt: string;
  /** When the device code expires (not the sign-in: that is the token's expiry). */
  expiresAt: string;
  /** Seconds the device must wait between polls; `slow_down` adds 5. */
  intervalSeconds: number;
  lastPolledAt: string | null;
  decidedAt: string | null;
  /**
   * The device asked (`scope=session`) for a CLI session next to its token: approving also lets it
   * manage the account's tokens until that session ends (signed out, revoked, expired).
   */
  sessionRequested: boolean;
}

/** Consonants without look-alikes (RFC 8628 §6.1): no vowels (no words), no I/O/0/1 confusion. */
const userCodeAlphabet = 'BCDFGHJKLMNPQRSTVWXZ';
const userCodeLength = 8;

/** A fresh user code, normalized (8 letters); every letter equally likely. */
export function generateUserCode(): string {
  return randomString(userCodeAlphabet, userCodeLength);
}

/** `BCDFGHJK` → `BCDF-GHJK`, the form shown and typed. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed (any case, dashes and spaces anywhere) → the stored form.
 * @returns undefined when it cannot be a user code.
 */
export function normalizeUserCode(raw: string): string | undefined {
  const code = raw.replace(/[\s-]/g, '').toUpperCase();
  return new RegExp(`^[${userCodeAlphabet}]{${userCodeLength}}$`).test(code) ? code : undefined;
}

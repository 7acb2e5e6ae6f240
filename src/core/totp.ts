/**
 * TOTP (RFC 6238) as authenticator apps expect it: SHA-1, 6 digits, 30-second steps, a 160-bit
 * secret. A code is accepted one step either side of now (clock drift), and the step it matched is
 * returned so the caller can refuse a code that was already used.
 */
import { Secret, TOTP } from 'otpauth';
import { randomKey, randomString } from './random.ts';

export const totpPeriodSeconds = 30;

/** An account's TOTP enrolment; secrets are sealed with the instance key (secret-box.ts). */
export interface TotpEnrolment {
  userId: string;
  /** Sealed base32 secret once enabled. */
  secretSealed: string | null;
  /** Sealed secret between setup and the confirming code. */
  pendingSecretSealed: string | null;
  enabledAt: string | null;
  /** Highest time step accepted: a code is never accepted twice. */
  lastUsedStep: number;
}

/** The pending second step of a password sign-in (`login_2fa_token`, stored as its SHA-256). */
export interface LoginChallenge {
  tokenHash: string;
  userId: string;
  expiresAt: string;
  attempts: number;
  createdAt: string;
}

export function newTotpSecret(): string {
  return new Secret({ buffer: new Uint8Array(randomKey(20)).buffer }).base32;
}

function totpFor(secretBase32: string, label: string, issuer: string): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: totpPeriodSeconds,
    secret: Secret.fromBase32(secretBase32),
  });
}

export function totpUri(secretBase32: string, label: string, issuer: string): string {
  return totpFor(secretBase32, label, issuer).toString();
}

/** The code for `at` (tests and CLIs compute codes with it). */
export function totpCode(secretBase32: string, at: Date): string {
  return totpFor(secretBase32, 'x', 'x').generate({ timestamp: at.getTime() });
}

/** @returns the time step the code belongs to, or undefined when it is wrong. */
export function matchTotp(secretBase32: string, code: string, at: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpFor(secretBase32, 'x', 'x').validate({ token: code, timestamp: at.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(at.getTime() / 1000 / totpPeriodSeconds) + delta;
}

/** Ten single-use recovery codes, `xxxx-xxxx-xxxx-xxxx` (80 bits each, base32 lower case). */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = randomString('abcdefghijklmnopqrstuvwxyz234567', 16);
    return chars.match(/.{4}/g)?.join('-') ?? chars;
  });
}

/** Recovery codes are compared without dashes, spaces or case. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

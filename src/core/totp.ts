/**
 * TOTP (RFC 6238) as authenticator apps expect it: SHA-1, 6 digits, 30-second steps, a 160-bit
 * secret. A code is accepted one step either side of now (clock drift), and the step it matched is
 * returned so the caller can refuse a code that was already used.
 */
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const totpPeriodSeconds = 30;

export function newTotpSecret(): string {
  return new Secret({ buffer: randomBytes(20).buffer }).base32;
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
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from({ length: count }, () => {
    const chars = [...randomBytes(16)].map((byte) => alphabet[byte & 31]).join('');
    return chars.match(/.{4}/g)?.join('-') ?? chars;
  });
}

/** Recovery codes are compared without dashes, spaces or case. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** Token rules with no I/O: status, owner, label and expiry checks, at their boundaries. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertValidLabel,
  maxTokenLifetimeDays,
  parseTokenExpiry,
  tokenLabelMaxLength,
  tokenStatus,
} from '../../src/core/access-token-rules.ts';
import { thrown } from '../support/thrown.ts';

const now = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
const dayMs = 86_400_000;

describe('tokenStatus', () => {
  it.each([
    { isActive: true, expiresAt: null, expected: 'active' },
    { isActive: false, expiresAt: null, expected: 'inactive' },
    { isActive: true, expiresAt: at(1), expected: 'active' },
    { isActive: true, expiresAt: at(0), expected: 'expired' },
    { isActive: true, expiresAt: at(-1), expected: 'expired' },
    { isActive: false, expiresAt: at(1), expected: 'inactive' },
    { isActive: false, expiresAt: at(-dayMs), expected: 'expired' },
  ])('active: $isActive, expires $expiresAt → $expected', ({ isActive, expiresAt, expected }) => {
    expect(tokenStatus({ isActive, expiresAt }, now)).toBe(expected);
  });
});

describe('assertValidLabel', () => {
  it.each([
    ['ci', 'ci'],
    ['  deploy bot  ', 'deploy bot'],
    ['x'.repeat(tokenLabelMaxLength), 'x'.repeat(tokenLabelMaxLength)],
    // Characters, not UTF-16 units: 100 emoji are 200 units.
    ['🐳'.repeat(tokenLabelMaxLength), '🐳'.repeat(tokenLabelMaxLength)],
    [` ${'x'.repeat(tokenLabelMaxLength)} `, 'x'.repeat(tokenLabelMaxLength)],
  ])('accepts %j as %j', (label, trimmed) => {
    expect(assertValidLabel('token_label', label)).toBe(trimmed);
  });

  it.each([
    ['', 'token_label must not be empty'],
    ['   ', 'token_label must not be empty'],
    ['x'.repeat(tokenLabelMaxLength + 1), 'token_label must be at most 100 characters'],
    ['🐳'.repeat(tokenLabelMaxLength + 1), 'token_label must be at most 100 characters'],
  ])('refuses %j: %s', (label, message) => {
    expect(thrown(() => assertValidLabel('token_label', label))).toEqual({
      code: 'VALIDATION_FAILED',
      message,
      fields: { token_label: [message] },
    });
  });

  it('names the field it was given', () => {
    expect(thrown(() => assertValidLabel('label', ''))?.fields).toEqual({
      label: ['label must not be empty'],
    });
  });
});

describe('parseTokenExpiry', () => {
  const lifetimeMs = maxTokenLifetimeDays * dayMs;

  it.each([undefined, null, ''])('reads %j as never expiring', (raw) => {
    expect(parseTokenExpiry('expires_at', raw, now)).toBeNull();
  });

  it.each([
    { what: 'a millisecond from now', raw: at(1), expected: at(1) },
    { what: `exactly ${maxTokenLifetimeDays} days ahead`, raw: at(lifetimeMs), expected: at(lifetimeMs) },
    { what: 'a date alone (midnight UTC)', raw: '2026-03-02', expected: '2026-03-02T00:00:00.000Z' },
    {
      what: 'an offset (normalized to UTC)',
      raw: '2026-03-02T02:00:00+02:00',
      expected: '2026-03-02T00:00:00.000Z',
    },
    { what: 'no fraction of a second', raw: '2026-06-01T08:30:00Z', expected: '2026-06-01T08:30:00.000Z' },
  ])('accepts $what', ({ raw, expected }) => {
    expect(parseTokenExpiry('expires_at', raw, now)).toBe(expected);
  });

  it.each([
    { what: 'now', raw: at(0), message: 'expires_at must be in the future' },
    { what: 'a millisecond ago', raw: at(-1), message: 'expires_at must be in the future' },
    { what: 'a day ago', raw: '2026-02-28T12:00:00Z', message: 'expires_at must be in the future' },
    {
      what: `a millisecond past ${maxTokenLifetimeDays} days`,
      raw: at(lifetimeMs + 1),
      message: 'expires_at must be at most one year ahead',
    },
    {
      what: 'two years ahead',
      raw: '2028-03-01T12:00:00Z',
      message: 'expires_at must be at most one year ahead',
    },
    { what: 'words', raw: 'next tuesday', message: 'expires_at must be an ISO 8601 date-time' },
    { what: 'a US date', raw: '03/02/2026', message: 'expires_at must be an ISO 8601 date-time' },
    { what: 'epoch seconds', raw: '1772409600', message: 'expires_at must be an ISO 8601 date-time' },
    {
      what: 'a date with trailing text',
      raw: '2026-03-02 soon',
      message: 'expires_at must be an ISO 8601 date-time',
    },
    { what: 'a thirteenth month', raw: '2026-13-01', message: 'expires_at must be an ISO 8601 date-time' },
    { what: 'hour 25', raw: '2026-03-02T25:00:00Z', message: 'expires_at must be an ISO 8601 date-time' },
    { what: 'leading spaces', raw: ' 2026-03-02', message: 'expires_at must be an ISO 8601 date-time' },
  ])('refuses $what ($raw)', ({ raw, message }) => {
    expect(thrown(() => parseTokenExpiry('expires_at', raw, now))).toEqual({
      code: 'EXPIRY_INVALID',
      message,
      fields: { expires_at: [message] },
    });
  });

  // A day that does not exist must be refused, not moved to another day (Date.parse rolls
  // 2026-02-30 over to 2026-03-02).
  it.each(['2026-02-30', '2026-04-31T00:00:00Z', '2027-02-29'])(
    'refuses the day that does not exist %s',
    (raw) => {
      expect(thrown(() => parseTokenExpiry('expires_at', raw, now))?.message).toBe(
        'expires_at must be an ISO 8601 date-time',
      );
    },
  );

  describe('a date-time without an offset', () => {
    const zone = process.env.TZ;
    afterEach(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    });

    // The same request must mean the same instant whatever time zone the server runs in.
    it('means the same instant whatever zone the server runs in', () => {
      const read = (tz: string) => {
        process.env.TZ = tz;
        return (
          thrown(() => parseTokenExpiry('expires_at', '2026-03-02T00:00:00', now)) ??
          parseTokenExpiry('expires_at', '2026-03-02T00:00:00', now)
        );
      };
      expect(read('Pacific/Kiritimati')).toEqual(read('UTC'));
    });
  });
});

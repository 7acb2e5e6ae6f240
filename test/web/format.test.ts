import { describe, expect, it } from 'vitest';
import { fieldInWords, inWords } from '../../src/web/lib/field-words.ts';
import { formatShortDateTime, shortAddress } from '../../src/web/lib/format.ts';

describe('short dates and addresses for table cells', () => {
  it('leaves the year out of this year’s dates only', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(formatShortDateTime('2026-03-04T05:06:00Z', 'en-GB', now)).not.toMatch(/2026/);
    expect(formatShortDateTime('2025-03-04T05:06:00Z', 'en-GB', now)).toMatch(/2025/);
    expect(formatShortDateTime('not a date', 'en-GB', now)).toBe('not a date');
  });

  it('shortens a long IPv6 address to its first two and last groups, nothing else', () => {
    expect(shortAddress('2001:db8:85a3:0:0:8a2e:370:7334')).toBe('2001:db8:…:7334');
    expect(shortAddress('192.168.100.200')).toBe('192.168.100.200');
    expect(shortAddress('::1')).toBe('::1');
    expect(shortAddress('fe80::1')).toBe('fe80::1');
  });
});

describe("the API's field names in the labels' words", () => {
  it('replaces the field name that starts a message and makes a sentence', () => {
    expect(inWords('expires_at', 'expires_at must be in the future')).toBe(
      'The expiration date must be in the future.',
    );
    expect(inWords('current_password', 'the current password is incorrect')).toBe(
      'The current password is incorrect.',
    );
    expect(fieldInWords('rulesets.1.subject')).toBe('the subject pattern');
    expect(fieldInWords('unheard_of')).toBe('this field');
  });
});

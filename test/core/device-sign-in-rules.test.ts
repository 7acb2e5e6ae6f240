/** User codes of device sign-ins (RFC 8628 §6.1): drawn, shown and typed back. */
import { describe, expect, it } from 'vitest';
import { formatUserCode, generateUserCode, normalizeUserCode } from '../../src/core/device-sign-in-rules.ts';

const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';

describe('generateUserCode', () => {
  it('draws 8 consonants without look-alikes, each letter about equally often', () => {
    const counts = new Map<string, number>();
    const draws = 2000;
    for (let i = 0; i < draws; i++) {
      const code = generateUserCode();
      expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      expect(normalizeUserCode(code)).toBe(code);
      for (const letter of code) counts.set(letter, (counts.get(letter) ?? 0) + 1);
    }
    expect([...counts.keys()].sort().join('')).toBe(alphabet);
    const expected = (draws * 8) / alphabet.length;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
  });

  it('rarely repeats itself (20^8 codes)', () => {
    const codes = new Set(Array.from({ length: 1000 }, generateUserCode));
    expect(codes.size).toBeGreaterThan(995);
  });
});

describe('formatUserCode', () => {
  it.each([
    ['BCDFGHJK', 'BCDF-GHJK'],
    ['ZZZZXXXX', 'ZZZZ-XXXX'],
  ])('shows %s as %s', (code, shown) => {
    expect(formatUserCode(code)).toBe(shown);
    expect(normalizeUserCode(formatUserCode(code))).toBe(code);
  });
});

describe('normalizeUserCode', () => {
  it.each([
    ['BCDF-GHJK', 'BCDFGHJK'],
    ['bcdf-ghjk', 'BCDFGHJK'],
    ['BCDFGHJK', 'BCDFGHJK'],
    [' bcdf ghjk ', 'BCDFGHJK'],
    ['BC-DF-GH-JK', 'BCDFGHJK'],
    ['bcdf\tghjk\n', 'BCDFGHJK'],
    ['--BCDFGHJK--', 'BCDFGHJK'],
  ])('reads %j as %s', (typed, code) => {
    expect(normalizeUserCode(typed)).toBe(code);
  });

  it.each([
    ['', 'empty'],
    ['BCDF-GHJ', 'seven letters'],
    ['BCDF-GHJKL', 'nine letters'],
    ['BCDF-GHJA', 'a vowel'],
    ['BCDF-GHJE', 'a vowel'],
    ['BCDF-GHJI', 'I (looks like 1)'],
    ['BCDF-GHJO', 'O (looks like 0)'],
    ['BCDF-GHJY', 'Y (not in the alphabet)'],
    ['BCDF-GHJ1', 'a digit'],
    ['BCDF_GHJK', 'an underscore'],
    ['BCDF.GHJK', 'a dot'],
    ['ΒCDF-GHJK', 'a Greek capital beta'],
  ])('refuses %j (%s)', (typed) => {
    expect(normalizeUserCode(typed)).toBeUndefined();
  });
});

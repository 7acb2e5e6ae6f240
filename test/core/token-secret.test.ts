import { describe, expect, it } from 'vitest';
import {
  generateTokenSecret,
  hashTokenSecret,
  parseTokenSecret,
  TokenSecret,
  tokenBodyLength,
  tokenHint,
} from '../../src/core/token-secret.ts';

describe('token secrets', () => {
  it('have the documented format and a valid checksum', () => {
    const secret = generateTokenSecret('thub_', 'pat').reveal();
    expect(secret).toMatch(new RegExp(`^thub_pat_[0-9A-Za-z]{${tokenBodyLength + 6}}$`));
    expect(parseTokenSecret('thub_', secret)).toBe('pat');
    expect(parseTokenSecret('thub_', generateTokenSecret('thub_', 'oat').reveal())).toBe('oat');
  });

  it('are rejected offline when one character is wrong, missing or extra', () => {
    const secret = generateTokenSecret('thub_', 'pat').reveal();
    for (let i = 'thub_pat_'.length; i < secret.length; i++) {
      const replacement = secret[i] === 'a' ? 'b' : 'a';
      expect(
        parseTokenSecret('thub_', secret.slice(0, i) + replacement + secret.slice(i + 1)),
      ).toBeUndefined();
    }
    expect(parseTokenSecret('thub_', secret.slice(0, -1))).toBeUndefined();
    expect(parseTokenSecret('thub_', `${secret}a`)).toBeUndefined();
    expect(parseTokenSecret('other_', secret)).toBeUndefined();
    expect(parseTokenSecret('thub_', secret.replace('pat_', 'xyz_'))).toBeUndefined();
    expect(parseTokenSecret('thub_', '')).toBeUndefined();
  });

  it('are unique and use the whole alphabet (CSPRNG, no obvious bias)', () => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const body = generateTokenSecret('thub_', 'pat')
        .reveal()
        .slice(9, 9 + tokenBodyLength);
      seen.add(body);
      for (const ch of body) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(seen.size).toBe(2000);
    expect(counts.size).toBe(62);
    const expected = (2000 * tokenBodyLength) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2);
  });

  it('hash to SHA-256 hex and show only a short hint', () => {
    const secret = 'thub_pat_abc';
    expect(hashTokenSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHint('thub_', 'thub_pat_ABCDEFGH')).toBe('thub_pat_ABCD…');
  });

  it('stay out of logs and JSON unless revealed', () => {
    const secret = new TokenSecret('thub_pat_supersecret');
    expect(String(secret)).toBe('[redacted token]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted token]"}');
    expect(secret.reveal()).toBe('thub_pat_supersecret');
  });
});

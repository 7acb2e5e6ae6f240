/** Address allowlists: parsing CIDR lists and matching client addresses, IPv4, IPv6 and mapped. */
import { describe, expect, it } from 'vitest';
import { addressAllowed, parseAllowedCidrs } from '../../src/core/address-allowlist.ts';

describe('parseAllowedCidrs', () => {
  it('accepts networks and bare addresses, normalising and deduplicating', () => {
    expect(
      parseAllowedCidrs('f', ['10.0.0.0/8', ' 192.0.2.1 ', '2001:DB8::/32', '::1', '10.0.0.0/8']),
    ).toEqual(['10.0.0.0/8', '192.0.2.1/32', '2001:db8::/32', '::1/128']);
  });

  it.each([
    ['10.0.0.0/33'],
    ['10.0.0.0/'],
    ['10.0.0/8'],
    ['::/129'],
    ['fe80::1%eth0'],
    ['a\u0000'],
    ['10.0.0.0/-1'],
    [''],
  ])('refuses %j naming the field', (entry) => {
    expect(() => parseAllowedCidrs('allowed_cidrs', [entry])).toThrow('allowed_cidrs');
  });

  it('refuses more than 20 networks', () => {
    const many = Array.from({ length: 21 }, (_, i) => `10.${i}.0.0/16`);
    expect(() => parseAllowedCidrs('allowed_cidrs', many)).toThrow('at most 20');
    expect(parseAllowedCidrs('allowed_cidrs', many.slice(0, 20))).toHaveLength(20);
  });
});

describe('addressAllowed', () => {
  const list = parseAllowedCidrs('f', ['10.0.0.0/8', '2001:db8::/32', '127.0.0.0/8']);
  it.each([
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['::ffff:10.9.9.9', true],
    ['::ffff:192.0.2.1', false],
    ['127.0.0.1', true],
    ['::1', false],
    ['2001:db8:1::1', true],
    ['2001:db9::1', false],
    ['', false],
    ['not an ip', false],
  ])('%s → %s', (ip, allowed) => {
    expect(addressAllowed(list, ip)).toBe(allowed);
  });

  it('an empty list allows every address', () => {
    expect(addressAllowed([], 'anything')).toBe(true);
  });
});

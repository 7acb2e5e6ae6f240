/**
 * The key per-address limits count a client under: an IPv4 address as it is, an IPv6 address
 * reduced to its network prefix (a /64 by default), because one host or home network usually holds
 * a whole /64 and could otherwise take a new address at every request. IPv4-mapped IPv6 addresses
 * (`::ffff:192.0.2.1`) count as their IPv4 address.
 */
import { isIPv6 } from 'node:net';

/** The 8 groups of an IPv6 address as numbers, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const bare = address.split('%')[0] ?? '';
  if (!isIPv6(bare)) return undefined;
  let text = bare;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const octets = tail.split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const fill = rest === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((group) => Number.parseInt(group, 16));
}

/**
 * @param prefixLength bits of an IPv6 address that identify the client (32-128).
 * @example clientAddressKey('2001:db8:1:2:aa:bb:cc:dd', 64) // '2001:db8:1:2::/64'
 * @example clientAddressKey('::ffff:192.0.2.1', 64) // '192.0.2.1'
 */
export function clientAddressKey(address: string, prefixLength: number): string {
  const groups = ipv6Groups(address);
  if (!groups) return address;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups;
  if (
    g0 === 0 &&
    g1 === 0 &&
    g2 === 0 &&
    g3 === 0 &&
    g4 === 0 &&
    g5 === 0xffff &&
    g6 !== undefined &&
    g7 !== undefined
  )
    return `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
  const kept = groups.map((group, i) => {
    const bits = Math.min(16, Math.max(0, prefixLength - i * 16));
    return bits === 0 ? 0 : group & ((0xffff << (16 - bits)) & 0xffff);
  });
  const text = kept.map((group) => group.toString(16)).join(':');
  return `${text.replace(/(^|:)0(:0)+(:|$)/, '::')}/${prefixLength}`;
}

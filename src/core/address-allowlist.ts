/**
 * Address allowlists of tokens (`allowed_cidrs`): IPv4 and IPv6 networks in CIDR notation, at most
 * {@link maxAllowedCidrs}. A token with an empty list may be used from anywhere; otherwise only
 * from an address inside one of them. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a
 * dual-stack socket reports) is matched as the IPv4 address it carries.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { AppError } from './errors.ts';

export const maxAllowedCidrs = 20;

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, { fields: { [field]: [message] } });
}

/**
 * Checks and normalises an allowlist: each entry `address/prefix` or a bare address (one host);
 * duplicates dropped; networks written with their host bits as given (`10.1.2.3/8` is accepted
 * and matches `10.0.0.0/8`).
 * @throws AppError VALIDATION_FAILED naming `field` and the bad entry.
 * @example parseAllowedCidrs('allowed_cidrs', ['10.0.0.0/8', '2001:db8::1']) // ['10.0.0.0/8', '2001:db8::1/128']
 */
export function parseAllowedCidrs(field: string, raw: readonly string[]): string[] {
  const cidrs = new Set<string>();
  for (const entry of raw) {
    const trimmed = entry.trim().toLowerCase();
    const slash = trimmed.indexOf('/');
    const address = slash === -1 ? trimmed : trimmed.slice(0, slash);
    const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
    const maxPrefix = family === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(maxPrefix) : trimmed.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    if (family === 0 || address.includes('%') || !(prefix >= 0 && prefix <= maxPrefix)) {
      throw invalid(
        field,
        `${field}: ${JSON.stringify(entry.slice(0, 64))} is not an IPv4 or IPv6 network (CIDR)`,
      );
    }
    cidrs.add(`${address}/${prefix}`);
  }
  if (cidrs.size > maxAllowedCidrs) {
    throw invalid(field, `${field}: at most ${maxAllowedCidrs} networks, got ${cidrs.size}`);
  }
  return [...cidrs];
}

/** Compiled lists, by list: storage hands out one array per stored text, so this is one per token version. */
const compiled = new WeakMap<readonly string[], BlockList>();

function blockListOf(cidrs: readonly string[]): BlockList {
  let list = compiled.get(cidrs);
  if (!list) {
    list = new BlockList();
    for (const cidr of cidrs) {
      const slash = cidr.indexOf('/');
      const address = cidr.slice(0, slash);
      list.addSubnet(address, Number(cidr.slice(slash + 1)), isIPv4(address) ? 'ipv4' : 'ipv6');
    }
    compiled.set(cidrs, list);
  }
  return list;
}

/**
 * Whether `ip` may use a token with this allowlist; an empty list allows every address, and an
 * address that is not an IP (a socket without one) none.
 * @example addressAllowed(['127.0.0.0/8'], '::ffff:127.0.0.1') // true
 */
export function addressAllowed(cidrs: readonly string[], ip: string): boolean {
  if (cidrs.length === 0) return true;
  const mapped = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(mapped)) return blockListOf(cidrs).check(mapped, 'ipv4');
  if (isIPv6(mapped)) return blockListOf(cidrs).check(mapped, 'ipv6');
  return false;
}

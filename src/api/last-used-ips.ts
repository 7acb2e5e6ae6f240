import type { TokenAddress } from '../core/access-token-rules.ts';
import type { LastUsedIpObject } from './contract/access-tokens.contract.ts';

/** A token's address history as the API shows it (tokenhub extension `last_used_ips`). */
export function toLastUsedIps(addresses: readonly TokenAddress[] | undefined): LastUsedIpObject[] {
  return (addresses ?? []).map((a) => ({ ip: a.ip, first_seen: a.firstSeenAt, last_seen: a.lastSeenAt }));
}

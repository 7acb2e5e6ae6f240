/**
 * Which issuers and which addresses tokenhub fetches OIDC documents from (docs/oidc.md, "What
 * tokenhub fetches"): the operator's list of allowed issuers, `https` only (plain `http` on a
 * loopback host when allowed for tests), and no private, loopback or link-local address unless
 * the operator allows them. The fetcher checks addresses after DNS, on every connection, so a
 * name that changes what it resolves to cannot slip past.
 */
import { BlockList, isIP } from 'node:net';
import type { OidcSettings } from '../../config.ts';
import { isLoopbackHost } from '../../core/oidc-connection-rules.ts';

/** A fetched issuer document could not be used; the message says why, in words. */
export class IssuerDocumentError extends Error {
  override name = 'IssuerDocumentError';
}

/** Addresses no issuer document is fetched from unless `allowPrivateAddresses` (RFC 6890 and friends). */
const privateRanges = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b:1::', 48],
] as const) {
  privateRanges.addSubnet(network, prefix, 'ipv6');
}

/** True for an address in a private, loopback, link-local, multicast or reserved range. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return privateRanges.check(mapped[1], 'ipv4');
  return privateRanges.check(address, 'ipv6');
}

/** @throws IssuerDocumentError when `address` is private and the settings do not allow it. */
export function assertAddressAllowed(settings: OidcSettings, host: string, address: string): void {
  if (!settings.allowPrivateAddresses && isPrivateAddress(address)) {
    throw new IssuerDocumentError(
      `${host} resolves to ${address}, a private address (TOKENHUB_OIDC_ALLOW_PRIVATE_ADDRESSES is off)`,
    );
  }
}

/** @throws IssuerDocumentError for a URL tokenhub must not fetch: not https, or plain http off loopback. */
export function assertFetchableUrl(settings: OidcSettings, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new IssuerDocumentError(`${raw.slice(0, 200)} is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && settings.allowHttpLoopback && isLoopbackHost(url.hostname)) return url;
  throw new IssuerDocumentError(`${url.origin} is not https`);
}

/**
 * Why the operator's settings refuse `issuer` now (they may have changed since the connection was
 * saved); undefined when they allow it.
 */
export function issuerRefusal(settings: OidcSettings, issuer: string): string | undefined {
  if (settings.allowedIssuers && !settings.allowedIssuers.includes(issuer)) {
    return `issuer ${issuer} is not allowed on this instance (TOKENHUB_OIDC_ALLOWED_ISSUERS)`;
  }
  try {
    assertFetchableUrl(settings, issuer);
  } catch (error) {
    return `issuer ${issuer} is not allowed on this instance: ${(error as Error).message}`;
  }
  return undefined;
}

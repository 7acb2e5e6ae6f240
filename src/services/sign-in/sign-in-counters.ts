/**
 * The failure counters of a password or a second-factor check (docs/limits.md), for every place
 * that checks one: the sign-in doors (api/throttle.ts) and the account changes that ask for the
 * password or a code again (reauthentication.ts). The client's own counters come first, so a
 * refusal there creates no other; the per-account counter is `shared` (it counts other clients'
 * failures too, so its numbers are never shown) and applies only to addresses that never signed in
 * to the account.
 */
import type { RateLimits } from '../../config.ts';
import { clientAddressKey } from '../../core/client-address.ts';
import type { FailureCounter } from '../rate-limit/failure-limits.ts';
import type { ServiceContext } from '../shared/context.ts';
import { isKnownAddress, isKnownAddressOfUser } from './known-addresses.ts';

/** Bucket names of the sign-in counters; a Redis key is `tokenhub:rl:<bucket>:…`. */
export const signInBuckets = {
  loginAccount: 'login-fail-account',
  loginAccountAddress: 'login-fail-account-ip',
  loginIp: 'login-fail-ip',
  twoFactor: 'two-factor-fail-account',
  twoFactorAddress: 'two-factor-fail-account-ip',
} as const;

/** `ip:<address>`, an IPv6 address by its network prefix. */
export function addressKey(ctx: ServiceContext, ip: string): string {
  return `ip:${clientAddressKey(ip, ctx.config.security.ipv6PrefixLength)}`;
}

/** The per-address counter alone (tokens, identity tokens). */
export function addressCounter(ctx: ServiceContext, ip: string): FailureCounter {
  return {
    bucket: signInBuckets.loginIp,
    key: addressKey(ctx, ip),
    rule: ctx.config.rateLimits.loginFailuresPerIp,
  };
}

/** Counters of a password check for the account `name` (lowercased) from `ip`. */
export async function passwordFailureCounters(
  ctx: ServiceContext,
  name: string,
  ip: string,
): Promise<FailureCounter[]> {
  const limits: RateLimits = ctx.config.rateLimits;
  const address = addressKey(ctx, ip);
  const counters: FailureCounter[] = [
    addressCounter(ctx, ip),
    {
      bucket: signInBuckets.loginAccountAddress,
      key: `account:${name}:${address}`,
      rule: limits.loginFailuresPerAccountAddress,
    },
  ];
  if (limits.loginFailuresPerAccount && !(await isKnownAddress(ctx, name, ip)))
    counters.push({
      bucket: signInBuckets.loginAccount,
      key: `account:${name}`,
      rule: limits.loginFailuresPerAccount,
      shared: true,
    });
  return counters;
}

/** Counters of a second-factor check for the account `userId` from `ip`. */
export async function secondFactorFailureCounters(
  ctx: ServiceContext,
  userId: string,
  ip: string,
): Promise<FailureCounter[]> {
  const rule = ctx.config.rateLimits.twoFactorFailures;
  const counters: FailureCounter[] = [
    { bucket: signInBuckets.twoFactorAddress, key: `user:${userId}:${addressKey(ctx, ip)}`, rule },
  ];
  if (rule && !(await isKnownAddressOfUser(ctx, userId, ip)))
    counters.push({ bucket: signInBuckets.twoFactor, key: `user:${userId}`, rule, shared: true });
  return counters;
}

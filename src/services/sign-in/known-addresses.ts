/**
 * Addresses an account signed in from, remembered so that nobody can lock the owner out by failing
 * the account's sign-in from elsewhere (docs/limits.md): the per-account failure limit applies only
 * to addresses that never signed in to it. Stored as an HMAC (instance secret key) of the account
 * name and the client address key, with the last time seen; a copy of the database tells neither.
 * Forgotten `TOKENHUB_SIGN_IN_KNOWN_ADDRESS_DAYS` after the last sign-in.
 */
import { createHmac } from 'node:crypto';
import { normalizeUsername } from '../../core/account-rules.ts';
import { clientAddressKey } from '../../core/client-address.ts';
import {
  forgetSignInAddressesBefore,
  isKnownSignInAddress,
  rememberSignInAddress,
} from '../../storage/known-sign-in-address.repository.ts';
import { findUserById } from '../../storage/user.repository.ts';
import type { ServiceContext } from '../shared/context.ts';
import type { MaintenanceTask } from '../shared/maintenance.ts';

const dayMs = 86_400_000;

function addressHash(ctx: ServiceContext, accountName: string, ip: string): string {
  const address = clientAddressKey(ip, ctx.config.security.ipv6PrefixLength);
  return createHmac('sha256', ctx.secretKey())
    .update(`known-sign-in-address\n${normalizeUsername(accountName)}\n${address}`)
    .digest('hex');
}

function cutoff(ctx: ServiceContext): string {
  return new Date(ctx.clock.now().getTime() - ctx.config.security.knownAddressDays * dayMs).toISOString();
}

/** Whether `ip` signed in to `accountName` with its password within the remembered time. */
export function isKnownAddress(ctx: ServiceContext, accountName: string, ip: string): Promise<boolean> {
  return isKnownSignInAddress(ctx.db, addressHash(ctx, accountName, ip), cutoff(ctx));
}

/** Remembers a successful sign-in of `accountName` from `ip` (one upsert). */
export function rememberAddress(ctx: ServiceContext, accountName: string, ip: string): Promise<void> {
  return rememberSignInAddress(ctx.db, addressHash(ctx, accountName, ip), ctx.clock.now().toISOString());
}

export const forgottenSignInAddresses: MaintenanceTask = async (ctx) => {
  await forgetSignInAddressesBefore(ctx.db, cutoff(ctx));
};

/** `isKnownAddress` for an account known by id (the second sign-in step); false when it is gone. */
export async function isKnownAddressOfUser(
  ctx: ServiceContext,
  userId: string,
  ip: string,
): Promise<boolean> {
  const user = await findUserById(ctx.db, userId);
  return user !== undefined && isKnownAddress(ctx, user.username, ip);
}

/** `rememberAddress` for an account known by id. */
export async function rememberAddressOfUser(ctx: ServiceContext, userId: string, ip: string): Promise<void> {
  const user = await findUserById(ctx.db, userId);
  if (user) await rememberAddress(ctx, user.username, ip);
}

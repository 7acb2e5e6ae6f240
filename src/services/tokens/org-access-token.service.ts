/**
 * Organization access tokens (OATs): owned by the organization, not a person; exactly the
 * repositories and organization scopes their resources list. The per-tier cap counts expired and
 * inactive tokens until they are deleted, and is enforced inside one transaction that locks the
 * organization row, so concurrent creations can never exceed it.
 */
import {
  type AccessTokenWithCreator,
  assertValidLabel,
  type OrgAccessToken,
  parseTokenExpiry,
  type TokenOwner,
  tokenDescriptionMaxLength,
  tokenStatus,
} from '../../core/access-token-rules.ts';
import type { AccountRef } from '../../core/account-rules.ts';
import { parseAllowedCidrs } from '../../core/address-allowlist.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { type Organization, oatLimitByTier, parseOatResources } from '../../core/organization-rules.ts';
import type { TokenSecret } from '../../core/token-secret.ts';
import {
  type AccessTokenChanges,
  countOwnedTokens,
  deleteOwnedTokens,
  findOwnedToken,
  insertAccessToken,
  listOwnedTokens,
  updateOwnedToken,
} from '../../storage/access-token.repository.ts';
import { lockOrganization } from '../../storage/organization.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { tokenChangeAudit } from './token-change-audit.ts';
import { draftToken } from './token-issuance.ts';
import { assertCreationWithinPolicies } from './token-policy.service.ts';

/** An organization access token as the management routes show it, with its creator's username. */
export type OrgAccessTokenView = AccessTokenWithCreator<OrgAccessToken>;

function isOrgToken(token: AccessTokenWithCreator): token is OrgAccessTokenView {
  return token.kind === 'oat';
}

export type OatResourceInput = { type: string; path: string; scopes: readonly string[] };

function ownerOf(org: Pick<Organization, 'id'>): TokenOwner {
  return { kind: 'org', id: org.id };
}

function assertValidDescription(description: string | undefined): string {
  const value = (description ?? '').trim();
  if ([...value].length > tokenDescriptionMaxLength) {
    throw fieldError('description', `description must be at most ${tokenDescriptionMaxLength} characters`);
  }
  return value;
}

export interface NewOrgAccessToken {
  label: string;
  description?: string;
  resources: readonly OatResourceInput[];
  expiresAt?: string | null;
  /** Networks (CIDR) it may be used from; none: anywhere. */
  allowedCidrs?: readonly string[];
}

/**
 * @throws AppError VALIDATION_FAILED, EXPIRY_INVALID, TOKEN_POLICY_VIOLATION, OAT_TIER_REQUIRED,
 *   OAT_LIMIT_REACHED.
 */
export async function createOrgAccessToken(
  ctx: ServiceContext,
  org: Organization,
  creator: AccountRef,
  input: NewOrgAccessToken,
  meta: RequestMeta,
): Promise<{ token: OrgAccessTokenView; secret: TokenSecret }> {
  const now = ctx.clock.now();
  const label = assertValidLabel('label', input.label);
  const description = assertValidDescription(input.description);
  const resources = parseOatResources(org.name, input.resources);
  const expiresAt = parseTokenExpiry('expires_at', input.expiresAt, now);
  const allowedCidrs = parseAllowedCidrs('allowed_cidrs', input.allowedCidrs ?? []);
  await assertCreationWithinPolicies(
    ctx,
    { kind: 'oat', createdAt: now.toISOString(), expiresAt, fineGrained: true },
    [org],
  );
  const { token, secretHash, secret } = draftToken(
    ctx,
    {
      kind: 'oat',
      allowedCidrs,
      ownerId: org.id,
      label,
      description,
      resources,
      expiresAt,
      createdBy: creator.id,
    },
    meta,
  );
  await inTransaction(ctx.db, async (tx) => {
    const locked = await lockOrganization(tx, org.id);
    if (!locked) throw new AppError('ORG_NOT_FOUND');
    const limit = oatLimitByTier[locked.tier];
    if (limit === 0) {
      throw new AppError(
        'OAT_TIER_REQUIRED',
        `organization access tokens need a Team or Business organization; ${locked.name} is on the ${locked.tier} tier`,
      );
    }
    const count = await countOwnedTokens(tx, ownerOf(locked));
    if (count >= limit) {
      throw new AppError(
        'OAT_LIMIT_REACHED',
        `${locked.name} has ${count} of ${limit} organization access tokens (${locked.tier} tier, expired and inactive ones count); delete one first`,
      );
    }
    await insertAccessToken(tx, token, secretHash);
  });
  await recordAudit(ctx, {
    account: { id: org.id, name: org.name },
    action: 'org.access_token.create',
    name: label,
    actor: { id: creator.id, name: creator.username },
    meta,
    data: {
      id: token.id,
      resources,
      expires_at: expiresAt,
      ...(allowedCidrs.length > 0 ? { allowed_cidrs: allowedCidrs } : {}),
    },
  });
  return { token: { ...token, creatorName: creator.username, addresses: [] }, secret };
}

export async function listOrgAccessTokens(
  ctx: ServiceContext,
  org: Organization,
  page: { limit: number; offset: number },
): Promise<{ tokens: OrgAccessTokenView[]; total: number }> {
  const { tokens, total } = await listOwnedTokens(ctx.db, ownerOf(org), page);
  return { tokens: tokens.filter(isOrgToken), total };
}

/** @throws AppError OAT_NOT_FOUND */
export async function getOrgAccessToken(
  ctx: ServiceContext,
  org: Organization,
  id: string,
): Promise<OrgAccessTokenView> {
  const token = await findOwnedToken(ctx.db, ownerOf(org), id);
  if (!token || !isOrgToken(token)) throw new AppError('OAT_NOT_FOUND');
  return token;
}

export interface OrgAccessTokenUpdate {
  label?: string;
  description?: string;
  resources?: readonly OatResourceInput[];
  isActive?: boolean;
  allowedCidrs?: readonly string[];
}

/**
 * Changes label, description, resources, or deactivates. As on Docker Hub, an inactive OAT can only
 * be deleted (any PATCH of it, reactivation included, is refused), and expiry never changes.
 * @throws AppError OAT_NOT_FOUND, OAT_INACTIVE_NOT_EDITABLE, TOKEN_EXPIRED_NOT_EDITABLE, VALIDATION_FAILED.
 */
export async function updateOrgAccessToken(
  ctx: ServiceContext,
  org: Organization,
  actor: AccountRef,
  id: string,
  update: OrgAccessTokenUpdate,
  meta: RequestMeta,
): Promise<OrgAccessTokenView> {
  const current = await getOrgAccessToken(ctx, org, id);
  const status = tokenStatus(current, ctx.clock.now());
  if (status === 'inactive') throw new AppError('OAT_INACTIVE_NOT_EDITABLE');
  if (status === 'expired') throw new AppError('TOKEN_EXPIRED_NOT_EDITABLE');
  const changes: AccessTokenChanges = {};
  if (update.label !== undefined) changes.label = assertValidLabel('label', update.label);
  if (update.description !== undefined) changes.description = assertValidDescription(update.description);
  if (update.resources !== undefined) changes.resources = parseOatResources(org.name, update.resources);
  if (update.isActive === false) changes.isActive = false;
  if (update.allowedCidrs !== undefined) {
    changes.allowedCidrs = parseAllowedCidrs('allowed_cidrs', update.allowedCidrs);
  }
  const token = await updateOwnedToken(ctx.db, ownerOf(org), id, changes);
  if (!token || !isOrgToken(token)) throw new AppError('OAT_NOT_FOUND');
  await recordAudit(ctx, {
    account: { id: org.id, name: org.name },
    action: 'org.access_token.update',
    name: token.label,
    actor: { id: actor.id, name: actor.username },
    meta,
    data: { id, ...tokenChangeAudit(current, changes) },
  });
  return token;
}

/** @throws AppError OAT_NOT_FOUND */
export async function deleteOrgAccessToken(
  ctx: ServiceContext,
  org: Organization,
  actor: AccountRef,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  const token = await getOrgAccessToken(ctx, org, id);
  if ((await deleteOwnedTokens(ctx.db, ownerOf(org), [id])) !== 1) throw new AppError('OAT_NOT_FOUND');
  await recordAudit(ctx, {
    account: { id: org.id, name: org.name },
    action: 'org.access_token.delete',
    name: token.label,
    actor: { id: actor.id, name: actor.username },
    meta,
    data: { id },
  });
}

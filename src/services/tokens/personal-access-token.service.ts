/**
 * Personal access tokens: create (secret returned once), list, read, update, delete, bulk delete.
 * Only the SHA-256 of a secret is stored. A token may list resources (fine-grained,
 * core/pat-resources.ts) in namespaces its owner reaches, and networks it may be used from
 * (core/address-allowlist.ts); creation is refused when it would break a token policy.
 */

import {
  type AccessTokenWithCreator,
  assertValidLabel,
  defaultTokenLabel,
  type PersonalAccessToken,
  parseTokenExpiry,
  type TokenOwner,
  tokenStatus,
} from '../../core/access-token-rules.ts';
import { type PatScope, parsePatScopes } from '../../core/access-token-scopes.ts';
import type { AccountRef } from '../../core/account-rules.ts';
import { parseAllowedCidrs } from '../../core/address-allowlist.ts';
import { AppError } from '../../core/errors.ts';
import { type PatResource, parsePatResources } from '../../core/pat-resources.ts';
import type { TokenSecret } from '../../core/token-secret.ts';
import {
  type AccessTokenChanges,
  deleteOwnedTokens,
  findOwnedToken,
  insertAccessToken,
  listOwnedTokens,
  updateOwnedToken,
} from '../../storage/access-token.repository.ts';
import type { Db } from '../../storage/database.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { queueSecurityNotice } from '../mail/security-notice.service.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { sweepExpiredAutoTokensOf } from './auto-token.service.ts';
import { tokenChangeAudit } from './token-change-audit.ts';
import { draftToken } from './token-issuance.ts';
import { assertCreationWithinPolicies, reachableResourceOrgs } from './token-policy.service.ts';

export type PersonalAccessTokenView = AccessTokenWithCreator<PersonalAccessToken>;

function ownerOf(account: AccountRef): TokenOwner {
  return { kind: 'user', id: account.id };
}

export interface NewPersonalAccessToken {
  /** Without one, a label naming the creation time (`defaultTokenLabel`). */
  label?: string;
  scopes?: readonly string[];
  expiresAt?: string | null;
  generatedBy?: 'manual' | 'auto';
  clientId?: string;
  /** Resources of a fine-grained token (`{type?, path, scopes}`); none: the level alone applies. */
  resources?: ReadonlyArray<{ type?: string; path: string; scopes: readonly string[] }>;
  /** Networks (CIDR) it may be used from; none: anywhere. */
  allowedCidrs?: readonly string[];
}

/**
 * A fine-grained token's level: as asked, or (when none is asked) `repo:admin`, so that its
 * resources alone say what it may do.
 */
function levelOf(raw: readonly string[] | undefined, resources: readonly PatResource[]): PatScope[] {
  if (resources.length > 0 && (raw === undefined || raw.length === 0)) return ['repo:admin'];
  return parsePatScopes(raw);
}

/**
 * @throws AppError VALIDATION_FAILED, UNKNOWN_SCOPE, EXPIRY_INVALID, TOKEN_POLICY_VIOLATION.
 */
export async function createPersonalAccessToken(
  ctx: ServiceContext,
  account: AccountRef,
  input: NewPersonalAccessToken,
  meta: RequestMeta,
): Promise<{ token: PersonalAccessToken; secret: TokenSecret }> {
  const now = ctx.clock.now();
  const label = assertValidLabel('token_label', input.label ?? defaultTokenLabel(now));
  const resources = parsePatResources(input.resources ?? []);
  const scopes = levelOf(input.scopes, resources);
  const allowedCidrs = parseAllowedCidrs('allowed_cidrs', input.allowedCidrs ?? []);
  const expiresAt = parseTokenExpiry('expires_at', input.expiresAt, now);
  const orgs = await reachableResourceOrgs(ctx, account, resources);
  await assertCreationWithinPolicies(
    ctx,
    {
      kind: 'pat',
      createdAt: now.toISOString(),
      expiresAt,
      fineGrained: resources.length > 0,
      generatedBy: input.generatedBy ?? 'manual',
    },
    orgs,
  );
  const { token, secretHash, secret } = draftToken(
    ctx,
    {
      kind: 'pat',
      ownerId: account.id,
      label,
      scopes,
      resources,
      allowedCidrs,
      expiresAt,
      createdBy: account.id,
      generatedBy: input.generatedBy,
      clientId: input.clientId,
    },
    meta,
  );
  await insertAccessToken(ctx.db, token, secretHash);
  await recordAudit(ctx, {
    account: { id: account.id, name: account.username },
    action: 'account.access_token.create',
    name: label,
    actor: { id: account.id, name: account.username },
    meta,
    data: {
      uuid: token.id,
      scopes,
      expires_at: expiresAt,
      ...(resources.length > 0 ? { resources } : {}),
      ...(allowedCidrs.length > 0 ? { allowed_cidrs: allowedCidrs } : {}),
    },
  });
  await queueSecurityNotice(ctx, account, 'token-created', meta, {
    detail: `Token "${label}" (${scopes.join(', ')}), expires ${expiresAt ?? 'never'}.`,
  });
  return { token, secret };
}

export async function listPersonalAccessTokens(
  ctx: ServiceContext,
  account: AccountRef,
  page: { limit: number; offset: number },
): Promise<{ tokens: PersonalAccessTokenView[]; total: number; active: number }> {
  // Expired auto-generated tokens leave with their sign-in (one indexed read when there are none).
  await sweepExpiredAutoTokensOf(ctx, account);
  const { tokens, total, active } = await listOwnedTokens(ctx.db, ownerOf(account), page);
  return { tokens: tokens.filter(isPersonal), total, active };
}

function isPersonal(token: AccessTokenWithCreator): token is PersonalAccessTokenView {
  return token.kind === 'pat';
}

/** @throws AppError TOKEN_NOT_FOUND when the token is not the account's (or does not exist). */
export async function getPersonalAccessToken(
  ctx: ServiceContext,
  account: AccountRef,
  id: string,
): Promise<PersonalAccessTokenView> {
  return findOwnedPat(ctx.db, account, id);
}

async function findOwnedPat(db: Db, account: AccountRef, id: string): Promise<PersonalAccessTokenView> {
  const token = await findOwnedToken(db, ownerOf(account), id);
  if (!token || !isPersonal(token)) throw new AppError('TOKEN_NOT_FOUND', `access token not found: ${id}`);
  return token;
}

export interface PersonalAccessTokenUpdate {
  label?: string;
  isActive?: boolean;
  scopes?: readonly string[];
  /** The whole new list; `[]` makes the token plain again. */
  resources?: NewPersonalAccessToken['resources'];
  allowedCidrs?: readonly string[];
}

/**
 * Renames, (de)activates, or changes the level, resources or allowed networks of a PAT. Expiry is
 * never editable; an expired token can only be deleted. New resources are checked as at creation,
 * policies of the organizations they name included.
 * @throws AppError TOKEN_NOT_FOUND, TOKEN_EXPIRED_NOT_EDITABLE, VALIDATION_FAILED, UNKNOWN_SCOPE,
 *   TOKEN_POLICY_VIOLATION.
 */
export async function updatePersonalAccessToken(
  ctx: ServiceContext,
  account: AccountRef,
  id: string,
  update: PersonalAccessTokenUpdate,
  meta: RequestMeta,
): Promise<PersonalAccessTokenView> {
  const current = await getPersonalAccessToken(ctx, account, id);
  if (tokenStatus(current, ctx.clock.now()) === 'expired') throw new AppError('TOKEN_EXPIRED_NOT_EDITABLE');
  const changes: AccessTokenChanges = {};
  if (update.label !== undefined) changes.label = assertValidLabel('token_label', update.label);
  if (update.isActive !== undefined) changes.isActive = update.isActive;
  if (update.scopes !== undefined) changes.scopes = parsePatScopes(update.scopes);
  if (update.resources !== undefined) {
    const resources = parsePatResources(update.resources);
    const orgs = await reachableResourceOrgs(ctx, account, resources);
    const fineGrained = resources.length > 0;
    await assertCreationWithinPolicies(ctx, { ...current, fineGrained }, orgs);
    changes.patResources = resources;
  }
  if (update.allowedCidrs !== undefined) {
    changes.allowedCidrs = parseAllowedCidrs('allowed_cidrs', update.allowedCidrs);
  }
  const token = await updateOwnedToken(ctx.db, ownerOf(account), id, changes);
  if (!token || !isPersonal(token)) throw new AppError('TOKEN_NOT_FOUND');
  await recordAudit(ctx, {
    account: { id: account.id, name: account.username },
    action: 'account.access_token.update',
    name: token.label,
    actor: { id: account.id, name: account.username },
    meta,
    data: { uuid: id, ...tokenChangeAudit(current, changes) },
  });
  return token;
}

/**
 * Deletes one or several of the account's PATs, all or nothing, in one transaction.
 * @throws AppError TOKEN_NOT_FOUND (and deletes nothing) when any id is not the account's.
 */
export async function deletePersonalAccessTokens(
  ctx: ServiceContext,
  account: AccountRef,
  ids: readonly string[],
  meta: RequestMeta,
): Promise<void> {
  const unique = [...new Set(ids.map((id) => id.toLowerCase()))];
  await inTransaction(ctx.db, async (tx) => {
    const tokens: PersonalAccessTokenView[] = [];
    for (const id of unique) tokens.push(await findOwnedPat(tx, account, id));
    const deleted = await deleteOwnedTokens(tx, ownerOf(account), unique);
    if (deleted !== unique.length) throw new AppError('TOKEN_NOT_FOUND');
    for (const token of tokens) {
      await recordAudit(
        { clock: ctx.clock, db: tx },
        {
          account: { id: account.id, name: account.username },
          action: 'account.access_token.delete',
          name: token.label,
          actor: { id: account.id, name: account.username },
          meta,
          data: { uuid: token.id },
        },
      );
    }
  });
}

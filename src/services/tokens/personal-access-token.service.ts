/**
 * Personal access tokens: create (secret returned once), list, read, update, delete, bulk delete.
 * Only the SHA-256 of a secret is stored.
 */

import { assertValidLabel, parseTokenExpiry, tokenStatus } from '../../core/access-token-rules.ts';
import { highestPatScope, isPatScope, type PatScope } from '../../core/access-token-scopes.ts';
import { AppError } from '../../core/errors.ts';
import type { TokenSecret } from '../../core/token-secret.ts';
import {
  type AccessTokenChanges,
  type AccessTokenRow,
  deleteOwnedTokens,
  findOwnedToken,
  insertAccessToken,
  listOwnedTokens,
  type TokenOwner,
  updateOwnedToken,
} from '../../storage/access-token.repository.ts';
import type { Db } from '../../storage/database.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { sweepExpiredAutoTokensOf } from './auto-token.service.ts';
import { draftToken } from './token-issuance.ts';

export interface AccountRef {
  id: string;
  username: string;
}

function ownerOf(account: AccountRef): TokenOwner {
  return { kind: 'user', id: account.id };
}

/**
 * Checks a requested scope list: every entry known, at least one.
 * @throws AppError UNKNOWN_SCOPE naming the first unknown scope.
 */
export function parsePatScopes(raw: readonly string[] | undefined): PatScope[] {
  const scopes = raw && raw.length > 0 ? raw : ['repo:public_read'];
  for (const scope of scopes) {
    if (!isPatScope(scope)) {
      throw new AppError('UNKNOWN_SCOPE', `unknown scope: ${scope}`, {
        fields: { scopes: [`unknown scope: ${scope}`] },
      });
    }
  }
  return [highestPatScope(scopes as PatScope[])];
}

export interface NewPersonalAccessToken {
  label: string;
  scopes?: readonly string[];
  expiresAt?: string | null;
  generatedBy?: 'manual' | 'auto';
  clientId?: string;
}

export async function createPersonalAccessToken(
  ctx: ServiceContext,
  account: AccountRef,
  input: NewPersonalAccessToken,
  meta: RequestMeta,
): Promise<{ row: AccessTokenRow; secret: TokenSecret }> {
  const now = ctx.clock.now();
  const label = assertValidLabel('token_label', input.label);
  const scopes = parsePatScopes(input.scopes);
  const expiresAt = parseTokenExpiry('expires_at', input.expiresAt, now);
  const { row, secret } = draftToken(
    ctx,
    {
      kind: 'pat',
      owner: ownerOf(account),
      label,
      scopes,
      expiresAt,
      createdBy: account.id,
      generatedBy: input.generatedBy,
      clientId: input.clientId,
    },
    meta,
  );
  await insertAccessToken(ctx.db, row);
  await recordAudit(ctx, {
    account: { id: account.id, name: account.username },
    action: 'account.access_token.create',
    name: label,
    actor: { id: account.id, name: account.username },
    meta,
    data: { uuid: row.id, scopes, expires_at: expiresAt },
  });
  return { row, secret };
}

export async function listPersonalAccessTokens(
  ctx: ServiceContext,
  account: AccountRef,
  page: { limit: number; offset: number },
): Promise<{ rows: AccessTokenRow[]; total: number; active: number }> {
  // Expired auto-generated tokens leave with their sign-in (one indexed read when there are none).
  await sweepExpiredAutoTokensOf(ctx, account);
  return listOwnedTokens(ctx.db, ownerOf(account), page);
}

/** @throws AppError TOKEN_NOT_FOUND when the token is not the account's (or does not exist). */
export async function getPersonalAccessToken(
  ctx: ServiceContext,
  account: AccountRef,
  id: string,
): Promise<AccessTokenRow> {
  return findOwnedPat(ctx.db, account, id);
}

async function findOwnedPat(db: Db, account: AccountRef, id: string): Promise<AccessTokenRow> {
  const row = await findOwnedToken(db, ownerOf(account), id);
  if (row?.kind !== 'pat') throw new AppError('TOKEN_NOT_FOUND', `access token not found: ${id}`);
  return row;
}

export interface PersonalAccessTokenUpdate {
  label?: string;
  isActive?: boolean;
  scopes?: readonly string[];
}

/**
 * Renames, (de)activates or changes the level of a PAT. Expiry is never editable; an expired
 * token can only be deleted.
 * @throws AppError TOKEN_NOT_FOUND, TOKEN_EXPIRED_NOT_EDITABLE, VALIDATION_FAILED, UNKNOWN_SCOPE.
 */
export async function updatePersonalAccessToken(
  ctx: ServiceContext,
  account: AccountRef,
  id: string,
  update: PersonalAccessTokenUpdate,
  meta: RequestMeta,
): Promise<AccessTokenRow> {
  const current = await getPersonalAccessToken(ctx, account, id);
  if (tokenStatus(current, ctx.clock.now()) === 'expired') throw new AppError('TOKEN_EXPIRED_NOT_EDITABLE');
  const changes: AccessTokenChanges = {};
  if (update.label !== undefined) changes.label = assertValidLabel('token_label', update.label);
  if (update.isActive !== undefined) changes.is_active = update.isActive ? 1 : 0;
  if (update.scopes !== undefined) changes.scopes = JSON.stringify(parsePatScopes(update.scopes));
  const row = await updateOwnedToken(ctx.db, ownerOf(account), id, changes);
  if (!row) throw new AppError('TOKEN_NOT_FOUND');
  await recordAudit(ctx, {
    account: { id: account.id, name: account.username },
    action: 'account.access_token.update',
    name: row.label,
    actor: { id: account.id, name: account.username },
    meta,
    data: { uuid: id, changed: Object.keys(changes) },
  });
  return row;
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
  await ctx.db.transaction().execute(async (tx) => {
    const rows: AccessTokenRow[] = [];
    for (const id of unique) rows.push(await findOwnedPat(tx, account, id));
    const deleted = await deleteOwnedTokens(tx, ownerOf(account), unique);
    if (deleted !== unique.length) throw new AppError('TOKEN_NOT_FOUND');
    for (const row of rows) {
      await recordAudit(
        { clock: ctx.clock, db: tx },
        {
          account: { id: account.id, name: account.username },
          action: 'account.access_token.delete',
          name: row.label,
          actor: { id: account.id, name: account.username },
          meta,
          data: { uuid: row.id },
        },
      );
    }
  });
}

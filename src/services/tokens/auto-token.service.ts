/**
 * Auto-generated personal access tokens: the ones a device sign-in (RFC 8628) or Docker's
 * `desktop-generate` creates, never typed by a person. Each belongs to one sign-in and lives as long
 * as it (`deviceSignInTtlDays`). At most `autoTokenCap` per account (PROTOCOLS.md §1): creating one
 * more deletes the oldest auto-generated ones in the same transaction, under a lock on the account
 * row (ARCHITECTURE.md, "Limits and races"), so concurrent sign-ins can never leave more. Manual PATs
 * are never touched.
 */
import type { PersonalAccessToken } from '../../core/access-token-rules.ts';
import type { PatScope } from '../../core/access-token-scopes.ts';
import type { AccountRef } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { hashTokenSecret, parseTokenSecret, type TokenSecret } from '../../core/token-secret.ts';
import { deleteOwnedTokens, insertAccessToken } from '../../storage/access-token.repository.ts';
import type { Db } from '../../storage/database.ts';
import {
  type AutoTokenSummary,
  completeDeviceSignIn,
  deleteExpiredAutoTokens,
  deleteStaleDeviceRequests,
  hasExpiredAutoTokens,
  insertDeviceSignIn,
  linkSignInToken,
  listAutoTokensOldestFirst,
} from '../../storage/device-sign-in.repository.ts';
import { findTokenWithOwnerByHash } from '../../storage/token-credential.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { findUserById, lockUser } from '../../storage/user.repository.ts';
import { recordAudit } from '../shared/audit.service.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';
import { draftToken } from './token-issuance.ts';

/** Auto-generated tokens an account may hold (Docker Hub's limit). */
export const autoTokenCap = 5;
/** A signed-in client acts as its user: the full personal level. */
const autoTokenScopes: PatScope[] = ['repo:admin'];
const labelSuffix = { device: ' (device sign-in)', desktop: ' (desktop sign-in)' } as const;
/** Device requests that never became a sign-in are kept this long after expiry (late polls hear `expired_token`). */
const staleRequestGraceMs = 3_600_000;
const sweepBatchSize = 500;

export type AutoTokenRemovalReason = 'cap' | 'expiry' | 'revoke';

/** Who an auto-generated token is for and which sign-in it completes. */
export interface AutoTokenRequest {
  clientId: string;
  clientName: string;
  /** `device`: completes this approved request (its device code is spent); `desktop`: a new sign-in. */
  signIn: { kind: 'device'; id: string } | { kind: 'desktop' };
}

/** `<client_name or client_id> (device sign-in)`, within the 100-character label limit. */
export function autoTokenLabel(kind: 'device' | 'desktop', clientName: string, clientId: string): string {
  const suffix = labelSuffix[kind];
  const name = [...(clientName || clientId)].slice(0, 100 - suffix.length).join('');
  return `${name}${suffix}`;
}

/** The auto-generated token a sign-in would be given, as the approval page describes it. */
export interface AutoTokenPreview {
  label: string;
  scopes: readonly PatScope[];
  /** From the approval (when the token is made) until the token and its sign-in expire. */
  expiresInSeconds: number;
}

export function autoTokenPreview(
  ctx: Pick<ServiceContext, 'config'>,
  kind: 'device' | 'desktop',
  clientName: string,
  clientId: string,
): AutoTokenPreview {
  return {
    label: autoTokenLabel(kind, clientName, clientId),
    scopes: autoTokenScopes,
    expiresInSeconds: ctx.config.deviceSignInTtlDays * 86_400,
  };
}

/**
 * Creates an auto-generated token and its sign-in, making room under the cap first.
 * @returns the token row, its secret (to hand over once) and the sign-in id.
 * @throws AppError OAUTH_INVALID_GRANT when the device request was completed by another poll
 *   meanwhile or expired; SESSION_INVALID when the account is gone.
 */
export async function createAutoToken(
  ctx: ServiceContext,
  account: AccountRef,
  request: AutoTokenRequest,
  meta: RequestMeta,
): Promise<{ token: PersonalAccessToken; secret: TokenSecret; signInId: string }> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + ctx.config.deviceSignInTtlDays * 86_400_000).toISOString();
  const { token, secretHash, secret } = draftToken(
    ctx,
    {
      kind: 'pat',
      ownerId: account.id,
      label: autoTokenLabel(request.signIn.kind, request.clientName, request.clientId),
      scopes: autoTokenScopes,
      expiresAt,
      createdBy: account.id,
      generatedBy: 'auto',
      clientId: request.clientId,
    },
    meta,
  );
  const signInId = request.signIn.kind === 'device' ? request.signIn.id : newId();
  await inTransaction(ctx.db, async (tx) => {
    if (!(await lockUser(tx, account.id))) throw new AppError('SESSION_INVALID');
    if (request.signIn.kind === 'device' && !(await completeDeviceSignIn(tx, signInId, account.id, at))) {
      throw new AppError('OAUTH_INVALID_GRANT', 'the device code was already used or has expired');
    }
    const removed = await makeRoom(tx, account.id, at);
    await insertAccessToken(tx, token, secretHash);
    if (request.signIn.kind === 'device') {
      await linkSignInToken(tx, signInId, token.id);
    } else {
      await insertDeviceSignIn(tx, {
        id: signInId,
        kind: 'desktop',
        deviceCodeHash: null,
        userCode: null,
        clientId: token.clientId,
        clientName: request.clientName.slice(0, 100),
        status: 'completed',
        userId: account.id,
        tokenId: token.id,
        ip: token.creatorIp,
        userAgent: token.creatorUa,
        createdAt: at,
        expiresAt: at,
        intervalSeconds: 0,
        lastPolledAt: null,
        decidedAt: at,
        sessionRequested: false,
      });
    }
    const audit = { clock: ctx.clock, db: tx };
    for (const removal of removed) await auditRemoval(audit, account, removal.token, removal.reason, meta);
    await recordAudit(audit, {
      account: { id: account.id, name: account.username },
      action: 'account.access_token.auto_create',
      name: token.label,
      actor: { id: account.id, name: account.username },
      meta,
      data: {
        uuid: token.id,
        client_id: token.clientId,
        sign_in: signInId,
        via: request.signIn.kind,
        scopes: autoTokenScopes,
        expires_at: expiresAt,
      },
    });
  });
  return { token, secret, signInId };
}

/**
 * Inside the locked transaction: deletes the account's expired auto-generated tokens, then the
 * oldest live ones until one more fits under the cap.
 */
async function makeRoom(
  tx: Db,
  userId: string,
  at: string,
): Promise<Array<{ token: AutoTokenSummary; reason: AutoTokenRemovalReason }>> {
  const tokens = await listAutoTokensOldestFirst(tx, userId);
  const expired = tokens.filter((t) => t.expiresAt !== null && t.expiresAt <= at);
  const live = tokens.filter((t) => !expired.includes(t));
  const overCap = live.slice(0, Math.max(0, live.length - (autoTokenCap - 1)));
  const removed = [
    ...expired.map((token) => ({ token, reason: 'expiry' as const })),
    ...overCap.map((token) => ({ token, reason: 'cap' as const })),
  ];
  const ids = removed.map((r) => r.token.id);
  const deleted = await deleteOwnedTokens(tx, { kind: 'user', id: userId }, ids);
  if (deleted !== ids.length) throw new Error('auto-generated tokens changed under the account lock');
  return removed;
}

async function auditRemoval(
  ctx: Pick<ServiceContext, 'clock'> & { db: Db },
  account: AccountRef,
  token: AutoTokenSummary,
  reason: AutoTokenRemovalReason,
  meta: RequestMeta,
): Promise<void> {
  await recordAudit(ctx, {
    account: { id: account.id, name: account.username },
    action: 'account.access_token.auto_remove',
    name: token.label,
    actor: reason === 'expiry' ? { id: null, name: 'tokenhub' } : { id: account.id, name: account.username },
    meta,
    data: { uuid: token.id, client_id: token.clientId, reason },
  });
}

/**
 * RFC 7009 revocation by secret: deletes an auto-generated token (its sign-in goes with it).
 * Manual PATs, OATs, unknown and malformed secrets are left alone; the caller answers 200 anyway.
 * @returns whether a token was deleted.
 */
export async function revokeAutoToken(
  ctx: ServiceContext,
  secret: string,
  meta: RequestMeta,
): Promise<boolean> {
  if (parseTokenSecret(ctx.config.tokenPrefix, secret) !== 'pat') return false;
  const found = await findTokenWithOwnerByHash(ctx.db, hashTokenSecret(secret));
  const token = found?.token;
  const user = found?.owner?.kind === 'user' ? found.owner.user : undefined;
  if (token?.generatedBy !== 'auto' || !user) return false;
  return inTransaction(ctx.db, async (tx) => {
    const deleted = await deleteOwnedTokens(tx, { kind: 'user', id: user.id }, [token.id]);
    if (deleted !== 1) return false;
    await auditRemoval({ clock: ctx.clock, db: tx }, user, token, 'revoke', meta);
    return true;
  });
}

const sweepMeta: RequestMeta = { ip: '', userAgent: 'tokenhub expiry sweep' };

/** Deletes expired auto-generated tokens (of one account, or everyone's), auditing each; one batch. */
async function sweepBatch(ctx: ServiceContext, at: string, userId: string | undefined): Promise<number> {
  return inTransaction(ctx.db, async (tx) => {
    const deleted = await deleteExpiredAutoTokens(tx, at, { userId, limit: sweepBatchSize });
    const names = new Map<string, string>();
    for (const token of deleted) {
      let name = names.get(token.ownerId);
      if (name === undefined) {
        name = (await findUserById(tx, token.ownerId))?.username ?? '';
        names.set(token.ownerId, name);
      }
      const account = { id: token.ownerId, username: name };
      await auditRemoval({ clock: ctx.clock, db: tx }, account, token, 'expiry', sweepMeta);
    }
    return deleted.length;
  });
}

/**
 * The periodic sweep: deletes every auto-generated token whose sign-in has expired (with its
 * sign-in), and device requests that expired over an hour ago without becoming a sign-in. Safe to
 * run in several processes at once. Expired tokens are refused at sign-in anyway; this keeps the
 * lists and the cap count clean.
 */
export async function sweepExpiredAutoTokens(
  ctx: ServiceContext,
): Promise<{ tokens: number; requests: number }> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  let tokens = 0;
  let batch: number;
  do {
    batch = await sweepBatch(ctx, at, undefined);
    tokens += batch;
  } while (batch === sweepBatchSize);
  const requests = await deleteStaleDeviceRequests(
    ctx.db,
    new Date(now.getTime() - staleRequestGraceMs).toISOString(),
  );
  return { tokens, requests };
}

/** The same sweep for one account, cheap when there is nothing to do (one indexed read, no write). */
export async function sweepExpiredAutoTokensOf(ctx: ServiceContext, account: AccountRef): Promise<number> {
  const at = ctx.clock.now().toISOString();
  if (!(await hasExpiredAutoTokens(ctx.db, account.id, at))) return 0;
  return sweepBatch(ctx, at, account.id);
}

/** The housekeeping task (services/maintenance.ts) that runs the sweep in every process. */
export async function expiredAutoTokens(ctx: ServiceContext): Promise<void> {
  const { tokens, requests } = await sweepExpiredAutoTokens(ctx);
  if (tokens + requests > 0) {
    ctx.log.info({ tokens, requests }, 'expired auto-generated tokens and device requests deleted');
  }
}

/**
 * Making a new token of any kind: a fresh secret from the CSPRNG, and the token that keeps only a
 * short hint of it; storage keeps the secret's SHA-256. Callers validate their inputs and insert
 * the token (inside their own transaction when a cap applies).
 */
import type { AccessToken, OrgAccessToken, PersonalAccessToken } from '../../core/access-token-rules.ts';
import type { PatScope } from '../../core/access-token-scopes.ts';
import { newId } from '../../core/ids.ts';
import type { OatResource } from '../../core/organization-rules.ts';
import type { PatResource } from '../../core/pat-resources.ts';
import {
  generateTokenSecret,
  hashTokenSecret,
  type TokenSecret,
  tokenHint,
} from '../../core/token-secret.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';

interface DraftFields {
  /** The user (personal tokens) or organization (organization tokens) it belongs to. */
  ownerId: string;
  label: string;
  description?: string;
  expiresAt: string | null;
  /** The user who made it; null for tokens made by the system or the operator. */
  createdBy: string | null;
  generatedBy?: 'manual' | 'auto';
  clientId?: string;
  /** Checked networks (core/address-allowlist.ts); none: usable from anywhere. */
  allowedCidrs?: readonly string[];
}

export type TokenDraft =
  | (DraftFields & { kind: 'pat'; scopes: PatScope[]; resources?: readonly PatResource[] })
  | (DraftFields & { kind: 'oat'; resources: OatResource[] });

/** A drafted token, the SHA-256 of its secret (what storage keeps), and the secret (shown once). */
export interface DraftedToken<T extends AccessToken> {
  token: T;
  secretHash: string;
  secret: TokenSecret;
}

export function draftToken(
  ctx: Pick<ServiceContext, 'clock' | 'config'>,
  draft: DraftFields & { kind: 'pat'; scopes: PatScope[]; resources?: readonly PatResource[] },
  meta: RequestMeta,
): DraftedToken<PersonalAccessToken>;
export function draftToken(
  ctx: Pick<ServiceContext, 'clock' | 'config'>,
  draft: DraftFields & { kind: 'oat'; resources: OatResource[] },
  meta: RequestMeta,
): DraftedToken<OrgAccessToken>;
export function draftToken(
  ctx: Pick<ServiceContext, 'clock' | 'config'>,
  draft: TokenDraft,
  meta: RequestMeta,
): DraftedToken<AccessToken> {
  const secret = generateTokenSecret(ctx.config.tokenPrefix, draft.kind);
  const fields = {
    id: newId(),
    ownerId: draft.ownerId,
    generatedBy: draft.generatedBy ?? 'manual',
    label: draft.label,
    description: draft.description ?? '',
    hint: tokenHint(ctx.config.tokenPrefix, secret.reveal()),
    clientId: (draft.clientId ?? '').slice(0, 100),
    createdAt: ctx.clock.now().toISOString(),
    createdBy: draft.createdBy,
    creatorIp: meta.ip.slice(0, 64),
    creatorUa: meta.userAgent.slice(0, 512),
    expiresAt: draft.expiresAt,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUa: null,
    isActive: true,
    allowedCidrs: draft.allowedCidrs ?? [],
  };
  const token: AccessToken =
    draft.kind === 'oat'
      ? { ...fields, kind: 'oat', resources: draft.resources }
      : { ...fields, kind: 'pat', scopes: draft.scopes, resources: draft.resources ?? [] };
  return { token, secretHash: hashTokenSecret(secret.reveal()), secret };
}

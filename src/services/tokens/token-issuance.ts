/**
 * Making a new token of any kind: a fresh secret from the CSPRNG and the row that stores only its
 * SHA-256 and a short hint. Callers validate their inputs and insert the row (inside their own
 * transaction when a cap applies).
 */
import { newId, type TokenKind } from '../../core/ids.ts';
import {
  generateTokenSecret,
  hashTokenSecret,
  type TokenSecret,
  tokenHint,
} from '../../core/token-secret.ts';
import type { AccessTokenRow, TokenOwner } from '../../storage/access-token.repository.ts';
import type { RequestMeta, ServiceContext } from '../shared/context.ts';

export interface TokenDraft {
  kind: TokenKind;
  owner: TokenOwner;
  label: string;
  description?: string;
  /** PAT scope list or OAT resources, stored as JSON. */
  scopes: unknown;
  expiresAt: string | null;
  /** The user who made it; null for tokens made by the system or the operator. */
  createdBy: string | null;
  generatedBy?: 'manual' | 'auto';
  clientId?: string;
}

export function draftToken(
  ctx: Pick<ServiceContext, 'clock' | 'config'>,
  draft: TokenDraft,
  meta: RequestMeta,
): { row: AccessTokenRow; secret: TokenSecret } {
  const secret = generateTokenSecret(ctx.config.tokenPrefix, draft.kind);
  const row: AccessTokenRow = {
    id: newId(),
    owner_kind: draft.owner.kind,
    owner_id: draft.owner.id,
    kind: draft.kind,
    generated_by: draft.generatedBy ?? 'manual',
    label: draft.label,
    description: draft.description ?? '',
    scopes: JSON.stringify(draft.scopes),
    secret_hash: hashTokenSecret(secret.reveal()),
    hint: tokenHint(ctx.config.tokenPrefix, secret.reveal()),
    client_id: (draft.clientId ?? '').slice(0, 100),
    created_at: ctx.clock.now().toISOString(),
    created_by: draft.createdBy,
    creator_ip: meta.ip.slice(0, 64),
    creator_ua: meta.userAgent.slice(0, 512),
    expires_at: draft.expiresAt,
    last_used_at: null,
    last_used_ip: null,
    last_used_ua: null,
    is_active: 1,
  };
  return { row, secret };
}

/**
 * OIDC connections and exchanged tokens put straight into the store, for tests that need a
 * `thub_oidc_…` token without an issuer (the security suite's OIDC session, credential tests).
 */
import { newId } from '../../src/core/ids.ts';
import type { OidcConnection, OidcOwner, OidcResource } from '../../src/core/oidc-rules.ts';
import { generateTokenSecret, hashTokenSecret, tokenHint } from '../../src/core/token-secret.ts';
import { insertConnection } from '../../src/storage/oidc-connection.repository.ts';
import { insertOidcToken } from '../../src/storage/oidc-token.repository.ts';
import type { TestApp } from './app-harness.ts';

export interface MintedOidcToken {
  connectionId: string;
  tokenId: string;
  /** The `thub_oidc_…` secret: the password of `<owner name>`. */
  secret: string;
}

/** A connection of `owner` (pull and push on all its repositories) and a token exchanged at it. */
export async function mintOidcToken(
  t: TestApp,
  owner: OidcOwner,
  options: { resources?: OidcResource[]; lifetimeSeconds?: number } = {},
): Promise<MintedOidcToken> {
  const now = t.clock.now();
  const resources = options.resources ?? [
    { type: 'TYPE_REPO', path: `${owner.name}/*`, scopes: ['scope-image-push'] },
  ];
  const connection: OidcConnection = {
    id: newId(),
    ownerKind: owner.kind,
    ownerId: owner.id,
    label: 'minted connection',
    issuer: 'https://ci.example.com',
    audience: t.config.publicUrl,
    tokenTtlSeconds: 900,
    singleUse: false,
    isActive: true,
    rulesets: [{ label: 'all', subject: 'job:*', claims: {}, resources }],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    createdBy: null,
    lastUsedAt: null,
  };
  await insertConnection(t.database.db, connection);
  const secret = generateTokenSecret(t.config.tokenPrefix, 'oidc').reveal();
  const tokenId = newId();
  await insertOidcToken(
    t.database.db,
    {
      id: tokenId,
      origin: 'exchange',
      connectionId: connection.id,
      connectionLabel: connection.label,
      ownerKind: owner.kind,
      ownerId: owner.id,
      subject: 'job:minted',
      resources,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + (options.lifetimeSeconds ?? 900) * 1000).toISOString(),
    },
    hashTokenSecret(secret),
    tokenHint(t.config.tokenPrefix, secret),
  );
  return { connectionId: connection.id, tokenId, secret };
}

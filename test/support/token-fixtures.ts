/**
 * Access tokens minted straight into the store, through the same drafting as the API, for tests
 * that need many tokens (the API limits PAT creation per account) or scopes the API would refuse.
 */
import type { PatScope } from '../../src/core/access-token-scopes.ts';
import type { OatResource, Organization } from '../../src/core/organization-rules.ts';
import { draftToken } from '../../src/services/tokens/token-issuance.ts';
import { insertAccessToken } from '../../src/storage/access-token.repository.ts';
import { findUserByUsername } from '../../src/storage/user.repository.ts';
import type { TestApp } from './app-harness.ts';

const meta = { ip: '127.0.0.1', userAgent: 'test' };

export interface MintedToken {
  id: string;
  /** The secret, revealed: what a client sends as the password. */
  secret: string;
}

/** A manual PAT of `username`; never expiring unless `expiresAt` is given. */
export async function mintPat(
  t: TestApp,
  username: string,
  options: { scopes?: PatScope[]; expiresAt?: string | null; label?: string } = {},
): Promise<MintedToken> {
  const user = await findUserByUsername(t.database.db, username);
  if (!user) throw new Error(`no user ${username}`);
  const { token, secretHash, secret } = draftToken(
    t.app.services,
    {
      kind: 'pat',
      ownerId: user.id,
      label: options.label ?? 'minted',
      scopes: options.scopes ?? ['repo:admin'],
      expiresAt: options.expiresAt ?? null,
      createdBy: user.id,
    },
    meta,
  );
  await insertAccessToken(t.database.db, token, secretHash);
  return { id: token.id, secret: secret.reveal() };
}

/** An OAT of `org` with the given resources, stored unchecked (tests also store what the API refuses). */
export async function mintOat(
  t: TestApp,
  org: Organization,
  resources: readonly OatResource[],
  label = 'robot',
): Promise<MintedToken> {
  const { token, secretHash, secret } = draftToken(
    t.app.services,
    { kind: 'oat', ownerId: org.id, label, resources: [...resources], expiresAt: null, createdBy: null },
    meta,
  );
  await insertAccessToken(t.database.db, token, secretHash);
  return { id: token.id, secret: secret.reveal() };
}

/** Stored things for storage tests, with overrides for what a test is about. */
import type { AccessToken, PersonalAccessToken } from '../../src/core/access-token-rules.ts';
import { hashTokenSecret } from '../../src/core/token-secret.ts';
import type { Db } from '../../src/storage/database.ts';
import { findTokenWithOwnerByHash } from '../../src/storage/token-credential.repository.ts';

/** A manual `repo:read` PAT of user `u1`, never used. */
export function personalToken(overrides: Partial<PersonalAccessToken> = {}): PersonalAccessToken {
  return {
    id: crypto.randomUUID(),
    ownerId: 'u1',
    kind: 'pat',
    generatedBy: 'manual',
    label: 'label',
    description: '',
    scopes: ['repo:read'],
    hint: 'thub_pat_abcd…',
    clientId: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'u1',
    creatorIp: '127.0.0.1',
    creatorUa: 'ua',
    expiresAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUa: null,
    isActive: true,
    allowedCidrs: [],
    resources: [],
    ...overrides,
  };
}

/** A random stand-in for the SHA-256 of a secret (64 hex characters). */
export function randomSecretHash(): string {
  return crypto.randomUUID().replaceAll('-', '').padEnd(64, '0');
}

/** The stored token a secret stands for, as the `/token` read finds it. */
export async function storedToken(db: Db, secret: string): Promise<AccessToken | undefined> {
  return (await findTokenWithOwnerByHash(db, hashTokenSecret(secret)))?.token;
}

/** Whole rows for storage tests, with overrides for what a test is about. */
import type { AccessTokenRow } from '../../src/storage/access-token.repository.ts';

/** A manual `repo:read` PAT of user `u1`, never used, with a random secret hash. */
export function accessTokenRow(overrides: Partial<AccessTokenRow>): AccessTokenRow {
  return {
    id: crypto.randomUUID(),
    owner_kind: 'user',
    owner_id: 'u1',
    kind: 'pat',
    generated_by: 'manual',
    label: 'label',
    description: '',
    scopes: '["repo:read"]',
    secret_hash: crypto.randomUUID().replaceAll('-', '').padEnd(64, '0'),
    hint: 'thub_pat_abcd…',
    client_id: '',
    created_at: '2026-01-01T00:00:00.000Z',
    created_by: 'u1',
    creator_ip: '127.0.0.1',
    creator_ua: 'ua',
    expires_at: null,
    last_used_at: null,
    last_used_ip: null,
    last_used_ua: null,
    is_active: 1,
    ...overrides,
  };
}

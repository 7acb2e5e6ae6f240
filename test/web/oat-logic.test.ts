import { describe, expect, it } from 'vitest';
import type { OrgAccessToken } from '../../src/web/api/types.ts';
import {
  addRepo,
  describeResources,
  draftFromResources,
  draftProblem,
  emptyDraft,
  normalizeRepoPath,
  resourcesFromDraft,
  sortOrgTokens,
  tierLimitText,
} from '../../src/web/lib/oat-logic.ts';

describe('repository picker', () => {
  it('completes a typed name with the organization', () => {
    expect(normalizeRepoPath('acme', 'api')).toEqual({ ok: true, path: 'acme/api' });
    expect(normalizeRepoPath('acme', ' Acme/Web ')).toEqual({ ok: true, path: 'acme/web' });
    expect(normalizeRepoPath('acme', '*')).toEqual({ ok: true, path: 'acme/*' });
  });

  it('refuses another namespace and malformed names, as the API would', () => {
    expect(normalizeRepoPath('acme', 'other/api')).toMatchObject({ ok: false });
    expect(normalizeRepoPath('acme', 'acme/-bad')).toMatchObject({ ok: false });
    expect(normalizeRepoPath('acme', '')).toMatchObject({ ok: false });
  });

  it('adds a repository once', () => {
    const once = addRepo(emptyDraft(), 'acme/api');
    expect(addRepo(once, 'acme/api').repos).toHaveLength(1);
  });
});

describe('draft ↔ resources', () => {
  it('turns the picker into the API resources list', () => {
    const draft = {
      repos: [
        { path: 'acme/api', push: true },
        { path: 'acme/web', push: false },
      ],
      publicRead: true,
      org: { member: 'read', invite: 'none', group: 'edit', activity: 'none' },
    } as const;
    const resources = resourcesFromDraft('acme', {
      ...draft,
      repos: [...draft.repos],
      org: { ...draft.org },
    });
    expect(resources).toEqual([
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull', 'scope-image-push'] },
      { type: 'TYPE_REPO', path: 'acme/web', scopes: ['scope-image-pull'] },
      { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
      { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read', 'scope-group-edit'] },
    ]);
    expect(draftFromResources(resources)).toEqual({
      ...draft,
      repos: [...draft.repos],
      org: { ...draft.org },
    });
  });

  it('needs at least one permission and at most 50 repositories', () => {
    expect(draftProblem(emptyDraft())).toBe('Add at least one repository or permission.');
    expect(draftProblem({ ...emptyDraft(), publicRead: true })).toBeUndefined();
    const many = {
      ...emptyDraft(),
      repos: Array.from({ length: 51 }, (_, i) => ({ path: `acme/r${i}`, push: false })),
    };
    expect(draftProblem(many)).toMatch(/at most 50/);
  });

  it('describes resources for the list', () => {
    expect(
      describeResources([
        { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
        { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
        { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
      ]),
    ).toEqual(['acme/api: pull, push', 'Public repositories: pull', 'Organization: member read']);
  });

  it('shows the tier limit', () => {
    expect(tierLimitText({ count: 7, limit: 10 })).toBe('7 of 10 tokens');
    expect(tierLimitText({ count: 0, limit: 0 })).toMatch(/no access tokens/);
  });
});

describe('sorting the organization token list', () => {
  const oat = (overrides: Partial<OrgAccessToken>): OrgAccessToken => ({
    id: 'x',
    label: 'deploy',
    description: '',
    created_by: 'alice',
    is_active: true,
    created_at: '2026-01-01T00:00:00Z',
    expires_at: null,
    last_used_at: null,
    resources: [],
    status: 'active',
    last_used_ip: null,
    last_used_ua: null,
    token_hint: 'thub_oat_Ab3x',
    allowed_cidrs: [],
    last_used_ips: [],
    ...overrides,
  });
  const tokens = [
    oat({ id: 'a', label: 'nightly', created_by: 'bob', expires_at: null, last_used_at: null }),
    oat({
      id: 'b',
      label: 'Deploy',
      expires_at: '2026-06-01T00:00:00Z',
      last_used_at: '2026-02-01T00:00:00Z',
    }),
    oat({
      id: 'c',
      label: 'audit',
      expires_at: '2026-03-01T00:00:00Z',
      last_used_at: '2026-02-05T00:00:00Z',
    }),
  ];
  const ids = (list: OrgAccessToken[]) => list.map((t) => t.id).join('');

  it('sorts by label and creator, ignoring case', () => {
    expect(ids(sortOrgTokens(tokens, 'label', 'ascending'))).toBe('cba');
    expect(ids(sortOrgTokens(tokens, 'created_by', 'descending'))).toBe('abc');
  });

  it('puts a token that never expires after every date ascending and first descending', () => {
    expect(ids(sortOrgTokens(tokens, 'expires', 'ascending'))).toBe('cba');
    expect(ids(sortOrgTokens(tokens, 'expires', 'descending'))).toBe('abc');
  });

  it('treats a never-used token as the oldest use', () => {
    expect(ids(sortOrgTokens(tokens, 'last_used', 'ascending'))).toBe('abc');
    expect(ids(sortOrgTokens(tokens, 'last_used', 'descending'))).toBe('cba');
  });
});

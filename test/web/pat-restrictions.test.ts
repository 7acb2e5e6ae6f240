/** The personal token form's restrictions: typed repositories, and what the API receives. */
import { describe, expect, it } from 'vitest';
import {
  networksOf,
  noRestrictions,
  normalizePatRepoPath,
  resourcesOf,
} from '../../src/web/lib/pat-restrictions.ts';

describe('normalizePatRepoPath', () => {
  it.each([
    ['app', 'alice/app'],
    [' Acme/API ', 'acme/api'],
    ['acme/*', 'acme/*'],
    ['acme/team/app', 'acme/team/app'],
  ])('%j → %s', (typed, path) => {
    expect(normalizePatRepoPath('alice', typed)).toEqual({ ok: true, path });
  });

  it.each([[''], ['acme/'], ['*/*'], ['acme/a b'], ['acme/*/x']])('refuses %j', (typed) => {
    expect(normalizePatRepoPath('alice', typed).ok).toBe(false);
  });
});

describe('what the API receives', () => {
  it('one resource per repository with its action, public read last; networks split on lines and commas', () => {
    const restrictions = {
      repos: [
        { path: 'acme/api', action: 'push' as const },
        { path: 'alice/*', action: 'delete' as const },
      ],
      publicRead: true,
      networks: '10.0.0.0/8\n 2001:db8::/32, 192.0.2.1\n\n',
    };
    expect(resourcesOf(restrictions)).toEqual([
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
      { type: 'TYPE_REPO', path: 'alice/*', scopes: ['scope-image-delete'] },
      { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
    ]);
    expect(networksOf(restrictions)).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.1']);
    expect(resourcesOf(noRestrictions)).toEqual([]);
    expect(networksOf(noRestrictions)).toEqual([]);
  });
});

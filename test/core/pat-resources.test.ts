/** Resources of fine-grained PATs: parsing, and the actions they list on a repository. */
import { describe, expect, it } from 'vitest';
import { type PatResource, parsePatResources, patResourceActions } from '../../src/core/pat-resources.ts';
import { allowedRepositoryActions } from '../../src/core/repository-access.ts';

const r = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });

describe('parsePatResources', () => {
  it('normalises paths, merges a path listed twice, orders scopes', () => {
    expect(
      parsePatResources([
        r(' Acme/API ', 'scope-image-push'),
        { path: 'acme/api', scopes: ['scope-image-delete', 'scope-image-pull'] },
        r('acme/*', 'scope-image-pull'),
        r('*/*/public', 'scope-image-pull'),
      ]),
    ).toEqual([
      r('acme/api', 'scope-image-pull', 'scope-image-push', 'scope-image-delete'),
      r('acme/*', 'scope-image-pull'),
      r('*/*/public', 'scope-image-pull'),
    ]);
  });

  it.each([
    [[r('acme', 'scope-image-pull')], 'invalid repository path'],
    [[r('/api', 'scope-image-pull')], 'invalid repository path'],
    [[r('acme/a b', 'scope-image-pull')], 'invalid repository path'],
    [[r('*/*', 'scope-image-pull')], 'invalid repository path'],
    [[r('acme/api', 'scope-member-read')], 'unknown repository scope'],
    [[r('acme/api')], 'has no scopes'],
    [[r('*/*/public', 'scope-image-delete')], 'allows only scope-image-pull'],
    [[{ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-image-pull'] }], 'TYPE_REPO only'],
    [Array.from({ length: 51 }, (_, i) => r(`acme/a${i}`, 'scope-image-pull')), 'at most 50'],
  ])('refuses %j', (raw, message) => {
    expect(() => parsePatResources(raw)).toThrow(message);
  });
});

describe('patResourceActions', () => {
  const resources: PatResource[] = parsePatResources([
    r('acme/api', 'scope-image-push'),
    r('tools/*', 'scope-image-delete'),
    r('*/*/public', 'scope-image-pull'),
  ]);
  it.each([
    ['acme', 'api', false, ['pull', 'push']],
    ['acme', 'apis', false, []],
    ['acme', 'api/sub', false, []],
    ['tools', 'team/app', false, ['pull', 'delete']],
    ['toolsx', 'app', false, []],
    ['other', 'app', true, ['pull']],
    ['other', 'app', false, []],
  ])('%s/%s (public %s) → %j', (namespace, name, isPublic, actions) => {
    expect([...patResourceActions(resources, { namespace, name }, isPublic)].sort()).toEqual(
      [...actions].sort(),
    );
  });

  it('caps the owner’s rights and the level: resources ∩ level ∩ rights', () => {
    const subject = {
      kind: 'account' as const,
      userId: 'u1',
      username: 'alice',
      isAdmin: false,
      patScope: 'repo:write' as const,
      patResources: parsePatResources([
        r('alice/app', 'scope-image-delete'),
        r('bob/app', 'scope-image-push'),
      ]),
    };
    const ask = (namespace: string) =>
      [
        ...allowedRepositoryActions(subject, {
          path: { namespace, name: 'app' },
          repository: { isPrivate: true },
        }),
      ].sort();
    expect(ask('alice')).toEqual(['pull']); // delete is listed, but the level stops at push
    expect(ask('bob')).toEqual([]); // listed, but alice has no rights there
  });
});

/**
 * Organization rules with no I/O: the resources of organization access tokens (accepted forms,
 * refusals with their messages, the repository cap), what the resources grant, tiers, and group
 * names.
 */
import { describe, expect, it } from 'vitest';
import {
  groupNamePattern,
  groupPermissionActions,
  maxOatRepositories,
  normalizeGroupName,
  type OatResource,
  oatLimitByTier,
  oatOrgScopes,
  oatRepositoryActions,
  orgScopes,
  orgTiers,
  parseOatResources,
} from '../../src/core/organization-rules.ts';
import { thrown } from '../support/thrown.ts';

type RawResource = { type: string; path: string; scopes: string[] };
const repo = (path: string, ...scopes: string[]): RawResource => ({ type: 'TYPE_REPO', path, scopes });
const org = (path: string, ...scopes: string[]): RawResource => ({ type: 'TYPE_ORG', path, scopes });

/** The refusal `parseOatResources` throws, or undefined when it accepts. */
function refusal(raw: RawResource[]) {
  return thrown(() => parseOatResources('acme', raw));
}

describe('parseOatResources', () => {
  it.each([
    {
      what: 'one repository, pull',
      raw: [repo('acme/app', 'scope-image-pull')],
      parsed: [repo('acme/app', 'scope-image-pull')],
    },
    {
      what: 'a nested repository name, pull and push',
      raw: [repo('acme/team/app', 'scope-image-pull', 'scope-image-push')],
      parsed: [repo('acme/team/app', 'scope-image-pull', 'scope-image-push')],
    },
    {
      what: 'every repository of the organization',
      raw: [repo('acme/*', 'scope-image-push')],
      parsed: [repo('acme/*', 'scope-image-push')],
    },
    {
      what: 'public repositories anywhere, pull',
      raw: [repo('*/*/public', 'scope-image-pull')],
      parsed: [repo('*/*/public', 'scope-image-pull')],
    },
    {
      what: 'the organization itself, every scope',
      raw: [org('acme', ...orgScopes)],
      parsed: [org('acme', ...orgScopes)],
    },
    {
      what: 'a path with spaces around it (trimmed)',
      raw: [repo(' acme/app ', 'scope-image-pull'), org(' acme ', 'scope-member-read')],
      parsed: [repo('acme/app', 'scope-image-pull'), org('acme', 'scope-member-read')],
    },
    {
      what: 'a scope named twice (kept once)',
      raw: [
        repo('acme/app', 'scope-image-pull', 'scope-image-pull'),
        org('acme', 'scope-group-read', 'scope-group-read'),
      ],
      parsed: [repo('acme/app', 'scope-image-pull'), org('acme', 'scope-group-read')],
    },
    {
      what: 'repositories and the organization together, in the order given',
      raw: [
        org('acme', 'scope-member-read'),
        repo('acme/web', 'scope-image-pull'),
        repo('*/*/public', 'scope-image-pull'),
      ],
      parsed: [
        org('acme', 'scope-member-read'),
        repo('acme/web', 'scope-image-pull'),
        repo('*/*/public', 'scope-image-pull'),
      ],
    },
  ])('accepts $what', ({ raw, parsed }) => {
    expect(parseOatResources('acme', raw)).toEqual(parsed);
  });

  it.each([
    { what: 'no resources', raw: [], message: 'at least one resource is required' },
    {
      what: 'a resource without scopes',
      raw: [repo('acme/app')],
      message: 'resource acme/app has no scopes',
    },
    {
      what: 'an organization resource without scopes',
      raw: [org('acme')],
      message: 'resource acme has no scopes',
    },
    {
      what: 'an unknown repository scope',
      raw: [repo('acme/app', 'scope-image-delete')],
      message: 'unknown repository scope scope-image-delete on acme/app',
    },
    {
      what: 'an organization scope on a repository',
      raw: [repo('acme/*', 'scope-member-read')],
      message: 'unknown repository scope scope-member-read on acme/*',
    },
    {
      what: "another organization's repository",
      raw: [repo('other/app', 'scope-image-pull')],
      message: 'repository other/app is outside the organization acme',
    },
    {
      what: "another organization's wildcard",
      raw: [repo('other/*', 'scope-image-pull')],
      message: 'repository other/* is outside the organization acme',
    },
    {
      what: 'the organization name in another case',
      raw: [repo('ACME/app', 'scope-image-pull')],
      message: 'repository ACME/app is outside the organization acme',
    },
    {
      what: 'a path without a namespace',
      raw: [repo('app', 'scope-image-pull')],
      message: 'repository app is outside the organization acme',
    },
    {
      what: 'a path starting with a slash',
      raw: [repo('/app', 'scope-image-pull')],
      message: 'repository /app is outside the organization acme',
    },
    {
      what: 'an empty name',
      raw: [repo('acme/', 'scope-image-pull')],
      message: 'invalid repository path acme/',
    },
    {
      what: 'an upper-case name',
      raw: [repo('acme/App', 'scope-image-pull')],
      message: 'invalid repository path acme/App',
    },
    {
      what: 'a wildcard below the namespace',
      raw: [repo('acme/team/*', 'scope-image-pull')],
      message: 'invalid repository path acme/team/*',
    },
    {
      what: 'push on public repositories anywhere',
      raw: [repo('*/*/public', 'scope-image-pull', 'scope-image-push')],
      message: '*/*/public allows only scope-image-pull',
    },
    {
      what: 'another organization as the organization resource',
      raw: [org('other', 'scope-member-read')],
      message: 'organization resource other must be acme',
    },
    {
      what: 'a repository scope on the organization',
      raw: [org('acme', 'scope-image-pull')],
      message: 'unknown organization scope scope-image-pull',
    },
    {
      what: 'an unknown resource type',
      raw: [{ type: 'TYPE_NAMESPACE', path: 'acme', scopes: ['scope-image-pull'] }],
      message: 'unknown resource type TYPE_NAMESPACE; use TYPE_REPO or TYPE_ORG',
    },
  ])('refuses $what: "$message"', ({ raw, message }) => {
    expect(refusal(raw)).toEqual({ code: 'VALIDATION_FAILED', message, fields: { resources: [message] } });
  });

  describe(`at most ${maxOatRepositories} repositories per token`, () => {
    const repositories = (n: number) =>
      Array.from({ length: n }, (_, i) => repo(`acme/app${i}`, 'scope-image-pull'));

    it('accepts 50, with the organization resource besides', () => {
      expect(maxOatRepositories).toBe(50);
      expect(parseOatResources('acme', [...repositories(50), org('acme', 'scope-member-read')])).toHaveLength(
        51,
      );
    });

    it.each([
      { what: '51 repositories', raw: repositories(51), got: 51 },
      {
        what: '50 repositories and */*/public',
        raw: [...repositories(50), repo('*/*/public', 'scope-image-pull')],
        got: 51,
      },
      {
        what: '50 repositories and acme/*',
        raw: [...repositories(50), repo('acme/*', 'scope-image-pull')],
        got: 51,
      },
    ])('refuses $what', ({ raw, got }) => {
      expect(refusal(raw)?.message).toBe(`at most 50 repositories per token, got ${got}`);
    });

    it('counts a repository named twice once', () => {
      const raw = [...repositories(50), repo('acme/app0', 'scope-image-pull')];
      expect(parseOatResources('acme', raw)).toHaveLength(50);
    });
  });

  // A second entry for a path already listed merges its scopes into the first one's.
  it.each([
    {
      what: 'the organization',
      raw: [org('acme', 'scope-member-edit'), org('acme', 'scope-group-read')],
      merged: [{ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-edit', 'scope-group-read'] }],
    },
    {
      what: 'a repository',
      raw: [repo('acme/app', 'scope-image-push'), repo('acme/app', 'scope-image-pull')],
      merged: [{ type: 'TYPE_REPO', path: 'acme/app', scopes: ['scope-image-push', 'scope-image-pull'] }],
    },
  ])('merges the scopes when $what is listed twice', ({ raw, merged }) => {
    expect(parseOatResources('acme', raw)).toEqual(merged);
  });
});

describe('oatRepositoryActions', () => {
  const resources = (...raw: RawResource[]) => raw as OatResource[];
  it.each([
    {
      what: 'acme/app pull',
      held: resources(repo('acme/app', 'scope-image-pull')),
      on: 'acme/app',
      isPublic: false,
      expected: ['pull'],
    },
    {
      what: 'acme/app push (pull comes with it)',
      held: resources(repo('acme/app', 'scope-image-push')),
      on: 'acme/app',
      isPublic: false,
      expected: ['pull', 'push'],
    },
    {
      what: 'acme/app pull',
      held: resources(repo('acme/app', 'scope-image-pull')),
      on: 'acme/web',
      isPublic: true,
      expected: [],
    },
    {
      what: 'acme/app pull',
      held: resources(repo('acme/app', 'scope-image-pull')),
      on: 'acme/app/sub',
      isPublic: false,
      expected: [],
    },
    {
      what: 'acme/* push',
      held: resources(repo('acme/*', 'scope-image-push')),
      on: 'acme/team/app',
      isPublic: false,
      expected: ['pull', 'push'],
    },
    {
      what: 'acme/* push',
      held: resources(repo('acme/*', 'scope-image-push')),
      on: 'other/app',
      isPublic: true,
      expected: [],
    },
    {
      what: '*/*/public',
      held: resources(repo('*/*/public', 'scope-image-pull')),
      on: 'other/app',
      isPublic: true,
      expected: ['pull'],
    },
    {
      what: '*/*/public',
      held: resources(repo('*/*/public', 'scope-image-pull')),
      on: 'acme/app',
      isPublic: false,
      expected: [],
    },
    {
      what: 'acme/app pull and */*/public',
      held: resources(repo('acme/app', 'scope-image-pull'), repo('*/*/public', 'scope-image-pull')),
      on: 'acme/app',
      isPublic: false,
      expected: ['pull'],
    },
    {
      what: 'acme/app pull and acme/* push',
      held: resources(repo('acme/app', 'scope-image-pull'), repo('acme/*', 'scope-image-push')),
      on: 'acme/app',
      isPublic: false,
      expected: ['pull', 'push'],
    },
    {
      what: 'a stored other/app push',
      held: resources(repo('other/app', 'scope-image-push')),
      on: 'other/app',
      isPublic: false,
      expected: [],
    },
    {
      what: 'organization scopes only',
      held: resources(org('acme', ...orgScopes)),
      on: 'acme/app',
      isPublic: true,
      expected: [],
    },
  ])('$what on $on (public: $isPublic) → $expected', ({ held, on, isPublic, expected }) => {
    const slash = on.indexOf('/');
    const actions = oatRepositoryActions('acme', held, on.slice(0, slash), on.slice(slash + 1), isPublic);
    expect([...actions].sort()).toEqual(expected);
  });
});

describe('oatOrgScopes', () => {
  it.each([
    { held: [org('acme', 'scope-member-read')], expected: ['scope-member-read'] },
    { held: [org('acme', 'scope-member-edit')], expected: ['scope-member-edit', 'scope-member-read'] },
    { held: [org('acme', 'scope-invite-edit')], expected: ['scope-invite-edit', 'scope-invite-read'] },
    { held: [org('acme', 'scope-group-edit')], expected: ['scope-group-edit', 'scope-group-read'] },
    {
      held: [org('acme', 'scope-group-read', 'scope-invite-read')],
      expected: ['scope-group-read', 'scope-invite-read'],
    },
    { held: [org('other', 'scope-member-edit')], expected: [] },
    { held: [repo('acme/*', 'scope-image-push')], expected: [] },
  ])('$held → $expected', ({ held, expected }) => {
    expect([...oatOrgScopes('acme', held as OatResource[])].sort()).toEqual([...expected].sort());
  });

  it('never turns a read into an edit', () => {
    const held = oatOrgScopes('acme', [
      org('acme', 'scope-member-read', 'scope-invite-read', 'scope-group-read'),
    ] as OatResource[]);
    expect([...held].filter((scope) => scope.endsWith('-edit'))).toEqual([]);
  });
});

describe('tiers', () => {
  it.each([
    ['free', 0],
    ['team', 10],
    ['business', 100],
  ] as const)('%s holds at most %i organization access tokens', (tier, limit) => {
    expect(oatLimitByTier[tier]).toBe(limit);
  });

  it('are free, team and business, lowest first', () => {
    expect(orgTiers).toEqual(['free', 'team', 'business']);
  });
});

describe('group permissions', () => {
  it.each([
    ['read', ['pull']],
    ['write', ['pull', 'push']],
    ['admin', ['pull', 'push', 'delete']],
  ] as const)('%s gives %j', (permission, actions) => {
    expect(groupPermissionActions[permission]).toEqual(actions);
  });
});

describe('group names', () => {
  it.each(['devs', 'a', '0team', 'back-end', 'team.one', 'team_two', 'a'.repeat(64), 'x-'])(
    'accepts %s',
    (name) => {
      expect(groupNamePattern.test(name)).toBe(true);
    },
  );

  it.each(['', '-devs', '.devs', '_devs', 'Devs', 'dev ops', 'dévs', 'dev/ops', 'a'.repeat(65)])(
    'refuses %j',
    (name) => {
      expect(groupNamePattern.test(name)).toBe(false);
    },
  );

  it.each([
    ['Devs', 'devs'],
    ['  Back-End  ', 'back-end'],
    ['devs', 'devs'],
  ])('normalizes %j to %j', (raw, normalized) => {
    expect(normalizeGroupName(raw)).toBe(normalized);
    expect(groupNamePattern.test(normalizeGroupName(raw))).toBe(true);
  });
});

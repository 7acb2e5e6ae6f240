/**
 * The repository permission matrix (ARCHITECTURE.md, "Registry grant"): who may do what on which
 * repository, one row per case. Each row names the subject, the question (namespace/name, whether
 * the repository is private, public or missing, and the account's membership in the organization
 * that owns the namespace) and the actions expected.
 */
import { describe, expect, it } from 'vitest';
import type { PatScope } from '../../src/core/access-token-scopes.ts';
import type { GroupPermission, OatResource, RepoScope } from '../../src/core/organization-rules.ts';
import {
  type AccessSubject,
  accountRights,
  allowedRepositoryActions,
  type MembershipFacts,
  mayListCatalog,
  type RepositoryAction,
  type RepositoryQuestion,
  scopeCap,
  splitRepositoryName,
} from '../../src/core/repository-access.ts';

type State = 'private' | 'public' | 'missing';

const anonymous: AccessSubject = { kind: 'anonymous' };

function account(username: string, options: { isAdmin?: boolean; patScope?: PatScope } = {}): AccessSubject {
  const subject = {
    kind: 'account',
    userId: `id-${username}`,
    username,
    isAdmin: options.isAdmin ?? false,
  } as const;
  return options.patScope === undefined ? subject : { ...subject, patScope: options.patScope };
}

const alice = account('alice');
const admin = account('root', { isAdmin: true });
const pat = (scope: PatScope, username = 'alice', isAdmin = false) =>
  account(username, { patScope: scope, isAdmin });

const repoResource = (path: string, ...scopes: RepoScope[]): OatResource => ({
  type: 'TYPE_REPO',
  path,
  scopes,
});
const oat = (...resources: OatResource[]): AccessSubject => ({ kind: 'oat', orgName: 'acme', resources });
/** Organization access tokens of `acme`, by what their resources list. */
const oats = {
  appPull: oat(repoResource('acme/app', 'scope-image-pull')),
  appPush: oat(repoResource('acme/app', 'scope-image-push')),
  appPullPush: oat(repoResource('acme/app', 'scope-image-pull', 'scope-image-push')),
  allPull: oat(repoResource('acme/*', 'scope-image-pull')),
  allPush: oat(repoResource('acme/*', 'scope-image-push')),
  publicPull: oat(repoResource('*/*/public', 'scope-image-pull')),
  /** Never accepted by parseOatResources, but stored data must not widen a token either. */
  otherOrgPath: oat(repoResource('other/app', 'scope-image-push')),
  orgScopesOnly: oat({ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-edit'] }),
  none: oat(),
};

const owner: MembershipFacts = { role: 'owner', groupPermissions: [] };
const member = (...groupPermissions: GroupPermission[]): MembershipFacts => ({
  role: 'member',
  groupPermissions,
});
const notMember: MembershipFacts = { role: undefined, groupPermissions: [] };
const editor = (...groupPermissions: GroupPermission[]): MembershipFacts => ({
  role: 'editor',
  groupPermissions,
});

/** `alice/app` as a question: its state, and the asker's membership when the namespace is an organization's. */
function on(fullName: string, state: State, membership?: MembershipFacts): RepositoryQuestion {
  const path = splitRepositoryName(fullName);
  if (!path) throw new Error(`not a repository name: ${fullName}`);
  const repository = state === 'missing' ? undefined : { isPrivate: state === 'private' };
  return membership === undefined ? { path, repository } : { path, repository, membership };
}

const all: RepositoryAction[] = ['delete', 'pull', 'push'];
const sorted = (actions: Set<RepositoryAction>) => [...actions].sort();

const row = (
  who: string,
  subject: AccessSubject,
  question: RepositoryQuestion,
  expected: RepositoryAction[],
) => ({
  who,
  subject,
  question,
  expected: [...expected].sort(),
  repo: `${question.path.namespace}/${question.path.name}`,
  state: question.repository === undefined ? 'missing' : question.repository.isPrivate ? 'private' : 'public',
});

describe('allowedRepositoryActions', () => {
  describe.each([
    {
      title: 'an account in its own namespace',
      rows: [
        row('alice (password)', alice, on('alice/app', 'private'), all),
        row('alice (password)', alice, on('alice/app', 'public'), all),
        row('alice (password), push creates', alice, on('alice/new', 'missing'), all),
        row('alice (password), nested name', alice, on('alice/team/app', 'private'), all),
      ],
    },
    {
      title: "an account in another user's namespace",
      rows: [
        row('alice (password)', alice, on('bobby/app', 'private'), []),
        row('alice (password)', alice, on('bobby/app', 'public'), ['pull']),
        row('alice (password)', alice, on('bobby/new', 'missing'), []),
        row('alice, named like a prefix', alice, on('alice2/app', 'private'), []),
      ],
    },
    {
      title: "an account in an organization's namespace",
      rows: [
        row('owner', alice, on('acme/app', 'private', owner), all),
        row('owner, push creates', alice, on('acme/new', 'missing', owner), all),
        row('member, group read', alice, on('acme/app', 'private', member('read')), ['pull']),
        row('member, group write', alice, on('acme/app', 'private', member('write')), ['pull', 'push']),
        row('member, group admin', alice, on('acme/app', 'private', member('admin')), all),
        row('member, groups read and write', alice, on('acme/app', 'private', member('read', 'write')), [
          'pull',
          'push',
        ]),
        row('member, no group', alice, on('acme/app', 'private', member()), []),
        row('member, no group', alice, on('acme/app', 'public', member()), ['pull']),
        row('member, no group', alice, on('acme/new', 'missing', member()), []),
        row('member, group read', alice, on('acme/app', 'public', member('read')), ['pull']),
        row('editor, no group on it', alice, on('acme/app', 'private', editor()), all),
        row('editor, push creates', alice, on('acme/new', 'missing', editor()), all),
        row('editor, a group says read', alice, on('acme/app', 'private', editor('read')), ['pull']),
        row('editor, groups read and admin', alice, on('acme/app', 'private', editor('read', 'admin')), all),
        row('editor, repo:read PAT', pat('repo:read'), on('acme/app', 'private', editor()), ['pull']),
        row('not a member', alice, on('acme/app', 'private', notMember), []),
        row('not a member', alice, on('acme/app', 'public', notMember), ['pull']),
        row('membership unknown', alice, on('acme/app', 'private'), []),
      ],
    },
    {
      title: 'an instance administrator',
      rows: [
        row('admin (password)', admin, on('bobby/app', 'private'), all),
        row('admin (password)', admin, on('acme/app', 'private', notMember), all),
        row('admin (password)', admin, on('bobby/new', 'missing'), all),
      ],
    },
    {
      title: "a PAT capping its owner's rights in the owner's namespace",
      rows: [
        row('repo:public_read', pat('repo:public_read'), on('alice/app', 'private'), []),
        row('repo:public_read', pat('repo:public_read'), on('alice/app', 'public'), ['pull']),
        row('repo:public_read', pat('repo:public_read'), on('alice/new', 'missing'), []),
        row('repo:read', pat('repo:read'), on('alice/app', 'private'), ['pull']),
        row('repo:read', pat('repo:read'), on('alice/app', 'public'), ['pull']),
        row('repo:read', pat('repo:read'), on('alice/new', 'missing'), ['pull']),
        row('repo:write', pat('repo:write'), on('alice/app', 'private'), ['pull', 'push']),
        row('repo:write', pat('repo:write'), on('alice/app', 'public'), ['pull', 'push']),
        row('repo:write', pat('repo:write'), on('alice/new', 'missing'), ['pull', 'push']),
        row('repo:admin', pat('repo:admin'), on('alice/app', 'private'), all),
        row('repo:admin', pat('repo:admin'), on('alice/app', 'public'), all),
        row('repo:admin', pat('repo:admin'), on('alice/new', 'missing'), all),
      ],
    },
    {
      title: 'a PAT never adding rights its owner lacks',
      rows: [
        row('repo:admin', pat('repo:admin'), on('bobby/app', 'private'), []),
        row('repo:admin', pat('repo:admin'), on('bobby/app', 'public'), ['pull']),
        row('repo:public_read', pat('repo:public_read'), on('bobby/app', 'public'), ['pull']),
        row('repo:admin, member read', pat('repo:admin'), on('acme/app', 'private', member('read')), [
          'pull',
        ]),
        row('repo:read, member write', pat('repo:read'), on('acme/app', 'private', member('write')), [
          'pull',
        ]),
        row('repo:write, member admin', pat('repo:write'), on('acme/app', 'private', member('admin')), [
          'pull',
          'push',
        ]),
        row(
          'repo:public_read, member admin',
          pat('repo:public_read'),
          on('acme/app', 'private', member('admin')),
          [],
        ),
        row('repo:write, org owner', pat('repo:write'), on('acme/app', 'private', owner), ['pull', 'push']),
        row('repo:read, admin', pat('repo:read', 'root', true), on('bobby/app', 'private'), ['pull']),
        row('repo:public_read, admin', pat('repo:public_read', 'root', true), on('bobby/app', 'private'), []),
        row('repo:admin, admin', pat('repo:admin', 'root', true), on('bobby/app', 'private'), all),
      ],
    },
    {
      title: 'an organization access token of acme',
      rows: [
        row('acme/app pull', oats.appPull, on('acme/app', 'private'), ['pull']),
        row('acme/app pull, another repository', oats.appPull, on('acme/web', 'private'), []),
        row('acme/app push (pull comes with it)', oats.appPush, on('acme/app', 'private'), ['pull', 'push']),
        row('acme/app push, push creates', oats.appPush, on('acme/app', 'missing'), ['pull', 'push']),
        row('acme/app pull and push, never delete', oats.appPullPush, on('acme/app', 'private'), [
          'pull',
          'push',
        ]),
        row('acme/* pull', oats.allPull, on('acme/web', 'private'), ['pull']),
        row('acme/* push', oats.allPush, on('acme/team/app', 'private'), ['pull', 'push']),
        row('acme/* push, push creates', oats.allPush, on('acme/new', 'missing'), ['pull', 'push']),
        row('acme/* push', oats.allPush, on('acme/docs', 'public'), ['pull', 'push']),
        row('*/*/public', oats.publicPull, on('bobby/app', 'public'), ['pull']),
        row('*/*/public', oats.publicPull, on('other/app', 'public'), ['pull']),
        row('*/*/public', oats.publicPull, on('acme/app', 'private'), []),
        row('*/*/public', oats.publicPull, on('acme/new', 'missing'), []),
        row('acme/* push, another organization', oats.allPush, on('other/app', 'private'), []),
        row('acme/* push, another organization', oats.allPush, on('other/app', 'public'), []),
        row(
          'a stored resource naming another organization',
          oats.otherOrgPath,
          on('other/app', 'private'),
          [],
        ),
        row('organization scopes only', oats.orgScopesOnly, on('acme/app', 'private'), []),
        row('organization scopes only', oats.orgScopesOnly, on('acme/app', 'public'), []),
        row('no resources', oats.none, on('acme/app', 'public'), []),
      ],
    },
    {
      title: 'anonymous',
      rows: [
        row('anonymous', anonymous, on('alice/app', 'public'), ['pull']),
        row('anonymous', anonymous, on('alice/app', 'private'), []),
        row('anonymous', anonymous, on('alice/new', 'missing'), []),
        row('anonymous', anonymous, on('acme/app', 'public'), ['pull']),
      ],
    },
  ])('$title', ({ rows }) => {
    it.each(rows)('$who on $repo ($state) → $expected', ({ subject, question, expected }) => {
      expect(sorted(allowedRepositoryActions(subject, question))).toEqual(expected);
    });
  });
});

describe('accountRights (before any token cap)', () => {
  it.each([
    row('alice with a repo:read PAT', pat('repo:read'), on('alice/app', 'private'), all),
    row(
      'alice with a repo:public_read PAT',
      pat('repo:public_read'),
      on('acme/app', 'private', member('write')),
      ['pull', 'push'],
    ),
    row('alice', alice, on('bobby/app', 'public'), ['pull']),
    row('an OAT for acme/*', oats.allPush, on('acme/app', 'private'), []),
    row('an OAT without resources', oats.none, on('acme/app', 'public'), ['pull']),
    row('anonymous', anonymous, on('alice/app', 'public'), ['pull']),
    row('anonymous', anonymous, on('alice/app', 'private'), []),
  ])('$who on $repo ($state) → $expected', ({ subject, question, expected }) => {
    expect(sorted(accountRights(subject, question))).toEqual(expected);
  });
});

describe('scopeCap', () => {
  const states = { private: { isPrivate: true }, public: { isPrivate: false }, missing: undefined };
  it.each([
    { who: 'a password session', subject: alice, state: 'private', expected: all },
    { who: 'anonymous (no token to cap)', subject: anonymous, state: 'private', expected: all },
    { who: 'repo:public_read', subject: pat('repo:public_read'), state: 'public', expected: ['pull'] },
    { who: 'repo:public_read', subject: pat('repo:public_read'), state: 'private', expected: [] },
    { who: 'repo:public_read', subject: pat('repo:public_read'), state: 'missing', expected: [] },
    { who: 'repo:read', subject: pat('repo:read'), state: 'private', expected: ['pull'] },
    { who: 'repo:read', subject: pat('repo:read'), state: 'missing', expected: ['pull'] },
    { who: 'repo:write', subject: pat('repo:write'), state: 'private', expected: ['pull', 'push'] },
    { who: 'repo:admin', subject: pat('repo:admin'), state: 'private', expected: all },
  ] as const)('$who on a $state repository lets through $expected', ({ subject, state, expected }) => {
    expect(sorted(scopeCap(subject, states[state]))).toEqual([...expected].sort());
  });
});

describe('mayListCatalog', () => {
  it.each([
    { who: 'an admin with a password', subject: admin, expected: true },
    { who: 'an admin with repo:read', subject: pat('repo:read', 'root', true), expected: true },
    { who: 'an admin with repo:write', subject: pat('repo:write', 'root', true), expected: true },
    { who: 'an admin with repo:admin', subject: pat('repo:admin', 'root', true), expected: true },
    {
      who: 'an admin with repo:public_read',
      subject: pat('repo:public_read', 'root', true),
      expected: false,
    },
    { who: 'a user with a password', subject: alice, expected: false },
    { who: 'a user with repo:admin', subject: pat('repo:admin'), expected: false },
    { who: 'an OAT for acme/*', subject: oats.allPush, expected: false },
    { who: 'anonymous', subject: anonymous, expected: false },
  ])('$who → $expected', ({ subject, expected }) => {
    expect(mayListCatalog(subject)).toBe(expected);
  });
});

describe('splitRepositoryName', () => {
  it.each([
    ['alice/app', { namespace: 'alice', name: 'app' }],
    ['alice/team/app', { namespace: 'alice', name: 'team/app' }],
    ['app', undefined],
    ['/app', undefined],
    ['alice/', undefined],
    ['', undefined],
  ])('%s → %j', (fullName, expected) => {
    expect(splitRepositoryName(fullName)).toEqual(expected);
  });
});

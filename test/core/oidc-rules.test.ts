/**
 * OIDC connection rules with no I/O: subject patterns (tables, and a seeded comparison with a
 * regular expression), rulesets accepted and refused with their messages, which rulesets claims
 * match and how their resources merge, what a grant allows at the registry, and issuer URLs.
 */
import { describe, expect, it } from 'vitest';
import { assertIssuerUrl, assertTokenLifetime } from '../../src/core/oidc-connection-rules.ts';
import {
  globMatches,
  matchRulesets,
  maxRulesetsPerConnection,
  mergeResources,
  type OidcOwner,
  type OidcResource,
  oidcRepositoryActions,
  parseRulesets,
  type RawRuleset,
} from '../../src/core/oidc-rules.ts';
import { allowedRepositoryActions } from '../../src/core/repository-access.ts';
import { thrown } from '../support/thrown.ts';

const acme: OidcOwner = { kind: 'org', id: 'o1', name: 'acme' };
const alice: OidcOwner = { kind: 'user', id: 'u1', name: 'alice' };
const repo = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });
const ruleset = (
  subject: string,
  resources: ReturnType<typeof repo>[],
  claims?: Record<string, string>,
): RawRuleset => ({
  subject,
  resources,
  ...(claims ? { claims } : {}),
});

describe('globMatches', () => {
  it.each([
    ['repo:acme/api:ref:refs/heads/main', 'repo:acme/api:ref:refs/heads/main', true],
    ['repo:acme/api:ref:refs/heads/main', 'repo:acme/api:ref:refs/heads/mainx', false],
    ['repo:acme/*', 'repo:acme/api:ref:refs/heads/main', true],
    ['repo:acme/*', 'repo:acme-evil/api:ref:refs/heads/main', false],
    ['repo:acme/*:ref:refs/heads/main', 'repo:acme/api:ref:refs/heads/main', true],
    ['repo:acme/*:ref:refs/heads/main', 'repo:acme/api:pull_request', false],
    ['repo:acme/api:ref:refs/tags/v*', 'repo:acme/api:ref:refs/tags/v1.2.3', true],
    ['repo:acme/api:*', 'repo:acme/api:', true],
    ['repo:ACME/*', 'repo:acme/api', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['**', '', true],
    ['a?c', 'abc', false],
    ['a?c', 'a?c', true],
  ])('%s on %s → %s', (pattern, value, expected) => {
    expect(globMatches(pattern, value)).toBe(expected);
  });

  it('agrees with the equivalent regular expression on 5000 generated cases (seeded)', () => {
    let state = 20261201;
    const random = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let x = Math.imul(state ^ (state >>> 15), 1 | state);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
    };
    const text = (alphabet: string, max: number) =>
      Array.from(
        { length: Math.floor(random() * max) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let i = 0; i < 5000; i++) {
      const pattern = text('ab:*', 8);
      const value = text('ab:', 10);
      const regex = new RegExp(
        `^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`,
        's',
      );
      expect(globMatches(pattern, value), `${pattern} on ${value}`).toBe(regex.test(value));
    }
  });

  it('stays fast on input that makes backtracking matchers explode', () => {
    const started = performance.now();
    expect(globMatches(`${'*a'.repeat(100)}b`, 'a'.repeat(1000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('parseRulesets', () => {
  it('trims, names unnamed rulesets, merges a path listed twice and sorts scopes', () => {
    const parsed = parseRulesets(acme, [
      ruleset(
        ' repo:acme/api:* ',
        [repo('acme/api', 'scope-image-pull'), repo('acme/api', 'scope-image-push')],
        {
          environment: 'prod*',
        },
      ),
    ]);
    expect(parsed).toEqual([
      {
        label: 'ruleset 1',
        subject: 'repo:acme/api:*',
        claims: { environment: 'prod*' },
        resources: [
          { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull', 'scope-image-push'] },
        ],
      },
    ]);
  });

  it.each([
    { what: 'no ruleset', owner: acme, raw: [], message: 'at least one ruleset is required' },
    {
      what: 'too many rulesets',
      owner: acme,
      raw: Array.from({ length: maxRulesetsPerConnection + 1 }, () =>
        ruleset('repo:acme/*', [repo('acme/*', 'scope-image-pull')]),
      ),
      message: 'at most 5 rulesets per connection',
    },
    {
      what: 'an empty subject',
      owner: acme,
      raw: [ruleset('  ', [repo('acme/*', 'scope-image-pull')])],
      message: 'rulesets[0].subject must not be empty',
    },
    {
      what: 'a subject starting with *',
      owner: acme,
      raw: [ruleset('*:ref:refs/heads/main', [repo('acme/*', 'scope-image-pull')])],
      message: 'rulesets[0].subject must start with a literal prefix such as repo:<owner>/, not with *',
    },
    {
      what: 'no resources',
      owner: acme,
      raw: [ruleset('repo:acme/*', [])],
      message: 'rulesets[0].resources: at least one resource is required',
    },
    {
      what: 'another namespace',
      owner: acme,
      raw: [ruleset('repo:acme/*', [repo('acmeother/api', 'scope-image-pull')])],
      message: 'rulesets[0].resources: repository acmeother/api is outside the namespace acme',
    },
    {
      what: 'public repositories anywhere',
      owner: acme,
      raw: [ruleset('repo:acme/*', [repo('*/*/public', 'scope-image-pull')])],
      message: 'rulesets[0].resources: repository */*/public is outside the namespace acme',
    },
    {
      what: 'delete in an organization',
      owner: acme,
      raw: [ruleset('repo:acme/*', [repo('acme/api', 'scope-image-delete')])],
      message:
        'rulesets[0].resources: scope scope-image-delete is not allowed on acme/api; use scope-image-pull, scope-image-push',
    },
    {
      what: 'an organization resource',
      owner: acme,
      raw: [ruleset('repo:acme/*', [{ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] }])],
      message: 'rulesets[0].resources: unknown resource type TYPE_ORG; use TYPE_REPO',
    },
    {
      what: 'a condition on aud',
      owner: acme,
      raw: [ruleset('repo:acme/*', [repo('acme/*', 'scope-image-pull')], { aud: 'x' })],
      message: 'a condition on aud is not allowed: the token check decides on it',
    },
    {
      what: 'a condition on sub',
      owner: acme,
      raw: [ruleset('repo:acme/*', [repo('acme/*', 'scope-image-pull')], { sub: 'x' })],
      message: 'a condition on sub is not allowed: use subject',
    },
    {
      what: 'a bad claim name',
      owner: acme,
      raw: [ruleset('repo:acme/*', [repo('acme/*', 'scope-image-pull')], { 'bad name': 'x' })],
      message: 'invalid claim name bad name',
    },
    {
      what: '51 repositories',
      owner: alice,
      raw: [
        ruleset(
          'repo:alice/*',
          Array.from({ length: 51 }, (_, i) => repo(`alice/r${i}`, 'scope-image-pull')),
        ),
      ],
      message: 'rulesets[0].resources: at most 50 repositories, got 51',
    },
  ])('refuses $what', ({ owner, raw, message }) => {
    expect(thrown(() => parseRulesets(owner, raw))).toMatchObject({ code: 'VALIDATION_FAILED', message });
  });

  it('allows delete in a personal namespace', () => {
    const [parsed] = parseRulesets(alice, [ruleset('repo:alice/*', [repo('alice/*', 'scope-image-delete')])]);
    expect(parsed?.resources).toEqual([
      { type: 'TYPE_REPO', path: 'alice/*', scopes: ['scope-image-delete'] },
    ]);
  });
});

describe('matchRulesets', () => {
  const rulesets = parseRulesets(acme, [
    {
      label: 'main',
      ...ruleset('repo:acme/api:ref:refs/heads/main', [repo('acme/api', 'scope-image-push')]),
    },
    {
      label: 'any',
      ...ruleset('repo:acme/*', [repo('acme/api', 'scope-image-pull'), repo('acme/web', 'scope-image-pull')]),
    },
    {
      label: 'prod',
      ...ruleset('repo:acme/*', [repo('acme/*', 'scope-image-push')], { environment: 'production' }),
    },
  ]);
  it.each([
    {
      what: 'main: two rulesets, merged',
      claims: { sub: 'repo:acme/api:ref:refs/heads/main' },
      matched: ['main', 'any'],
      resources: [
        repo('acme/api', 'scope-image-pull', 'scope-image-push'),
        repo('acme/web', 'scope-image-pull'),
      ],
    },
    {
      what: 'a pull request: the broad ruleset only',
      claims: { sub: 'repo:acme/api:pull_request' },
      matched: ['any'],
      resources: [repo('acme/api', 'scope-image-pull'), repo('acme/web', 'scope-image-pull')],
    },
    {
      what: 'production: a claim condition',
      claims: { sub: 'repo:acme/api:environment:production', environment: 'production' },
      matched: ['any', 'prod'],
      resources: [
        repo('acme/api', 'scope-image-pull'),
        repo('acme/web', 'scope-image-pull'),
        repo('acme/*', 'scope-image-push'),
      ],
    },
    {
      what: 'a claim that is not a string never matches its condition',
      claims: { sub: 'repo:acme/api:environment:production', environment: ['production'] },
      matched: ['any'],
      resources: [repo('acme/api', 'scope-image-pull'), repo('acme/web', 'scope-image-pull')],
    },
    {
      what: 'another owner',
      claims: { sub: 'repo:acme-evil/api:ref:refs/heads/main' },
      matched: [],
      resources: [],
    },
  ])('$what', ({ claims, matched, resources }) => {
    const result = matchRulesets(rulesets, claims);
    expect(result.matched.map((r) => r.label)).toEqual(matched);
    expect(result.resources).toEqual(resources);
  });

  it('mergeResources unites the scopes of one path', () => {
    const merged = mergeResources([
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-pull', 'scope-image-push'] },
    ]);
    expect(merged).toEqual([repo('acme/api', 'scope-image-pull', 'scope-image-push')]);
  });
});

describe('what a grant allows at the registry', () => {
  const resources: OidcResource[] = [
    { type: 'TYPE_REPO', path: 'alice/app', scopes: ['scope-image-push', 'scope-image-delete'] },
    { type: 'TYPE_REPO', path: 'alice/*', scopes: ['scope-image-pull'] },
  ];
  const subject = { kind: 'oidc', namespace: 'alice', resources } as const;
  it.each([
    ['alice', 'app', true, ['delete', 'pull', 'push']],
    ['alice', 'other', true, ['pull']],
    ['bob', 'app', true, []],
    ['bob', 'app', false, ['pull']],
  ] as const)('%s/%s (private: %s) → %j', (namespace, name, isPrivate, actions) => {
    const question = { path: { namespace, name }, repository: { isPrivate } };
    expect([...allowedRepositoryActions(subject, question)].sort()).toEqual(actions);
    expect([...oidcRepositoryActions('alice', resources, { namespace, name }, !isPrivate)].sort()).toEqual(
      actions,
    );
  });
});

describe('issuer URLs and lifetimes', () => {
  it.each([
    ['https://token.actions.githubusercontent.com', false, undefined],
    ['https://gitlab.example.com/', false, undefined],
    ['http://127.0.0.1:8080', true, undefined],
    ['http://localhost:8080', true, undefined],
    ['http://127.0.0.1:8080', false, 'issuer must use https (this instance does not allow http issuers)'],
    ['http://issuer.example', true, 'issuer must use https (http is allowed on loopback hosts only)'],
    ['ftp://issuer.example', true, 'issuer must use https'],
    ['https://user:pw@issuer.example', false, 'issuer must not have credentials, a query or a fragment'],
    ['https://issuer.example/#x', false, 'issuer must not have credentials, a query or a fragment'],
    [
      'issuer.example',
      false,
      'issuer must be an absolute URL such as https://token.actions.githubusercontent.com',
    ],
  ])('%s (http on loopback allowed: %s) → %s', (raw, allowHttpLoopback, message) => {
    const result = thrown(() => assertIssuerUrl(raw, { allowHttpLoopback }));
    expect(result?.message).toBe(message);
  });

  it.each([
    [undefined, 900],
    [60, 60],
    [3600, 3600],
  ])('lifetime %s → %s', (raw, seconds) => {
    expect(assertTokenLifetime(raw)).toBe(seconds);
  });
  it.each([59, 3601, 1.5])('lifetime %s is refused', (raw) => {
    expect(thrown(() => assertTokenLifetime(raw))?.message).toBe(
      'token_ttl_seconds must be between 60 and 3600',
    );
  });
});

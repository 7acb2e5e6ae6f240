/**
 * The console's OIDC editor logic: its pattern matcher agrees with the server's on generated
 * cases, a draft becomes the API's body and comes back from a connection unchanged, and the
 * checks made before sending name the ruleset at fault.
 */
import { describe, expect, it } from 'vitest';
import { globMatches as serverGlob } from '../../src/core/oidc-rules.ts';
import type { OidcConnection } from '../../src/web/api/types.ts';
import {
  bodyFromDraft,
  type ConnectionDraft,
  draftFromConnection,
  draftProblem,
  emptyDraft,
  globMatches,
  previewSubjects,
} from '../../src/web/lib/oidc-logic.ts';

const acme = { kind: 'org', name: 'acme' } as const;

describe('globMatches (console) agrees with the server', () => {
  it('on 3000 generated pattern and subject pairs', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const text = (alphabet: string, max: number) =>
      Array.from(
        { length: Math.floor(random() * max) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('');
    for (let i = 0; i < 3000; i++) {
      const pattern = text('ab/:*', 8);
      const subject = text('ab/:', 10);
      expect(globMatches(pattern, subject), `${pattern} on ${subject}`).toBe(serverGlob(pattern, subject));
    }
  });

  it('previews samples one per line, blank lines ignored', () => {
    expect(previewSubjects('repo:acme/*', 'repo:acme/api:pull_request\n\n  repo:other/x  \n')).toEqual([
      { subject: 'repo:acme/api:pull_request', matches: true },
      { subject: 'repo:other/x', matches: false },
    ]);
  });
});

describe('drafts', () => {
  const connection: OidcConnection = {
    id: 'c1',
    owner: 'acme',
    label: 'github',
    issuer: 'https://token.actions.githubusercontent.com',
    audience: 'https://hub.example.com',
    token_ttl_seconds: 600,
    single_use: true,
    is_active: true,
    rulesets: [
      {
        label: 'main',
        subject: 'repo:acme/api:ref:refs/heads/main',
        claims: { environment: 'prod*' },
        resources: [
          { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
          { type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] },
        ],
      },
    ],
    created_at: '2026-12-01T00:00:00Z',
    updated_at: '2026-12-01T00:00:00Z',
    created_by: 'alice',
    last_used_at: null,
  };

  it('a connection becomes a draft and the draft the same body again', () => {
    const draft = draftFromConnection(connection);
    expect(draft.ttlMinutes).toBe('10');
    expect(draft.rulesets[0]?.resources.map((r) => [r.repository, r.action])).toEqual([
      ['api', 'push'],
      ['*', 'pull'],
    ]);
    expect(bodyFromDraft(acme, draft)).toEqual({
      label: 'github',
      issuer: connection.issuer,
      audience: connection.audience,
      token_ttl_seconds: 600,
      single_use: true,
      rulesets: connection.rulesets,
    });
  });

  it.each<[string, (draft: ConnectionDraft) => void, string | undefined]>([
    [
      'a complete draft',
      (d) => {
        const resource = d.rulesets[0]?.resources[0];
        if (resource) resource.repository = 'api';
      },
      undefined,
    ],
    ['no label', (d) => Object.assign(d, { label: '' }), 'Give the connection a label.'],
    [
      'a lifetime of 2 hours',
      (d) => Object.assign(d, { ttlMinutes: '120' }),
      'Token lifetime: 1 to 60 minutes.',
    ],
    [
      'a pattern starting with *',
      (d) => {
        const ruleset = d.rulesets[0];
        if (ruleset) ruleset.subject = '*:main';
      },
      'Ruleset 1: the subject pattern must start with a literal prefix, not *.',
    ],
    ['an unnamed repository', () => undefined, 'Ruleset 1: name every repository (or * for all).'],
  ])('%s', (_what, change, problem) => {
    const draft = { ...emptyDraft(acme), label: 'ci' };
    change(draft);
    expect(draftProblem(draft)).toBe(problem);
  });
});

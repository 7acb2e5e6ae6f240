/** Personal access token levels: parsing a requested list, and the effective level of a list. */
import { describe, expect, it } from 'vitest';
import {
  highestPatScope,
  isPatScope,
  type PatScope,
  parsePatScopes,
  patScopeActions,
  patScopes,
} from '../../src/core/access-token-scopes.ts';
import { AppError } from '../../src/core/errors.ts';

describe('parsePatScopes', () => {
  it.each([
    { raw: undefined, parsed: ['repo:public_read'] },
    { raw: [], parsed: ['repo:public_read'] },
    { raw: ['repo:public_read'], parsed: ['repo:public_read'] },
    { raw: ['repo:read'], parsed: ['repo:read'] },
    { raw: ['repo:write'], parsed: ['repo:write'] },
    { raw: ['repo:admin'], parsed: ['repo:admin'] },
    { raw: ['repo:read', 'repo:write'], parsed: ['repo:write'] },
    { raw: ['repo:admin', 'repo:public_read'], parsed: ['repo:admin'] },
    { raw: ['repo:read', 'repo:read'], parsed: ['repo:read'] },
  ])('$raw → $parsed', ({ raw, parsed }) => {
    expect(parsePatScopes(raw)).toEqual(parsed);
  });

  it.each([
    { raw: ['repo:root'], unknown: 'repo:root' },
    { raw: ['REPO:READ'], unknown: 'REPO:READ' },
    { raw: [' repo:read'], unknown: ' repo:read' },
    { raw: [''], unknown: '' },
    { raw: ['repo:read', 'repo:delete', 'nope'], unknown: 'repo:delete' },
    { raw: ['scope-image-pull'], unknown: 'scope-image-pull' },
  ])('refuses $raw naming $unknown', ({ raw, unknown }) => {
    let error: unknown;
    try {
      parsePatScopes(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'UNKNOWN_SCOPE',
      message: `unknown scope: ${unknown}`,
      fields: { scopes: [`unknown scope: ${unknown}`] },
    });
  });
});

describe('highestPatScope', () => {
  it.each([
    { scopes: [], highest: 'repo:public_read' },
    { scopes: ['repo:public_read'], highest: 'repo:public_read' },
    { scopes: ['repo:read', 'repo:public_read'], highest: 'repo:read' },
    { scopes: ['repo:admin', 'repo:write'], highest: 'repo:admin' },
    { scopes: ['repo:write', 'repo:read', 'repo:public_read'], highest: 'repo:write' },
  ] as Array<{ scopes: PatScope[]; highest: PatScope }>)('$scopes → $highest', ({ scopes, highest }) => {
    expect(highestPatScope(scopes)).toBe(highest);
  });
});

describe('levels', () => {
  it('are ordered lowest first, each allowing at least what the one before allows', () => {
    expect(patScopes).toEqual(['repo:public_read', 'repo:read', 'repo:write', 'repo:admin']);
    for (let i = 1; i < patScopes.length; i++) {
      const lower = patScopes[i - 1] as PatScope;
      const higher = patScopes[i] as PatScope;
      expect(patScopeActions[higher]).toEqual(expect.arrayContaining([...patScopeActions[lower]]));
    }
  });

  it.each([
    ['repo:public_read', ['pull']],
    ['repo:read', ['pull']],
    ['repo:write', ['pull', 'push']],
    ['repo:admin', ['pull', 'push', 'delete']],
  ] as const)('%s allows %j before the repository rules', (scope, actions) => {
    expect(patScopeActions[scope]).toEqual(actions);
  });

  it.each([
    ['repo:read', true],
    ['repo:admin', true],
    ['repo:Read', false],
    ['repo:', false],
    ['admin', false],
  ])('isPatScope(%j) is %s', (value, expected) => {
    expect(isPatScope(value)).toBe(expected);
  });
});

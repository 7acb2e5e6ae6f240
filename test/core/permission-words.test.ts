/** The words for permission levels that the console and the CLI both print. */
import { describe, expect, it } from 'vitest';
import {
  groupPermissionWord,
  groupPermissionWords,
  patLevelWord,
  patLevelWords,
} from '../../src/core/permission-words.ts';

describe('patLevelWord', () => {
  it.each([
    { scopes: ['repo:public_read'], word: 'Public Repo Read-only' },
    { scopes: ['repo:read'], word: 'Read-only' },
    { scopes: ['repo:write'], word: 'Read & Write' },
    { scopes: ['repo:admin'], word: 'Read, Write, Delete' },
    { scopes: ['repo:read', 'repo:write'], word: 'Read & Write' },
    { scopes: ['repo:admin', 'repo:public_read'], word: 'Read, Write, Delete' },
    { scopes: ['something:else'], word: 'something:else' },
    { scopes: [], word: 'None' },
  ])('$scopes → $word', ({ scopes, word }) => {
    expect(patLevelWord(scopes)).toBe(word);
  });
});

describe('groupPermissionWord', () => {
  it('reads as the token level with the same registry actions', () => {
    expect(groupPermissionWords).toEqual({
      read: patLevelWords['repo:read'],
      write: patLevelWords['repo:write'],
      admin: patLevelWords['repo:admin'],
    });
    expect(groupPermissionWord('write')).toBe('Read & Write');
    expect(groupPermissionWord('owner')).toBe('owner');
    expect(groupPermissionWord('toString')).toBe('toString');
  });
});

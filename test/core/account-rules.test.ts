/** Account rules: Docker ID usernames, email addresses, password lengths, and a new account's check. */
import { describe, expect, it } from 'vitest';
import {
  assertValidNewAccount,
  isEmailAddress,
  normalizeUsername,
  passwordMaxLength,
  passwordMinLength,
  passwordProblem,
  usernameProblem,
} from '../../src/core/account-rules.ts';
import { AppError } from '../../src/core/errors.ts';

const usernameMessage = 'username must be 4 to 30 characters, lowercase letters and digits only';

describe('usernames', () => {
  it.each(['abcd', 'alice', 'user2026', '1234', 'a'.repeat(30)])('accepts %s', (username) => {
    expect(usernameProblem(username)).toBeUndefined();
  });

  it.each(['abc', 'a'.repeat(31), 'Alice', 'al_ice', 'al-ice', 'al.ice', 'ali ce', 'alicé', '', ' alice'])(
    'refuses %j',
    (username) => {
      expect(usernameProblem(username)).toBe(usernameMessage);
    },
  );

  it.each([
    ['Alice', 'alice'],
    ['  BOB1  ', 'bob1'],
    ['carol', 'carol'],
  ])('normalizes %j to %j', (raw, normalized) => {
    expect(normalizeUsername(raw)).toBe(normalized);
  });
});

describe('email addresses', () => {
  it.each(['a@b', 'alice@example.com', 'first.last+tag@sub.example.org', `${'x'.repeat(64)}@example.com`])(
    'accepts %s',
    (email) => {
      expect(isEmailAddress(email)).toBe(true);
    },
  );

  it.each([
    '',
    'alice',
    '@example.com',
    'alice@',
    'a@b@c',
    'ali ce@example.com',
    `${'x'.repeat(65)}@example.com`,
    `a@${'x'.repeat(256)}`,
  ])('refuses %j', (email) => {
    expect(isEmailAddress(email)).toBe(false);
  });
});

describe('passwords', () => {
  it.each([
    { length: 0, problem: 'password must be at least 8 characters' },
    { length: passwordMinLength - 1, problem: 'password must be at least 8 characters' },
    { length: passwordMinLength, problem: undefined },
    { length: passwordMaxLength, problem: undefined },
    { length: passwordMaxLength + 1, problem: 'password must be at most 256 characters' },
  ])('$length characters: $problem', ({ length, problem }) => {
    expect(passwordProblem('x'.repeat(length))).toBe(problem);
  });

  it('counts characters, not UTF-16 units: four emoji are four characters', () => {
    expect(passwordProblem('🔑🔑🔑🔑')).toBe('password must be at least 8 characters');
    expect(passwordProblem('🔑'.repeat(8))).toBeUndefined();
  });
});

describe('assertValidNewAccount', () => {
  const valid = { username: 'alice', email: 'alice@example.com', password: 'correct horse battery' };

  it('accepts a valid account', () => {
    expect(() => assertValidNewAccount(valid)).not.toThrow();
  });

  it.each([
    { bad: { username: 'Al' }, fields: { username: [usernameMessage] } },
    { bad: { email: 'nope' }, fields: { email: ['email must be a valid address'] } },
    { bad: { password: 'short' }, fields: { password: ['password must be at least 8 characters'] } },
    {
      bad: { username: 'x', email: 'y', password: 'z' },
      fields: {
        username: [usernameMessage],
        email: ['email must be a valid address'],
        password: ['password must be at least 8 characters'],
      },
    },
  ])('refuses $bad naming each bad field', ({ bad, fields }) => {
    let error: unknown;
    try {
      assertValidNewAccount({ ...valid, ...bad });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: Object.values(fields).flat().join('; '),
      fields,
    });
  });
});

/**
 * Account rules. Usernames follow Docker ID rules: 4-30 characters, lowercase letters and digits,
 * unique case-insensitively (stored lowercased). Usernames and organization names share one space.
 */
import { AppError, type FieldErrors } from './errors.ts';

export const usernamePattern = /^[a-z0-9]{4,30}$/;
export const passwordMinLength = 8;
export const passwordMaxLength = 256;
const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

/** An account as the services see it. Usernames are stored lowercased. */
export interface User {
  id: string;
  username: string;
  email: string;
  /** argon2id PHC string (core/password-hashing.ts). */
  passwordHash: string;
  /** Instance administrator: every namespace, the registry catalog. */
  isAdmin: boolean;
  createdAt: string;
  updatedAt: string;
  /** Hub sessions issued before this instant are refused (set on password change). */
  sessionsValidAfter: string | null;
  /** When `email` was verified (docs/mail.md); null or absent while it is not. */
  emailVerifiedAt?: string | null;
  /** Whether token expiry notices are mailed (absent: yes). */
  expiryNotices?: boolean;
}

/** The two facts most use cases need of an account. */
export type AccountRef = Pick<User, 'id' | 'username'>;

export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

/** An email address as sign-up accepts it: something@something, no spaces. */
export function isEmailAddress(text: string): boolean {
  return emailPattern.test(text);
}

export function usernameProblem(username: string): string | undefined {
  if (!usernamePattern.test(username)) {
    return 'username must be 4 to 30 characters, lowercase letters and digits only';
  }
  return undefined;
}

export function passwordProblem(password: string): string | undefined {
  const characters = [...password].length;
  if (characters < passwordMinLength) return `password must be at least ${passwordMinLength} characters`;
  if (characters > passwordMaxLength) return `password must be at most ${passwordMaxLength} characters`;
  return undefined;
}

/**
 * Validates a new account.
 * @throws AppError VALIDATION_FAILED with one message per bad field.
 */
export function assertValidNewAccount(input: { username: string; email: string; password: string }): void {
  const fields: FieldErrors = {};
  const usernameIssue = usernameProblem(input.username);
  if (usernameIssue) fields.username = [usernameIssue];
  if (!isEmailAddress(input.email)) fields.email = ['email must be a valid address'];
  const passwordIssue = passwordProblem(input.password);
  if (passwordIssue) fields.password = [passwordIssue];
  if (Object.keys(fields).length > 0) {
    throw new AppError('VALIDATION_FAILED', Object.values(fields).flat().join('; '), { fields });
  }
}

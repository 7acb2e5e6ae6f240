/**
 * Account rules. Usernames follow Docker ID rules: 4-30 characters, lowercase letters and digits,
 * unique case-insensitively (stored lowercased). Usernames and organization names share one space.
 */
import { AppError, type FieldErrors } from './errors.ts';

export const usernamePattern = /^[a-z0-9]{4,30}$/;
export const passwordMinLength = 8;
export const passwordMaxLength = 256;
const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

export function usernameProblem(username: string): string | undefined {
  if (!usernamePattern.test(username)) {
    return 'username must be 4 to 30 characters, lowercase letters and digits only';
  }
  return undefined;
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < passwordMinLength) return `password must be at least ${passwordMinLength} characters`;
  if (password.length > passwordMaxLength) return `password must be at most ${passwordMaxLength} characters`;
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
  if (!emailPattern.test(input.email)) fields.email = ['email must be a valid address'];
  const passwordIssue = passwordProblem(input.password);
  if (passwordIssue) fields.password = [passwordIssue];
  if (Object.keys(fields).length > 0) {
    throw new AppError('VALIDATION_FAILED', Object.values(fields).flat().join('; '), { fields });
  }
}

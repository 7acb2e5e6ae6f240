/**
 * Addresses mail may be sent to or looked up by: what sign-up accepts (account-rules.ts), at most
 * 320 characters, well-formed Unicode (no lone surrogate, which PostgreSQL cannot store) and no
 * control character (nor a NUL byte, and a line break must never reach a mail header).
 */
import { isEmailAddress } from './account-rules.ts';

const hasControlCharacter = (text: string) =>
  [...text].some((c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });

export function isMailableAddress(text: string): boolean {
  return text.length <= 320 && text.isWellFormed() && !hasControlCharacter(text) && isEmailAddress(text);
}

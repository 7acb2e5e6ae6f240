import { randomUUID } from 'node:crypto';

/**
 * Ids say what they are: every kind of id and every secret prefix comes from this table.
 * Ids are UUID v4 from the CSPRNG (`crypto.randomUUID`), never `Math.random`.
 */
export const tokenKinds = {
  pat: { ownerKind: 'user', description: 'personal access token' },
  oat: { ownerKind: 'org', description: 'organization access token' },
} as const;

export type TokenKind = keyof typeof tokenKinds;

export function newId(): string {
  return randomUUID();
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

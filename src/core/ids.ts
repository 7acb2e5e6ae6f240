import { randomUUID } from 'node:crypto';

/**
 * Ids say what they are: every kind of id and every secret prefix comes from this table.
 * Ids are UUID v4 from the CSPRNG (`crypto.randomUUID`), never `Math.random`.
 */
export const tokenKinds = {
  pat: { ownerKind: 'user', description: 'personal access token' },
  oat: { ownerKind: 'org', description: 'organization access token' },
  /** Short-lived, exchanged for a CI identity token at an OIDC connection (docs/oidc.md). */
  oidc: { ownerKind: 'connection', description: 'OIDC exchange token' },
} as const;

export const tokenKindNames = Object.keys(tokenKinds) as TokenKind[];

export type TokenKind = keyof typeof tokenKinds;

export function newId(): string {
  return randomUUID();
}

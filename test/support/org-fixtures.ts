/**
 * Organization fixtures for route tests: users by name, organizations with members, and OAT
 * sessions minted straight into the store (through the same token drafting as the API).
 */
import type { User } from '../../src/core/account-rules.ts';
import type { OatResource, Organization, OrgScope, OrgTier } from '../../src/core/organization-rules.ts';
import { addMember } from '../../src/services/orgs/org-member.service.ts';
import { changeOrganizationTier, createOrganization } from '../../src/services/orgs/organization.service.ts';
import { findUserByUsername } from '../../src/storage/user.repository.ts';
import type { TestApp } from './app-harness.ts';
import { mintOat } from './token-fixtures.ts';

export const fixtureMeta = { ip: '127.0.0.1', userAgent: 'test' };
const operator = { id: null, name: 'operator' };

export async function userRow(t: TestApp, username: string): Promise<User> {
  const user = await findUserByUsername(t.database.db, username);
  if (!user) throw new Error(`no user ${username}`);
  return user;
}

/** An organization owned by `owner`, with the given plain members (they must exist). */
export async function setUpOrg(
  t: TestApp,
  name: string,
  options: { owner?: string; members?: readonly string[] } = {},
): Promise<Organization> {
  const org = await createOrganization(
    t.app.services,
    await userRow(t, options.owner ?? 'alice'),
    name,
    fixtureMeta,
  );
  for (const member of options.members ?? ['bobby']) {
    await addMember(t.app.services, org, member, 'member', operator, fixtureMeta);
  }
  return org;
}

/** Moves an organization to another tier, as `admin set-tier` does. */
export async function setOrgTier(t: TestApp, name: string, tier: OrgTier): Promise<void> {
  await changeOrganizationTier(t.app.services, name, tier, operator, fixtureMeta);
}

/** An OAT with the given organization scopes, inserted directly; returns a session JWT from it. */
export async function oatSession(
  t: TestApp,
  org: Organization,
  scopes: readonly (OrgScope | string)[],
  label = 'robot',
): Promise<string> {
  // Scopes are inserted as given, unchecked: tests also store scopes the API would refuse.
  const resources = [{ type: 'TYPE_ORG', path: org.name, scopes }] as OatResource[];
  const { secret } = await mintOat(t, org, resources, label);
  return t.login(org.name, secret);
}

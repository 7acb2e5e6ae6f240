/**
 * Accounts as Docker Hub's older account routes show them: a namespace's public profile
 * (`GET /v2/users/{name}/`), the organizations of the signed-in account (`GET /v2/user/orgs`), and
 * an account's plan (hub-tool's `account info`). Names are public in tokenhub (a sign-up tells
 * whether one is taken), so a profile is readable by anyone; it holds no email address.
 */
import { normalizeUsername, type User } from '../../core/account-rules.ts';
import { AppError } from '../../core/errors.ts';
import type { Organization, OrgRole, OrgTier } from '../../core/organization-rules.ts';
import type { PageWindow } from '../../storage/database.ts';
import { findNamespace } from '../../storage/namespace.repository.ts';
import { countUserOrganizations, listUserOrganizations } from '../../storage/org-member.repository.ts';
import { findOrganizationById } from '../../storage/organization.repository.ts';
import { findUserById } from '../../storage/user.repository.ts';
import { authorizeOrgAction } from '../orgs/organization.service.ts';
import type { ServiceContext } from '../shared/context.ts';
import { type Principal, principalUser } from '../sign-in/who-asks.ts';

export type AccountProfile = { kind: 'user'; user: User } | { kind: 'org'; org: Organization };

/**
 * The user or organization named `name`.
 * @throws AppError NAMESPACE_NOT_FOUND
 */
export async function findAccountProfile(ctx: ServiceContext, name: string): Promise<AccountProfile> {
  const claim = await findNamespace(ctx.db, normalizeUsername(name));
  const profile =
    claim?.kind === 'user'
      ? await findUserById(ctx.db, claim.ownerId).then((user) => user && { kind: 'user' as const, user })
      : claim?.kind === 'org'
        ? await findOrganizationById(ctx.db, claim.ownerId).then(
            (org) => org && { kind: 'org' as const, org },
          )
        : undefined;
  if (!profile) throw new AppError('NAMESPACE_NOT_FOUND', `account not found: ${name.slice(0, 64)}`);
  return profile;
}

/** One page of the organizations `user` belongs to, by name, with its role in each. */
export async function listOrganizationsOf(
  ctx: ServiceContext,
  user: Pick<User, 'id'>,
  page: PageWindow,
): Promise<{ organizations: Array<Organization & { role: OrgRole }>; total: number }> {
  const [organizations, total] = await Promise.all([
    listUserOrganizations(ctx.db, user.id, page),
    countUserOrganizations(ctx.db, user.id),
  ]);
  return { organizations, total };
}

/** An account's plan: organizations have a tier; users have none (`personal`). */
export interface AccountPlan {
  name: OrgTier | 'personal';
  kind: 'user' | 'org';
}

/**
 * The plan of the account with id `accountId`, for that user, or a member of that organization.
 * tokenhub limits neither seats, private repositories nor teams (only organization access tokens,
 * by tier), so a plan holds no other limits.
 * @throws AppError NAMESPACE_NOT_FOUND (also for an account the caller may not see), ORG_FORBIDDEN,
 *   OAT_NOT_ALLOWED.
 */
export async function describeAccountPlan(
  ctx: ServiceContext,
  principal: Principal,
  accountId: string,
): Promise<AccountPlan> {
  if (principalUser(principal)?.id === accountId) return { name: 'personal', kind: 'user' };
  const org = await findOrganizationById(ctx.db, accountId);
  if (!org) throw new AppError('NAMESPACE_NOT_FOUND', 'account not found');
  await authorizeOrgAction(ctx, principal, org, 'org-read');
  return { name: org.tier, kind: 'org' };
}

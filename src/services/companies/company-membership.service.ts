/**
 * What a company holds: its organizations and its owners. Who may call these is decided before, by
 * `authorizeCompanyAction` (a company owner or an instance administrator with a password session);
 * these functions enforce the rest:
 *
 * - an organization joins or leaves a company only by the hand of an owner of both (its own owner,
 *   not one through a company) or an instance administrator; it must be on the Business tier to
 *   join, and belongs to at most one company;
 * - owners are added by username or email address and removed by username; the last one cannot go.
 *
 * Changes run in one transaction that locks the company row first, so two owners removing each
 * other at once can never leave the company without an owner.
 */
import { isEmailAddress, normalizeUsername, type User } from '../../core/account-rules.ts';
import type { Company, CompanyOwner } from '../../core/company-rules.ts';
import { companyTier } from '../../core/company-rules.ts';
import { AppError } from '../../core/errors.ts';
import type { Organization } from '../../core/organization-rules.ts';
import {
  countCompanyOwners,
  deleteCompanyOrganization,
  deleteCompanyOwner,
  findCompanyOfOrganization,
  insertCompanyOrganization,
  insertCompanyOwner,
  isCompanyOwner,
  listCompanyOwners,
} from '../../storage/company.repository.ts';
import { findOrgRole } from '../../storage/org-member.repository.ts';
import { findUserById, findUserByUsername, findUserIdsByEmail } from '../../storage/user.repository.ts';
import { recordOrgAudit } from '../orgs/org-member.service.ts';
import type { AuditActor } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import { type Principal, principalUser } from '../sign-in/who-asks.ts';
import { recordCompanyAudit, withCompanyLock } from './company.service.ts';

/** An owner of the organization itself (not through a company), or an instance administrator. @throws AppError ORG_FORBIDDEN */
async function assertOwnsOrganization(ctx: ServiceContext, principal: Principal, org: Organization) {
  const user = principalUser(principal);
  if (user?.isAdmin) return;
  const role = user && (await findOrgRole(ctx.db, org.id, user.id));
  if (role !== 'owner') {
    throw new AppError(
      'ORG_FORBIDDEN',
      `only an owner of both the company and ${org.name} may move ${org.name} in or out of a company`,
    );
  }
}

/** The refusal for an organization that is in a company already (read first, or lost at the insert). */
const alreadyInCompany = (org: Organization) =>
  new AppError('ORG_IN_COMPANY', `${org.name} already belongs to a company`);

/**
 * Whether `org` may join a company: on the Business tier and in none yet. A read before the change
 * (the insert under the company lock stays the race-safe check), so that `admin create-company`
 * refuses an organization before it creates anything.
 * @throws AppError COMPANY_TIER_REQUIRED, ORG_IN_COMPANY.
 */
export async function assertMayJoinCompany(ctx: ServiceContext, org: Organization): Promise<void> {
  if (org.tier !== companyTier) {
    throw new AppError(
      'COMPANY_TIER_REQUIRED',
      `${org.name} is on the ${org.tier} tier; a company holds ${companyTier} organizations only`,
    );
  }
  const holder = await findCompanyOfOrganization(ctx.db, org.id);
  if (holder) throw alreadyInCompany(org);
}

/**
 * Puts `org` in `company`.
 * @throws AppError ORG_FORBIDDEN (not an owner of the organization), COMPANY_TIER_REQUIRED, ORG_IN_COMPANY.
 */
export async function addCompanyOrganization(
  ctx: ServiceContext,
  principal: Principal,
  company: Company,
  org: Organization,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  await assertOwnsOrganization(ctx, principal, org);
  await assertMayJoinCompany(ctx, org);
  await withCompanyLock(ctx, company, async (tx, current) => {
    if (
      !(await insertCompanyOrganization(tx, { companyId: current.id, orgId: org.id, addedAt: isoNow(ctx) }))
    ) {
      throw alreadyInCompany(org);
    }
  });
  await recordCompanyAudit(ctx, company, { action: 'company.org.add', name: org.name }, actor, meta);
  await recordOrgAudit(ctx, org, { action: 'org.company.add', name: company.name }, actor, meta);
}

/**
 * Takes `org` out of `company`: its company owners stop managing it at once.
 * @throws AppError ORG_FORBIDDEN, ORG_NOT_IN_COMPANY.
 */
export async function removeCompanyOrganization(
  ctx: ServiceContext,
  principal: Principal,
  company: Company,
  org: Organization,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  await assertOwnsOrganization(ctx, principal, org);
  await withCompanyLock(ctx, company, async (tx, current) => {
    if (!(await deleteCompanyOrganization(tx, current.id, org.id))) {
      throw new AppError('ORG_NOT_IN_COMPANY', `${org.name} is not in ${current.name}`);
    }
  });
  await recordCompanyAudit(ctx, company, { action: 'company.org.remove', name: org.name }, actor, meta);
  await recordOrgAudit(ctx, org, { action: 'org.company.remove', name: company.name }, actor, meta);
}

/**
 * The user a username or an email address names.
 * @throws AppError USER_NOT_FOUND, VALIDATION_FAILED (an address several accounts share).
 */
async function userNamed(ctx: ServiceContext, who: string): Promise<User> {
  const text = who.trim().toLowerCase();
  if (isEmailAddress(text)) {
    const ids = await findUserIdsByEmail(ctx.db, text);
    if (ids.length > 1) {
      throw new AppError('VALIDATION_FAILED', 'several accounts use this email address: name the username', {
        fields: { owner: ['several accounts use this email address: name the username'] },
      });
    }
    const user = ids[0] === undefined ? undefined : await findUserById(ctx.db, ids[0]);
    if (!user) throw new AppError('USER_NOT_FOUND', 'no user has this email address');
    return user;
  }
  const username = normalizeUsername(text);
  const user = await findUserByUsername(ctx.db, username);
  if (!user) throw new AppError('USER_NOT_FOUND', `no user named ${username.slice(0, 64)}`);
  return user;
}

/**
 * Adds an owner, named by username or email address.
 * @throws AppError USER_NOT_FOUND, ALREADY_COMPANY_OWNER, VALIDATION_FAILED.
 */
export async function addCompanyOwner(
  ctx: ServiceContext,
  company: Company,
  who: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<CompanyOwner> {
  const user = await userNamed(ctx, who);
  await withCompanyLock(ctx, company, async (tx, current) => {
    if (await isCompanyOwner(tx, current.id, user.id)) {
      throw new AppError('ALREADY_COMPANY_OWNER', `${user.username} is already an owner of ${current.name}`);
    }
    await insertCompanyOwner(tx, { companyId: current.id, userId: user.id, createdAt: isoNow(ctx) });
  });
  await recordCompanyAudit(ctx, company, { action: 'company.owner.add', name: user.username }, actor, meta);
  const owners = await listCompanyOwners(ctx.db, company.id);
  const added = owners.find((owner) => owner.userId === user.id);
  if (!added) throw new AppError('COMPANY_OWNER_NOT_FOUND');
  return added;
}

/**
 * Removes an owner (or the caller leaves: `leaving`); the last owner cannot go.
 * @throws AppError COMPANY_OWNER_NOT_FOUND, LAST_COMPANY_OWNER.
 */
export async function removeCompanyOwner(
  ctx: ServiceContext,
  company: Company,
  rawUsername: string,
  actor: AuditActor,
  meta: RequestMeta,
  options: { leaving?: boolean } = {},
): Promise<void> {
  const username = normalizeUsername(rawUsername);
  const user = await findUserByUsername(ctx.db, username);
  await withCompanyLock(ctx, company, async (tx, current) => {
    if (!user || !(await isCompanyOwner(tx, current.id, user.id))) {
      throw new AppError(
        'COMPANY_OWNER_NOT_FOUND',
        `${username.slice(0, 64)} is not an owner of ${current.name}`,
      );
    }
    if ((await countCompanyOwners(tx, current.id)) <= 1) throw new AppError('LAST_COMPANY_OWNER');
    await deleteCompanyOwner(tx, current.id, user.id);
  });
  await recordCompanyAudit(
    ctx,
    company,
    { action: 'company.owner.remove', name: username, data: { left: options.leaving === true } },
    actor,
    meta,
  );
}

/** The company's owners by username. */
export async function listOwners(ctx: ServiceContext, company: Company): Promise<CompanyOwner[]> {
  return listCompanyOwners(ctx.db, company.id);
}

/**
 * Companies (core/company-rules.ts): creation, lookup, rename, deletion, and the one authorization
 * decision every company route asks: may this session do this to this company?
 *
 * - Owners of the company (and instance administrators) may read it with a password or a PAT
 *   session, and change it with a password session only (a PAT never administers).
 * - Organization access tokens and OIDC connections' tokens: never.
 *
 * What company owners may do inside the company's organizations is `authorizeOrgAction`'s decision
 * (services/orgs/organization.service.ts), which counts them as owners there.
 */
import { type AccountRef, normalizeUsername, usernameProblem } from '../../core/account-rules.ts';
import type { AuditAction } from '../../core/audit-actions.ts';
import { type Company, companyTier } from '../../core/company-rules.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import {
  countCompanyOrganizations,
  deleteCompany,
  findCompanyByName,
  insertCompany,
  insertCompanyOwner,
  isCompanyOwner,
  listUserCompanies,
  lockCompany,
  renameCompany,
} from '../../storage/company.repository.ts';
import type { Db } from '../../storage/database.ts';
import { claimNamespace, releaseNamespace } from '../../storage/namespace.repository.ts';
import { listUserOrganizations } from '../../storage/org-member.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { type AuditActor, recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import { type Principal, principalUser } from '../sign-in/who-asks.ts';

/** What a route wants to do with a company: read it (and its views), or change it. */
export type CompanyAction = 'read' | 'manage';

/** @throws AppError COMPANY_NOT_FOUND */
export async function requireCompany(ctx: ServiceContext, name: string): Promise<Company> {
  const company = await findCompanyByName(ctx.db, normalizeUsername(name));
  if (!company) throw new AppError('COMPANY_NOT_FOUND', `company ${name.slice(0, 64)} not found`);
  return company;
}

/**
 * Decides whether `principal` may do `action` to `company`.
 * @throws AppError OAT_NOT_ALLOWED, OIDC_NOT_ALLOWED, COMPANY_FORBIDDEN, PAT_NOT_ALLOWED.
 */
export async function authorizeCompanyAction(
  ctx: ServiceContext,
  principal: Principal,
  company: Company,
  action: CompanyAction,
): Promise<void> {
  if (principal.kind === 'oat') throw new AppError('OAT_NOT_ALLOWED');
  if (principal.kind === 'oidc') throw new AppError('OIDC_NOT_ALLOWED');
  const { user } = principal;
  if (!user.isAdmin && !(await isCompanyOwner(ctx.db, company.id, user.id))) {
    throw new AppError('COMPANY_FORBIDDEN', `you are not an owner of ${company.name}`);
  }
  if (action === 'manage' && principal.kind === 'pat') throw new AppError('PAT_NOT_ALLOWED');
}

/** Records an event in the company's audit log. */
export async function recordCompanyAudit(
  ctx: ServiceContext,
  company: Company,
  event: {
    action: AuditAction;
    name: string;
    data?: Record<string, unknown>;
  },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  await recordAudit(ctx, { account: { id: company.id, name: company.name }, actor, meta, ...event });
}

/**
 * Runs `work` in a transaction that first locks `company`'s row: every change of its owners and
 * organizations goes through it, so last-owner and emptiness checks never interleave.
 */
export async function withCompanyLock<T>(
  ctx: ServiceContext,
  company: Company,
  work: (tx: Db, current: Company) => Promise<T>,
): Promise<T> {
  return inTransaction(ctx.db, async (tx) => {
    const current = await lockCompany(tx, company.id);
    if (!current) throw new AppError('COMPANY_NOT_FOUND', `company ${company.name} not found`);
    return work(tx, current);
  });
}

/** Company names follow the rules of usernames and organization names (one space of names). */
function companyName(raw: string): string {
  const name = normalizeUsername(raw);
  const problem = usernameProblem(name);
  if (problem) throw fieldError('name', problem.replace('username', 'company name'));
  return name;
}

/**
 * Creates a company with `owner` as its only owner. Through the API the caller must own a Business
 * organization (`requireBusinessOwner`); the operator's `admin create-company` is not bound by it.
 * @throws AppError VALIDATION_FAILED (name), ORG_NAME_TAKEN (a user, organization or company has it),
 *   COMPANY_TIER_REQUIRED.
 */
export async function createCompany(
  ctx: ServiceContext,
  input: { name: string; owner: AccountRef; requireBusinessOwner: boolean },
  actor: AuditActor,
  meta: RequestMeta,
): Promise<Company> {
  const name = companyName(input.name);
  if (input.requireBusinessOwner) {
    const owned = await listUserOrganizations(ctx.db, input.owner.id);
    if (!owned.some((org) => org.role === 'owner' && org.tier === companyTier)) {
      throw new AppError(
        'COMPANY_TIER_REQUIRED',
        `creating a company needs you to own an organization on the ${companyTier} tier`,
      );
    }
  }
  const now = isoNow(ctx);
  const company: Company = { id: newId(), name, createdAt: now, updatedAt: now, createdBy: input.owner.id };
  await inTransaction(ctx.db, async (tx) => {
    if (!(await claimNamespace(tx, { name, kind: 'company', ownerId: company.id }))) {
      throw new AppError(
        'ORG_NAME_TAKEN',
        'this name is already taken by a user, an organization or a company',
      );
    }
    await insertCompany(tx, company);
    await insertCompanyOwner(tx, { companyId: company.id, userId: input.owner.id, createdAt: now });
  });
  await recordCompanyAudit(
    ctx,
    company,
    { action: 'company.create', name, data: { owner: input.owner.username } },
    actor,
    meta,
  );
  return company;
}

/**
 * Renames a company; the old name is free again at once.
 * @throws AppError VALIDATION_FAILED (name), ORG_NAME_TAKEN, COMPANY_NOT_FOUND.
 */
export async function renameCompanyTo(
  ctx: ServiceContext,
  company: Company,
  rawName: string,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<Company> {
  const name = companyName(rawName);
  if (name === company.name) return company;
  const renamed = await withCompanyLock(ctx, company, async (tx, current) => {
    if (!(await claimNamespace(tx, { name, kind: 'company', ownerId: current.id }))) {
      throw new AppError(
        'ORG_NAME_TAKEN',
        'this name is already taken by a user, an organization or a company',
      );
    }
    await releaseNamespace(tx, current.name, current.id);
    const at = isoNow(ctx);
    await renameCompany(tx, current.id, name, at);
    return { ...current, name, updatedAt: at };
  });
  await recordCompanyAudit(
    ctx,
    renamed,
    { action: 'company.rename', name, data: { from: company.name, to: name } },
    actor,
    meta,
  );
  return renamed;
}

/**
 * Deletes a company that holds no organization; its name is free again.
 * @throws AppError COMPANY_NOT_EMPTY, COMPANY_NOT_FOUND.
 */
export async function deleteEmptyCompany(
  ctx: ServiceContext,
  company: Company,
  actor: AuditActor,
  meta: RequestMeta,
): Promise<void> {
  await withCompanyLock(ctx, company, async (tx, current) => {
    const held = await countCompanyOrganizations(tx, current.id);
    if (held > 0) {
      throw new AppError(
        'COMPANY_NOT_EMPTY',
        `${current.name} still holds ${held} organization${held === 1 ? '' : 's'}: remove them first`,
      );
    }
    await deleteCompany(tx, current.id);
    await releaseNamespace(tx, current.name, current.id);
  });
  await recordCompanyAudit(ctx, company, { action: 'company.delete', name: company.name }, actor, meta);
}

/** The companies the signed-in user owns. */
export async function listMyCompanies(ctx: ServiceContext, principal: Principal): Promise<Company[]> {
  const user = principalUser(principal);
  return user ? listUserCompanies(ctx.db, user.id) : [];
}

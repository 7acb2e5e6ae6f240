/**
 * Reading the audit log (Docker Hub's `GET /v2/auditlogs/{account}`, PROTOCOLS.md §1): who may read
 * which account's log, the filters, and the action catalogue grouped for `…/actions`.
 *
 * Who reads (docs/audit-log.md):
 * - a user account: that user only, with a password or a PAT session. Reading one's own log is not
 *   account administration, and the log never holds a secret.
 * - an organization: whoever `authorizeOrgAction(…, 'audit-read')` lets in (owners, and instance
 *   administrators, and the organization's own OATs holding `scope-activity-read`). A PAT session of
 *   an owner reads like the owner's password session would.
 * - a company: its owners and instance administrators (password or PAT session); the log holds the
 *   company's own events and those of every organization it holds now (its activity).
 * The event's address and client (`ip`, `user_agent`) are shown to the account's owners only: the
 * user themself, or an owner of the organization or the company.
 */
import { normalizeUsername } from '../../core/account-rules.ts';
import { type AuditEvent, isAuditAction } from '../../core/audit-actions.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { countAuditEvents, listAuditEvents } from '../../storage/audit.repository.ts';
import { listCompanyOrganizationIds } from '../../storage/company.repository.ts';
import { findNamespace } from '../../storage/namespace.repository.ts';
import { authorizeCompanyAction, requireCompany } from '../companies/company.service.ts';
import { authorizeOrgAction, requireOrganization } from '../orgs/organization.service.ts';
import type { ServiceContext } from '../shared/context.ts';
import type { Principal } from '../sign-in/who-asks.ts';

/** The account whose log a session may read, and whether it may see addresses and clients. */
export interface AuditLogAccess {
  account: { id: string; name: string; kind: 'user' | 'org' | 'company' };
  /** Every account whose events the log shows, when more than `account` (a company's organizations). */
  accountIds?: readonly string[];
  /** True for the account's owners: the user themself, or an owner of the organization. */
  showsNetwork: boolean;
}

/**
 * Finds the account named in the path and decides whether `principal` may read its log.
 * @throws AppError NAMESPACE_NOT_FOUND, FORBIDDEN (another user's log), ORG_FORBIDDEN (not an
 *   owner of the organization), OAT_NOT_ALLOWED.
 */
export async function authorizeAuditLogRead(
  ctx: ServiceContext,
  principal: Principal,
  accountName: string,
): Promise<AuditLogAccess> {
  const namespace = await findNamespace(ctx.db, normalizeUsername(accountName));
  if (!namespace) throw new AppError('NAMESPACE_NOT_FOUND', `account ${accountName.slice(0, 64)} not found`);
  if (namespace.kind === 'user') {
    if (principal.kind === 'oat') throw new AppError('OAT_NOT_ALLOWED');
    if (principal.kind === 'oidc') throw new AppError('OIDC_NOT_ALLOWED');
    if (principal.user.id !== namespace.ownerId)
      throw new AppError('FORBIDDEN', 'you may read only your own audit log');
    return { account: { id: namespace.ownerId, name: namespace.name, kind: 'user' }, showsNetwork: true };
  }
  if (namespace.kind === 'company') {
    const company = await requireCompany(ctx, namespace.name);
    await authorizeCompanyAction(ctx, principal, company, 'read');
    const orgIds = await listCompanyOrganizationIds(ctx.db, company.id);
    return {
      account: { id: company.id, name: company.name, kind: 'company' },
      accountIds: [company.id, ...orgIds],
      showsNetwork: true,
    };
  }
  const org = await requireOrganization(ctx, namespace.name);
  const role = await authorizeOrgAction(ctx, principal, org, 'audit-read');
  return { account: { id: org.id, name: org.name, kind: 'org' }, showsNetwork: role === 'owner' };
}

/** Filters as they arrive from the query string; an empty `action`, `actor` or `name` means none. */
export interface AuditLogFilters {
  action?: string;
  actor?: string;
  name?: string;
  /** ISO 8601 date-times with a zone; inclusive. */
  from?: string;
  to?: string;
}

/**
 * One page of an account's events, newest first, and how many match in all.
 * @throws AppError VALIDATION_FAILED naming `action` (not in the catalogue), `from` or `to`.
 */
export async function listAuditLog(
  ctx: ServiceContext,
  access: AuditLogAccess,
  filters: AuditLogFilters,
  page: { limit: number; offset: number },
): Promise<{ events: AuditEvent[]; total: number }> {
  if (filters.action && !isAuditAction(filters.action)) {
    throw fieldError('action', `unknown action ${filters.action.slice(0, 64)}; see GET …/actions`);
  }
  const from = filters.from ? utcInstant('from', filters.from) : undefined;
  const to = filters.to ? utcInstant('to', filters.to) : undefined;
  if (from && to && from > to) throw fieldError('from', 'from must not be after to');
  const filter = {
    accountId: access.accountIds ?? access.account.id,
    action: filters.action || undefined,
    actorName: filters.actor || undefined,
    name: filters.name || undefined,
    from,
    to,
  };
  const [events, total] = await Promise.all([
    listAuditEvents(ctx.db, { ...filter, ...page }),
    countAuditEvents(ctx.db, filter),
  ]);
  return { events, total };
}

/**
 * The stored form (`toISOString`, UTC, milliseconds) so that string comparison in SQL is time
 * order. The schema already checked the date-time format; this catches what it lets through and
 * `Date` cannot represent (a leap second `23:59:60`).
 */
function utcInstant(field: 'from' | 'to', value: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw fieldError(field, `${field} must be an ISO 8601 date-time`);
  return time.toISOString();
}

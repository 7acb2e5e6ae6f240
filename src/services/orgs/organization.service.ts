/**
 * Organizations: creation (the creator becomes owner), lookup, tiers, and the one authorization
 * decision every organization route asks: may this session do this action in this organization?
 *
 * - Password sessions: owners may do everything; editors may also set group permissions on
 *   repositories (`repo-permission-edit`); members may read members and groups.
 * - PAT sessions: the same reads for members, and the audit log for owners; never edits or token
 *   management (a PAT never administers).
 * - OAT sessions: exactly the `TYPE_ORG` scopes of the token, for its own organization only
 *   (`scope-activity-read` for the audit log, as on Docker Hub); never token management.
 * - Sessions from an OIDC connection's token: nothing (they exist for the registry).
 * - Owners of the company that holds the organization count as its owners here (the same rules
 *   for their password and PAT sessions), and stop the moment the organization leaves the company;
 *   their repository rights are not decided here and do not come from that role.
 */
import { type AccountRef, normalizeUsername, usernameProblem } from '../../core/account-rules.ts';
import { AppError, fieldError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import {
  type Organization,
  type OrgRole,
  type OrgScope,
  type OrgTier,
  oatLimitByTier,
  oatOrgScopes,
} from '../../core/organization-rules.ts';
import { isReservedName } from '../../core/reserved-names.ts';
import { countOwnedTokens } from '../../storage/access-token.repository.ts';
import { findOrgStanding } from '../../storage/company.repository.ts';
import { claimNamespace } from '../../storage/namespace.repository.ts';
import { insertOrgMember, listUserOrganizations } from '../../storage/org-member.repository.ts';
import {
  findOrganizationByName,
  insertOrganization,
  setOrganizationTier,
} from '../../storage/organization.repository.ts';
import { inTransaction } from '../../storage/transaction.ts';
import { recordAudit } from '../shared/audit.service.ts';
import { isoNow, type RequestMeta, type ServiceContext } from '../shared/context.ts';
import type { Principal } from '../sign-in/who-asks.ts';

/** What a route wants to do in an organization. The first six are OAT scopes without `scope-`. */
export type OrgAction =
  | 'member-read'
  | 'member-edit'
  | 'invite-read'
  | 'invite-edit'
  | 'group-read'
  | 'group-edit'
  | 'repo-permission-edit'
  | 'org-read'
  | 'token-manage'
  | 'settings-edit'
  | 'audit-read';

/** The organization scope an OAT needs for an action; `org-read` needs none. */
const oatScopeFor: Record<Exclude<OrgAction, 'org-read' | 'token-manage' | 'settings-edit'>, OrgScope> = {
  'member-read': 'scope-member-read',
  'member-edit': 'scope-member-edit',
  'invite-read': 'scope-invite-read',
  'invite-edit': 'scope-invite-edit',
  'group-read': 'scope-group-read',
  'group-edit': 'scope-group-edit',
  'repo-permission-edit': 'scope-group-edit',
  'audit-read': 'scope-activity-read',
};

/** What any member may do; the rest needs an owner, or an editor for `editorActions`. */
const memberReadable: ReadonlySet<OrgAction> = new Set(['member-read', 'group-read', 'org-read']);
/** What an editor may do beyond a member (their repository rights are core/repository-access.ts's). */
const editorActions: ReadonlySet<OrgAction> = new Set(['repo-permission-edit']);
/** Reads an owner may also do with a PAT session (a PAT never administers, but may read). */
const ownerReadable: ReadonlySet<OrgAction> = new Set(['audit-read']);

/**
 * Creates an organization on the free tier with `creator` as its only owner. A reserved name
 * (`TOKENHUB_RESERVED_NAMES`) is refused unless the operator asks (`options.operator`).
 * @throws AppError VALIDATION_FAILED (name rules as for usernames, a reserved name), ORG_NAME_TAKEN.
 */
export async function createOrganization(
  ctx: ServiceContext,
  creator: AccountRef,
  rawName: string,
  meta: RequestMeta,
  options: { operator?: boolean } = {},
): Promise<Organization> {
  const name = normalizeUsername(rawName);
  const problem = usernameProblem(name);
  if (problem) throw fieldError('name', problem.replace('username', 'organization name'));
  if (!options.operator && isReservedName(name, ctx.config.security.reservedNames))
    throw fieldError('name', `the name ${name} is reserved`);
  const now = isoNow(ctx);
  const org: Organization = {
    id: newId(),
    name,
    tier: 'free',
    createdAt: now,
    updatedAt: now,
    createdBy: creator.id,
  };
  await inTransaction(ctx.db, async (tx) => {
    if (!(await claimNamespace(tx, { name, kind: 'org', ownerId: org.id })))
      throw new AppError('ORG_NAME_TAKEN');
    await insertOrganization(tx, org);
    await insertOrgMember(tx, { orgId: org.id, userId: creator.id, role: 'owner', createdAt: now });
  });
  await recordAudit(ctx, {
    account: { id: org.id, name },
    action: 'org.create',
    name,
    actor: { id: creator.id, name: creator.username },
    meta,
  });
  return org;
}

/** An organization with its access-token count (expired and inactive ones count) and tier limit. */
export interface OrganizationSummary {
  org: Organization;
  accessTokens: { count: number; limit: number };
}

export async function describeOrganization(
  ctx: ServiceContext,
  org: Organization,
): Promise<OrganizationSummary> {
  const count = await countOwnedTokens(ctx.db, { kind: 'org', id: org.id });
  return { org, accessTokens: { count, limit: oatLimitByTier[org.tier] } };
}

/** The organizations `account` belongs to, by name, with its role in each. */
export async function listMyOrganizations(
  ctx: ServiceContext,
  account: AccountRef,
): Promise<Array<Pick<Organization, 'id' | 'name' | 'tier'> & { role: OrgRole }>> {
  const organizations = await listUserOrganizations(ctx.db, account.id);
  return organizations.map(({ id, name, tier, role }) => ({ id, name, tier, role }));
}

/** @throws AppError ORG_NOT_FOUND */
export async function requireOrganization(ctx: ServiceContext, name: string): Promise<Organization> {
  const org = await findOrganizationByName(ctx.db, normalizeUsername(name));
  if (!org) throw new AppError('ORG_NOT_FOUND', `organization ${name.slice(0, 64)} not found`);
  return org;
}

/**
 * Decides whether `principal` may perform `action` in `org`.
 * @returns the caller's role (undefined for an OAT).
 * @throws AppError ORG_FORBIDDEN, PAT_NOT_ALLOWED, OAT_NOT_ALLOWED.
 */
export async function authorizeOrgAction(
  ctx: ServiceContext,
  principal: Principal,
  org: Organization,
  action: OrgAction,
): Promise<OrgRole | undefined> {
  if (principal.kind === 'oidc') throw new AppError('OIDC_NOT_ALLOWED');
  if (principal.kind === 'oat') {
    // Never by an organization access token, whatever its scopes (Docker Hub's OATs have no such scope).
    if (action === 'token-manage' || action === 'settings-edit') throw new AppError('OAT_NOT_ALLOWED');
    if (principal.org.id !== org.id)
      throw new AppError('ORG_FORBIDDEN', 'this token belongs to another organization');
    if (action === 'org-read') return undefined;
    const scope = oatScopeFor[action];
    if (!oatOrgScopes(org.name, principal.token.resources).has(scope)) {
      throw new AppError('ORG_FORBIDDEN', `this organization access token does not have ${scope}`);
    }
    return undefined;
  }
  const { role: own, company } = await findOrgStanding(ctx.db, org.id, principal.user.id);
  const role = own !== 'owner' && company ? 'owner' : own;
  const isAdmin = principal.user.isAdmin;
  if (!role && !isAdmin) throw new AppError('ORG_FORBIDDEN', `you are not a member of ${org.name}`);
  if (memberReadable.has(action)) return role;
  if (principal.kind === 'pat' && !ownerReadable.has(action)) throw new AppError('PAT_NOT_ALLOWED');
  if (role === 'editor' && editorActions.has(action)) return role;
  if (role !== 'owner' && !isAdmin)
    throw new AppError('ORG_FORBIDDEN', `only owners of ${org.name} may do this`);
  return role;
}

/**
 * The company through which `user` manages `org` when their own role there is not owner: the
 * console and the API show it ("acting as an owner of company …"); undefined otherwise.
 */
export async function actingCompanyOf(
  ctx: ServiceContext,
  principal: Principal,
  org: Organization,
): Promise<string | undefined> {
  if (principal.kind !== 'password' && principal.kind !== 'pat') return undefined;
  const { role, company } = await findOrgStanding(ctx.db, org.id, principal.user.id);
  return role === 'owner' ? undefined : company;
}

/** Sets the tier (an instance administrator's decision). */
export async function changeOrganizationTier(
  ctx: ServiceContext,
  orgName: string,
  tier: OrgTier,
  actor: { id: string | null; name: string },
  meta: RequestMeta,
): Promise<Organization> {
  const org = await requireOrganization(ctx, orgName);
  await setOrganizationTier(ctx.db, org.id, tier, isoNow(ctx));
  await recordAudit(ctx, {
    account: { id: org.id, name: org.name },
    action: 'org.tier.change',
    name: org.name,
    actor,
    meta,
    data: { from: org.tier, to: tier },
  });
  return { ...org, tier };
}

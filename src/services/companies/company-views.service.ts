/**
 * The company-wide views its owners read: the organizations with their tiers, member and token
 * counts; every member across them (with the organizations and roles); every organization access
 * token across them (with last use and expiry). The activity of all of them is the audit log of
 * the company's name (services/audit-log/audit-log.service.ts). Who may read is
 * `authorizeCompanyAction(…, 'read')`'s decision.
 */
import type { AccessTokenWithCreator, OrgAccessToken } from '../../core/access-token-rules.ts';
import type { Company, CompanyOrganization } from '../../core/company-rules.ts';
import { type OrgRole, oatLimitByTier } from '../../core/organization-rules.ts';
import { countOwnedTokens } from '../../storage/access-token.repository.ts';
import {
  listCompanyMemberships,
  listCompanyOrganizations,
  listCompanyOrgTokens,
} from '../../storage/company.repository.ts';
import type { ServiceContext } from '../shared/context.ts';

/** An organization of the company, with its access-token count and tier limit. */
export type CompanyOrganizationView = CompanyOrganization & {
  accessTokens: { count: number; limit: number };
};

export async function listCompanyOrganizationViews(
  ctx: ServiceContext,
  company: Company,
): Promise<CompanyOrganizationView[]> {
  const organizations = await listCompanyOrganizations(ctx.db, company.id);
  // A company holds few organizations: one count each.
  return Promise.all(
    organizations.map(async (org) => ({
      ...org,
      accessTokens: {
        count: await countOwnedTokens(ctx.db, { kind: 'org', id: org.id }),
        limit: oatLimitByTier[org.tier],
      },
    })),
  );
}

/** A person in one or more of the company's organizations. */
export interface CompanyMember {
  userId: string;
  username: string;
  email: string;
  organizations: Array<{ name: string; role: OrgRole }>;
}

/** Every member of the company's organizations, by username, each once with their organizations. */
export async function listCompanyMembers(ctx: ServiceContext, company: Company): Promise<CompanyMember[]> {
  const members = new Map<string, CompanyMember>();
  for (const row of await listCompanyMemberships(ctx.db, company.id)) {
    const member = members.get(row.userId) ?? {
      userId: row.userId,
      username: row.username,
      email: row.email,
      organizations: [],
    };
    member.organizations.push({ name: row.orgName, role: row.role });
    members.set(row.userId, member);
  }
  return [...members.values()];
}

/** Every organization access token of the company's organizations, newest first. */
export async function listCompanyTokens(
  ctx: ServiceContext,
  company: Company,
): Promise<Array<{ orgName: string; token: AccessTokenWithCreator<OrgAccessToken> }>> {
  return listCompanyOrgTokens(ctx.db, company.id);
}

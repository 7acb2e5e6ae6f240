/**
 * The company-wide views (tokenhub extension, docs/api.md): the company's organizations with their
 * tiers and counts, every member across them, every organization access token across them. The
 * activity of all of them is `GET /v2/auditlogs/{company}`. Owners (and instance administrators)
 * read with a password or a PAT session.
 */
import { tokenStatus } from '../../core/access-token-rules.ts';
import {
  listCompanyMembers,
  listCompanyOrganizationViews,
  listCompanyTokens,
} from '../../services/companies/company-views.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { errorReplies } from '../contract/common.contract.ts';
import {
  companyMemberList,
  companyOrgList,
  companyParams,
  companyTokenList,
} from '../contract/companies.contract.ts';
import { guardedRoute } from '../route-options.ts';
import { authorizeCompanyRequest } from './companies.routes.ts';

export async function companyViewRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const reader = guardedRoute(guard(['password', 'pat']), 'companies', { errorShape: 'org' });

  app.get(
    '/v2/companies/:name/orgs',
    reader({
      summary: "The company's organizations, with tiers, member counts and access-token counts",
      params: companyParams,
      response: { 200: companyOrgList, ...errorReplies(401, 403, 404) },
    }),
    async (request) => {
      const { company } = await authorizeCompanyRequest(ctx, request, request.params.name, 'read');
      const organizations = await listCompanyOrganizationViews(ctx, company);
      return {
        results: organizations.map((org) => ({
          name: org.name,
          tier: org.tier,
          member_count: org.memberCount,
          access_tokens: org.accessTokens,
          added_at: org.addedAt,
        })),
      };
    },
  );

  app.get(
    '/v2/companies/:name/members',
    reader({
      summary: "Every member of the company's organizations, with their organizations and roles",
      params: companyParams,
      response: { 200: companyMemberList, ...errorReplies(401, 403, 404) },
    }),
    async (request) => {
      const { company } = await authorizeCompanyRequest(ctx, request, request.params.name, 'read');
      const members = await listCompanyMembers(ctx, company);
      return {
        results: members.map((member) => ({
          username: member.username,
          email: member.email,
          organizations: member.organizations,
        })),
      };
    },
  );

  app.get(
    '/v2/companies/:name/access-tokens',
    reader({
      summary: "Every organization access token of the company's organizations, newest first",
      params: companyParams,
      response: { 200: companyTokenList, ...errorReplies(401, 403, 404) },
    }),
    async (request) => {
      const { company } = await authorizeCompanyRequest(ctx, request, request.params.name, 'read');
      const now = ctx.clock.now();
      const tokens = await listCompanyTokens(ctx, company);
      return {
        results: tokens.map(({ orgName, token }) => ({
          org: orgName,
          id: token.id,
          label: token.label,
          description: token.description,
          created_by: token.creatorName ?? '',
          is_active: token.isActive,
          status: tokenStatus(token, now),
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          last_used_at: token.lastUsedAt,
        })),
      };
    },
  );
}

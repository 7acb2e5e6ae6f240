/**
 * Organizations: create one (the creator becomes its owner) and read one. Members, groups and
 * invites have their own route files; access tokens are in org-access-tokens.routes.ts.
 */
import { Type } from 'typebox';
import type { OrgRole } from '../../core/organization-rules.ts';
import {
  actingCompanyOf,
  createOrganization,
  describeOrganization,
  listMyOrganizations,
  type OrganizationSummary,
} from '../../services/orgs/organization.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { errorReplies } from '../contract/common.contract.ts';
import {
  membershipObject,
  type OrganizationObject,
  orgCreateBody,
  orgObject,
  orgParams,
} from '../contract/orgs.contract.ts';
import { authorizeOrgRequest } from '../org-auth.ts';
import { requestMeta } from '../request-meta.ts';
import { orgProfile } from './account-profiles.routes.ts';

function toOrgObject(
  summary: OrganizationSummary,
  role: OrgRole | undefined,
  actingCompany?: string,
): OrganizationObject {
  const { org, accessTokens } = summary;
  return {
    ...orgProfile(org),
    orgname: org.name,
    name: org.name,
    tier: org.tier,
    created_at: org.createdAt,
    role: role ?? null,
    access_tokens: accessTokens,
    acting_company: actingCompany ?? null,
  };
}

export async function orgRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const tags = ['organizations'];
  const security = [{ bearer: [] }];

  app.post(
    '/v2/orgs',
    {
      config,
      preHandler: guard(['password']),
      schema: {
        tags,
        security,
        summary: 'Create an organization (free tier); the caller becomes its owner',
        body: orgCreateBody,
        response: { 201: orgObject, ...errorReplies(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const org = await createOrganization(ctx, accountOf(request), request.body.name, requestMeta(request));
      return reply.status(201).send(toOrgObject(await describeOrganization(ctx, org), 'owner'));
    },
  );

  app.get(
    '/v2/users/me/orgs',
    {
      preHandler: guard(['password', 'pat']),
      schema: {
        tags,
        security,
        summary: 'The organizations the signed-in account belongs to, with its role (tokenhub extension)',
        response: {
          200: Type.Object({ results: Type.Array(membershipObject) }),
          ...errorReplies(401, 403),
        },
      },
    },
    async (request) => ({ results: await listMyOrganizations(ctx, accountOf(request)) }),
  );

  app.get(
    '/v2/orgs/:org',
    {
      config,
      preHandler: guard(['password', 'pat', 'oat']),
      schema: {
        tags,
        security,
        summary: 'Read an organization (members, and its own access tokens)',
        params: orgParams,
        response: { 200: orgObject, ...errorReplies(401, 403, 404) },
      },
    },
    async (request) => {
      const { org, role, principal } = await authorizeOrgRequest(
        ctx,
        request,
        request.params.org,
        'org-read',
      );
      const acting = role === 'owner' ? await actingCompanyOf(ctx, principal, org) : undefined;
      return toOrgObject(await describeOrganization(ctx, org), role, acting);
    },
  );
}

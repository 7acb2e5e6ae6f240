/**
 * Organizations: create one (the creator becomes its owner) and read one. Members, groups and
 * invites have their own route files; access tokens are in org-access-tokens.routes.ts.
 */
import { Type } from 'typebox';
import { oatLimitByTier } from '../../core/organization-rules.ts';
import { createOrganization } from '../../services/orgs/organization.service.ts';
import { countOwnedTokens } from '../../storage/access-token.repository.ts';
import { listUserOrganizations, type OrganizationRow } from '../../storage/organization.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { authorizeOrgRequest } from '../org-auth.ts';
import { requestMeta } from '../request-meta.ts';
import { errorReplies } from '../schemas.ts';

export const orgParams = Type.Object({ org: Type.String({ minLength: 1, maxLength: 64 }) });

const orgObject = Type.Object({
  id: Type.String(),
  name: Type.String(),
  tier: Type.Union([Type.Literal('free'), Type.Literal('team'), Type.Literal('business')]),
  created_at: Type.String({ format: 'date-time' }),
  role: Type.Union([Type.Literal('owner'), Type.Literal('member'), Type.Null()], {
    description: "The caller's role; null for an organization access token or an instance administrator.",
  }),
  access_tokens: Type.Object(
    { count: Type.Integer(), limit: Type.Integer() },
    { description: 'Organization access tokens held (expired and inactive count) and the tier limit.' },
  ),
});

export async function orgRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const tags = ['organizations'];
  const security = [{ bearer: [] }];

  async function toOrgObject(org: OrganizationRow, role: 'owner' | 'member' | undefined) {
    return {
      id: org.id,
      name: org.name,
      tier: org.tier,
      created_at: org.created_at,
      role: role ?? null,
      access_tokens: {
        count: await countOwnedTokens(ctx.db, { kind: 'org', id: org.id }),
        limit: oatLimitByTier[org.tier],
      },
    };
  }

  app.post(
    '/v2/orgs',
    {
      config,
      preHandler: guard(['password']),
      schema: {
        tags,
        security,
        summary: 'Create an organization (free tier); the caller becomes its owner',
        body: Type.Object({ name: Type.String({ maxLength: 256 }) }),
        response: { 201: orgObject, ...errorReplies(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const org = await createOrganization(ctx, accountOf(request), request.body.name, requestMeta(request));
      return reply.status(201).send(await toOrgObject(org, 'owner'));
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
          200: Type.Object({
            results: Type.Array(
              Type.Object({
                id: Type.String(),
                name: Type.String(),
                tier: orgObject.properties.tier,
                role: Type.Union([Type.Literal('owner'), Type.Literal('member')]),
              }),
            ),
          }),
          ...errorReplies(401, 403),
        },
      },
    },
    async (request) => ({ results: await listUserOrganizations(ctx.db, accountOf(request).id) }),
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
      const { org, role } = await authorizeOrgRequest(ctx, request, request.params.org, 'org-read');
      return toOrgObject(org, role);
    },
  );
}

/**
 * Organization access tokens, Docker Hub's routes and shapes (PROTOCOLS.md §1, orgAccessToken).
 * Managed by owners with a password session; members, PAT sessions and OATs get 403.
 */
import { Type } from 'typebox';
import { tokenStatus } from '../../core/access-token-rules.ts';
import {
  createOrgAccessToken,
  deleteOrgAccessToken,
  getOrgAccessToken,
  listOrgAccessTokens,
  type OrgAccessTokenView,
  updateOrgAccessToken,
} from '../../services/tokens/org-access-token.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import {
  type OrgAccessTokenObject,
  orgAccessTokenCreateBody,
  orgAccessTokenObject,
  orgAccessTokenPage,
  orgAccessTokenUpdateBody,
} from '../contract/access-tokens.contract.ts';
import { errorReplies, noContentReplies, paginationQuery } from '../contract/common.contract.ts';
import { orgParams } from '../contract/orgs.contract.ts';
import { toLastUsedIps } from '../last-used-ips.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';

export async function orgAccessTokenRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const route = orgRouteOptions(guard, 'organization access tokens');
  const params = Type.Object({ ...orgParams.properties, id: Type.String({ format: 'uuid' }) });

  function toObject(token: OrgAccessTokenView, secret?: string): OrgAccessTokenObject {
    return {
      id: token.id,
      label: token.label,
      description: token.description,
      created_by: token.creatorName ?? '',
      is_active: token.isActive,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      last_used_at: token.lastUsedAt,
      resources: token.resources,
      ...(secret ? { token: secret } : {}),
      status: tokenStatus(token, ctx.clock.now()),
      last_used_ip: token.lastUsedIp,
      last_used_ua: token.lastUsedUa,
      token_hint: token.hint,
      allowed_cidrs: [...token.allowedCidrs],
      last_used_ips: toLastUsedIps(token.addresses),
    };
  }

  app.post(
    '/v2/orgs/:org/access-tokens',
    route({
      summary: 'Create an organization access token; the secret is in this response only',
      params: orgParams,
      body: orgAccessTokenCreateBody,
      response: { 201: orgAccessTokenObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      const { body } = request;
      const { token, secret } = await createOrgAccessToken(
        ctx,
        org,
        accountOf(request),
        {
          label: body.label,
          description: body.description,
          resources: body.resources,
          expiresAt: body.expires_at,
          allowedCidrs: body.allowed_cidrs,
        },
        requestMeta(request),
      );
      return reply.status(201).send(toObject(token, secret.reveal()));
    },
  );

  app.get(
    '/v2/orgs/:org/access-tokens',
    route({
      summary: 'List organization access tokens, newest first',
      params: orgParams,
      querystring: paginationQuery,
      response: { 200: orgAccessTokenPage, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      const page = pageRequest(request.query);
      const { tokens, total } = await listOrgAccessTokens(ctx, org, page);
      return {
        total,
        ...pageLinks(ctx.config.publicUrl, `/v2/orgs/${org.name}/access-tokens`, page, total),
        results: tokens.map((token) => toObject(token)),
      };
    },
  );

  app.get(
    '/v2/orgs/:org/access-tokens/:id',
    route({
      summary: 'Read one organization access token (never its secret)',
      params,
      response: { 200: orgAccessTokenObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      return toObject(await getOrgAccessToken(ctx, org, request.params.id));
    },
  );

  app.patch(
    '/v2/orgs/:org/access-tokens/:id',
    route({
      summary:
        'Change label, description or resources, or deactivate (an inactive token can only be deleted)',
      params,
      body: orgAccessTokenUpdateBody,
      response: { 200: orgAccessTokenObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      const { body } = request;
      const token = await updateOrgAccessToken(
        ctx,
        org,
        accountOf(request),
        request.params.id,
        {
          label: body.label,
          description: body.description,
          resources: body.resources,
          isActive: body.is_active,
          allowedCidrs: body.allowed_cidrs,
        },
        requestMeta(request),
      );
      return toObject(token);
    },
  );

  app.delete(
    '/v2/orgs/:org/access-tokens/:id',
    route({
      summary: 'Delete an organization access token',
      params,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      await deleteOrgAccessToken(ctx, org, accountOf(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

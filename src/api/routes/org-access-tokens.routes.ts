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
  updateOrgAccessToken,
} from '../../services/tokens/org-access-token.service.ts';
import type { AccessTokenRow } from '../../storage/access-token.repository.ts';
import { findUserById } from '../../storage/user.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { authorizeOrgRequest } from '../org-auth.ts';
import { pageLinks, pageRequest, paginationQuery } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { errorReplies } from '../schemas.ts';
import { orgParams } from './orgs.routes.ts';

const nullableDate = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const resourceInput = Type.Object({
  type: Type.String({ maxLength: 16, description: 'TYPE_REPO or TYPE_ORG' }),
  path: Type.String({ maxLength: 300 }),
  scopes: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 8 }),
});
const resourceList = Type.Array(resourceInput, { maxItems: 60, description: 'At most 50 repositories.' });

const orgAccessTokenObject = Type.Object({
  id: Type.String({ format: 'uuid' }),
  label: Type.String(),
  description: Type.String(),
  created_by: Type.String({ description: 'Username of the owner who created it.' }),
  is_active: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  expires_at: nullableDate,
  last_used_at: nullableDate,
  resources: Type.Array(
    Type.Object({ type: Type.String(), path: Type.String(), scopes: Type.Array(Type.String()) }),
  ),
  token: Type.Optional(Type.String({ description: 'The secret: only in the create response.' })),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('expired')], {
    description: 'tokenhub extension.',
  }),
  last_used_ip: Type.Union([Type.String(), Type.Null()], { description: 'tokenhub extension.' }),
  last_used_ua: Type.Union([Type.String(), Type.Null()], { description: 'tokenhub extension.' }),
  token_hint: Type.String({ description: 'tokenhub extension: non-secret start of the secret.' }),
});

export async function orgAccessTokenRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const config = { errorShape: 'org' as const };
  const tags = ['organization access tokens'];
  const security = [{ bearer: [] }];
  const anySession = guard(['password', 'pat', 'oat']);
  const params = Type.Object({ ...orgParams.properties, id: Type.String({ format: 'uuid' }) });

  async function creatorNames(rows: readonly AccessTokenRow[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(rows.map((row) => row.created_by).filter((v): v is string => v !== null))) {
      names.set(id, (await findUserById(ctx.db, id))?.username ?? '');
    }
    return names;
  }

  function toObject(row: AccessTokenRow, creators: Map<string, string>, secret?: string) {
    return {
      id: row.id,
      label: row.label,
      description: row.description,
      created_by: (row.created_by && creators.get(row.created_by)) || '',
      is_active: row.is_active === 1,
      created_at: row.created_at,
      expires_at: row.expires_at,
      last_used_at: row.last_used_at,
      resources: JSON.parse(row.scopes),
      ...(secret ? { token: secret } : {}),
      status: tokenStatus(row, ctx.clock.now()),
      last_used_ip: row.last_used_ip,
      last_used_ua: row.last_used_ua,
      token_hint: row.hint,
    };
  }

  const single = async (row: AccessTokenRow, secret?: string) =>
    toObject(row, await creatorNames([row]), secret);

  app.post(
    '/v2/orgs/:org/access-tokens',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Create an organization access token; the secret is in this response only',
        params: orgParams,
        body: Type.Object({
          label: Type.String({ maxLength: 1000 }),
          description: Type.Optional(Type.String({ maxLength: 1000 })),
          resources: resourceList,
          expires_at: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
        }),
        response: { 201: orgAccessTokenObject, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      const { body } = request;
      const { row, secret } = await createOrgAccessToken(
        ctx,
        org,
        accountOf(request),
        {
          label: body.label,
          description: body.description,
          resources: body.resources,
          expiresAt: body.expires_at,
        },
        requestMeta(request),
      );
      return reply.status(201).send(await single(row, secret.reveal()));
    },
  );

  app.get(
    '/v2/orgs/:org/access-tokens',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'List organization access tokens, newest first',
        params: orgParams,
        querystring: paginationQuery,
        response: {
          200: Type.Object({
            total: Type.Integer(),
            next: Type.Union([Type.String(), Type.Null()]),
            previous: Type.Union([Type.String(), Type.Null()]),
            results: Type.Array(orgAccessTokenObject),
          }),
          ...errorReplies(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      const page = pageRequest(request.query);
      const { rows, total } = await listOrgAccessTokens(ctx, org, page);
      const creators = await creatorNames(rows);
      return {
        total,
        ...pageLinks(ctx.config.publicUrl, `/v2/orgs/${org.name}/access-tokens`, page, total),
        results: rows.map((row) => toObject(row, creators)),
      };
    },
  );

  app.get(
    '/v2/orgs/:org/access-tokens/:id',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Read one organization access token (never its secret)',
        params,
        response: { 200: orgAccessTokenObject, ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      return single(await getOrgAccessToken(ctx, org, request.params.id));
    },
  );

  app.patch(
    '/v2/orgs/:org/access-tokens/:id',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary:
          'Change label, description or resources, or deactivate (an inactive token can only be deleted)',
        params,
        body: Type.Object({
          label: Type.Optional(Type.String({ maxLength: 1000 })),
          description: Type.Optional(Type.String({ maxLength: 1000 })),
          resources: Type.Optional(resourceList),
          is_active: Type.Optional(Type.Boolean()),
        }),
        response: { 200: orgAccessTokenObject, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      const { body } = request;
      const row = await updateOrgAccessToken(
        ctx,
        org,
        accountOf(request),
        request.params.id,
        {
          label: body.label,
          description: body.description,
          resources: body.resources,
          isActive: body.is_active,
        },
        requestMeta(request),
      );
      return single(row);
    },
  );

  app.delete(
    '/v2/orgs/:org/access-tokens/:id',
    {
      config,
      preHandler: anySession,
      schema: {
        tags,
        security,
        summary: 'Delete an organization access token',
        params,
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { org } = await authorizeOrgRequest(ctx, request, request.params.org, 'token-manage');
      await deleteOrgAccessToken(ctx, org, accountOf(request), request.params.id, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

/**
 * OIDC connections (docs/oidc.md), one family of routes for two owners: an organization's under
 * `/v2/orgs/{org}/oidc-connections` (its owners, with a password session) and the caller's own
 * under `/v2/users/me/oidc-connections` (a password session). PAT, OAT and OIDC sessions get 403:
 * a connection mints credentials, as token management does.
 *
 * create `POST`, list `GET`, read `GET /{id}`, change, activate and deactivate `PATCH /{id}`
 * (`is_active`), delete `DELETE /{id}`, failure log `GET /{id}/failures`.
 */
import type { FastifyRequest } from 'fastify';
import { type TObject, Type } from 'typebox';
import type { AccountRef } from '../../core/account-rules.ts';
import type { OidcConnectionView, OidcFailure, OidcOwner } from '../../core/oidc-rules.ts';
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnectionFailures,
  listConnections,
  updateConnection,
} from '../../services/oidc/oidc-connection.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { errorReplies, noContentReplies, paginationQuery } from '../contract/common.contract.ts';
import {
  type OidcConnectionObject,
  type OidcFailureObject,
  oidcConnectionCreateBody,
  oidcConnectionObject,
  oidcConnectionPage,
  oidcConnectionUpdateBody,
  oidcFailurePage,
} from '../contract/oidc.contract.ts';
import { orgParams } from '../contract/orgs.contract.ts';
import { authorizeOrgRequest, orgRouteOptions } from '../org-auth.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

export function toConnectionObject(connection: OidcConnectionView): OidcConnectionObject {
  return {
    id: connection.id,
    owner: connection.ownerName,
    label: connection.label,
    issuer: connection.issuer,
    audience: connection.audience,
    token_ttl_seconds: connection.tokenTtlSeconds,
    single_use: connection.singleUse,
    is_active: connection.isActive,
    rulesets: connection.rulesets,
    created_at: connection.createdAt,
    updated_at: connection.updatedAt,
    created_by: connection.creatorName,
    last_used_at: connection.lastUsedAt,
  };
}

function toFailureObject(failure: OidcFailure): OidcFailureObject {
  return {
    id: failure.id,
    created_at: failure.createdAt,
    reason: failure.reason,
    subject: failure.subject,
    ip: failure.ip,
    user_agent: failure.userAgent,
  };
}

/** One owner's family: where it lives, how its routes guard, and who the caller acts for. */
interface ConnectionFamily {
  /** `/v2/orgs/:org/oidc-connections` or `/v2/users/me/oidc-connections`. */
  prefix: string;
  /** The path parameters before the connection id. */
  params: TObject;
  route: ReturnType<typeof guardedRoute>;
  ownerOf(request: FastifyRequest): Promise<{ owner: OidcOwner; actor: AccountRef; path: string }>;
}

export async function oidcConnectionRoutes(app: App, { ctx, guard }: RouteDeps): Promise<void> {
  const families: ConnectionFamily[] = [
    {
      prefix: '/v2/orgs/:org/oidc-connections',
      params: orgParams,
      route: orgRouteOptions(guard, 'oidc connections'),
      async ownerOf(request) {
        const { org: name } = request.params as { org: string };
        const { org } = await authorizeOrgRequest(ctx, request, name, 'token-manage');
        return {
          owner: { kind: 'org', id: org.id, name: org.name },
          actor: accountOf(request),
          path: `/v2/orgs/${org.name}/oidc-connections`,
        };
      },
    },
    {
      prefix: '/v2/users/me/oidc-connections',
      params: Type.Object({}),
      route: guardedRoute(guard(['password']), 'oidc connections'),
      async ownerOf(request) {
        const user = accountOf(request);
        return {
          owner: { kind: 'user', id: user.id, name: user.username },
          actor: user,
          path: '/v2/users/me/oidc-connections',
        };
      },
    },
  ];
  for (const family of families) registerFamily(app, ctx, family);
}

function registerFamily(
  app: App,
  ctx: RouteDeps['ctx'],
  { prefix, params, route, ownerOf }: ConnectionFamily,
) {
  const withId = Type.Object({ ...params.properties, id: Type.String({ format: 'uuid' }) });
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.post(
    prefix,
    route({
      summary: 'Create an OIDC connection',
      params,
      body: oidcConnectionCreateBody,
      response: { 201: oidcConnectionObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request, reply) => {
      const { owner, actor } = await ownerOf(request);
      const { body } = request;
      const connection = await createConnection(
        ctx,
        owner,
        actor,
        {
          label: body.label,
          issuer: body.issuer,
          audience: body.audience,
          tokenTtlSeconds: body.token_ttl_seconds,
          singleUse: body.single_use,
          rulesets: body.rulesets,
        },
        requestMeta(request),
      );
      return reply.status(201).send(toConnectionObject(connection));
    },
  );

  app.get(
    prefix,
    route({
      summary: 'List OIDC connections, oldest first',
      params,
      querystring: paginationQuery,
      response: { 200: oidcConnectionPage, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { owner, path } = await ownerOf(request);
      const page = pageRequest(request.query);
      const { connections, total } = await listConnections(ctx, owner, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, path, page, total),
        results: connections.map(toConnectionObject),
      };
    },
  );

  app.get(
    `${prefix}/:id`,
    route({
      summary: 'Read an OIDC connection',
      params: withId,
      response: { 200: oidcConnectionObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { owner } = await ownerOf(request);
      return toConnectionObject(await getConnection(ctx, owner, idOf(request)));
    },
  );

  app.patch(
    `${prefix}/:id`,
    route({
      summary: 'Change an OIDC connection; is_active false deactivates it, true activates it',
      params: withId,
      body: oidcConnectionUpdateBody,
      response: { 200: oidcConnectionObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { owner, actor } = await ownerOf(request);
      const { body } = request;
      const connection = await updateConnection(
        ctx,
        owner,
        actor,
        idOf(request),
        {
          label: body.label,
          issuer: body.issuer,
          audience: body.audience,
          tokenTtlSeconds: body.token_ttl_seconds,
          singleUse: body.single_use,
          isActive: body.is_active,
          rulesets: body.rulesets,
        },
        requestMeta(request),
      );
      return toConnectionObject(connection);
    },
  );

  app.delete(
    `${prefix}/:id`,
    route({
      summary: 'Delete an OIDC connection; its exchanged tokens are refused at once',
      params: withId,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      const { owner, actor } = await ownerOf(request);
      await deleteConnection(ctx, owner, actor, idOf(request), requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${prefix}/:id/failures`,
    route({
      summary: "The connection's failure log: refused identity tokens, newest first, with the reason",
      params: withId,
      querystring: paginationQuery,
      response: { 200: oidcFailurePage, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const { owner, path } = await ownerOf(request);
      const page = pageRequest(request.query);
      const id = idOf(request);
      const { failures, total } = await listConnectionFailures(ctx, owner, id, page);
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, `${path}/${id}/failures`, page, total),
        results: failures.map(toFailureObject),
      };
    },
  );
}

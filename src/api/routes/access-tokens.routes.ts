import { type PersonalAccessToken, type TokenAddress, tokenStatus } from '../../core/access-token-rules.ts';
import {
  createPersonalAccessToken,
  deletePersonalAccessTokens,
  getPersonalAccessToken,
  listPersonalAccessTokens,
  updatePersonalAccessToken,
} from '../../services/tokens/personal-access-token.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import {
  type AccessTokenObject,
  accessTokenCreateBody,
  accessTokenObject,
  accessTokenPage,
  accessTokenUpdateBody,
  bulkDeleteBody,
} from '../contract/access-tokens.contract.ts';
import { errorReplies, noContentReplies, paginationQuery, uuidParam } from '../contract/common.contract.ts';
import { toLastUsedIps } from '../last-used-ips.ts';
import { pageLinks, pageRequest } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { guardedRoute } from '../route-options.ts';

function toAccessTokenObject(
  token: PersonalAccessToken & { addresses?: TokenAddress[] },
  now: Date,
  secret = '',
): AccessTokenObject {
  return {
    uuid: token.id,
    client_id: token.clientId,
    creator_ip: token.creatorIp,
    creator_ua: token.creatorUa,
    created_at: token.createdAt,
    last_used: token.lastUsedAt,
    generated_by: token.generatedBy,
    is_active: token.isActive,
    token: secret,
    token_label: token.label,
    scopes: token.scopes,
    expires_at: token.expiresAt,
    status: tokenStatus(token, now),
    last_used_ip: token.lastUsedIp,
    last_used_ua: token.lastUsedUa,
    token_hint: token.hint,
    resources: token.resources.map((r) => ({ type: r.type, path: r.path, scopes: [...r.scopes] })),
    allowed_cidrs: [...token.allowedCidrs],
    last_used_ips: toLastUsedIps(token.addresses),
  };
}

/**
 * Docker's PAT routes live at `/v2/access-tokens`; hub-tool still uses the older `/v2/api_tokens`,
 * which Docker Hub serves as the same routes.
 */
const patBases = ['/v2/access-tokens', '/v2/api_tokens'] as const;

export async function accessTokenRoutes(app: App, { ctx, guard, throttles }: RouteDeps): Promise<void> {
  const route = guardedRoute(guard(['password']), 'personal access tokens');
  for (const base of patBases) {
    const legacy = base === '/v2/api_tokens' ? ' (legacy path of /v2/access-tokens)' : '';
    registerPatRoutes(app, ctx, throttles, route, base, legacy);
  }

  app.post(
    '/v2/access-tokens/bulk-delete',
    route({
      summary: 'Delete several personal access tokens at once, all or nothing (tokenhub extension)',
      body: bulkDeleteBody,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      await deletePersonalAccessTokens(ctx, accountOf(request), request.body.uuids, requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

function registerPatRoutes(
  app: App,
  ctx: RouteDeps['ctx'],
  throttles: RouteDeps['throttles'],
  route: ReturnType<typeof guardedRoute>,
  base: string,
  legacy: string,
): void {
  app.post(
    base,
    route({
      summary: `Create a personal access token; the secret is in this response only${legacy}`,
      description:
        '`resources` (a fine-grained token) and `allowed_cidrs` are tokenhub extensions. A token that breaks a token policy (the instance cap, or the policy of an organization its resources name) is refused with 400 naming the policy.',
      body: accessTokenCreateBody,
      response: { 201: accessTokenObject, ...errorReplies(400, 401, 403, 429) },
    }),
    async (request, reply) => {
      const user = accountOf(request);
      await throttles.patCreate(reply, user.id);
      const { token, secret } = await createPersonalAccessToken(
        ctx,
        user,
        {
          label: request.body.token_label,
          scopes: request.body.scopes,
          expiresAt: request.body.expires_at,
          resources: request.body.resources,
          allowedCidrs: request.body.allowed_cidrs,
        },
        requestMeta(request),
      );
      return reply.status(201).send(toAccessTokenObject(token, ctx.clock.now(), secret.reveal()));
    },
  );

  app.get(
    base,
    route({
      summary: `List personal access tokens, newest first${legacy}`,
      querystring: paginationQuery,
      response: { 200: accessTokenPage, ...errorReplies(400, 401, 403) },
    }),
    async (request) => {
      const page = pageRequest(request.query);
      const { tokens, total, active } = await listPersonalAccessTokens(ctx, accountOf(request), page);
      const now = ctx.clock.now();
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, base, page, total),
        active_count: active,
        results: tokens.map((token) => toAccessTokenObject(token, now)),
      };
    },
  );

  app.get(
    `${base}/:uuid`,
    route({
      summary: `Read one personal access token (never its secret)${legacy}`,
      params: uuidParam,
      response: { 200: accessTokenObject, ...errorReplies(400, 401, 403, 404) },
    }),
    async (request) => {
      const token = await getPersonalAccessToken(ctx, accountOf(request), request.params.uuid);
      return toAccessTokenObject(token, ctx.clock.now());
    },
  );

  app.patch(
    `${base}/:uuid`,
    route({
      summary: `Rename, activate/deactivate, or change the level of a personal access token${legacy}`,
      description:
        'Changing `scopes` (the Docker Hub console allows it), `resources` and `allowed_cidrs` are tokenhub extensions. Expiry never changes.',
      params: uuidParam,
      body: accessTokenUpdateBody,
      response: { 200: accessTokenObject, ...errorReplies(400, 401, 403, 404, 409) },
    }),
    async (request) => {
      const token = await updatePersonalAccessToken(
        ctx,
        accountOf(request),
        request.params.uuid,
        {
          label: request.body.token_label,
          isActive: request.body.is_active,
          scopes: request.body.scopes,
          resources: request.body.resources,
          allowedCidrs: request.body.allowed_cidrs,
        },
        requestMeta(request),
      );
      return toAccessTokenObject(token, ctx.clock.now());
    },
  );

  app.delete(
    `${base}/:uuid`,
    route({
      summary: `Delete a personal access token${legacy}`,
      params: uuidParam,
      response: noContentReplies(400, 401, 403, 404),
    }),
    async (request, reply) => {
      await deletePersonalAccessTokens(ctx, accountOf(request), [request.params.uuid], requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

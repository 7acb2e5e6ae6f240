/**
 * Personal access tokens, Docker Hub's routes and shapes (PROTOCOLS.md §1), plus our bulk delete.
 * All of them need a password session: a PAT-derived session gets 403.
 */
import { type TStringOptions, Type } from 'typebox';
import { tokenStatus } from '../../core/access-token-rules.ts';
import { patScopes } from '../../core/access-token-scopes.ts';
import {
  createPersonalAccessToken,
  deletePersonalAccessTokens,
  getPersonalAccessToken,
  listPersonalAccessTokens,
  updatePersonalAccessToken,
} from '../../services/tokens/personal-access-token.service.ts';
import type { AccessTokenRow } from '../../storage/access-token.repository.ts';
import type { App, RouteDeps } from '../app.ts';
import { accountOf } from '../auth.ts';
import { pageLinks, pageRequest, paginationQuery } from '../pagination.ts';
import { requestMeta } from '../request-meta.ts';
import { errorReplies, uuidParam } from '../schemas.ts';

const nullableString = (options: TStringOptions = {}) => Type.Union([Type.String(options), Type.Null()]);

export const accessTokenObject = Type.Object({
  uuid: Type.String({ format: 'uuid' }),
  client_id: Type.String(),
  creator_ip: Type.String(),
  creator_ua: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used: nullableString({ format: 'date-time' }),
  generated_by: Type.Union([Type.Literal('manual'), Type.Literal('auto')]),
  is_active: Type.Boolean(),
  token: Type.String({ description: 'The secret: only in the create response, "" elsewhere.' }),
  token_label: Type.String(),
  scopes: Type.Array(Type.String()),
  expires_at: nullableString({ format: 'date-time' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('inactive'), Type.Literal('expired')], {
    description: 'tokenhub extension: active, inactive (deactivated) or expired.',
  }),
  last_used_ip: nullableString({ description: 'tokenhub extension: address of the last use.' }),
  last_used_ua: nullableString({ description: 'tokenhub extension: client (user agent) of the last use.' }),
  token_hint: Type.String({ description: 'tokenhub extension: non-secret start of the secret.' }),
});

const scopeList = Type.Array(Type.String({ maxLength: 64 }), {
  maxItems: 8,
  description: `One of ${patScopes.join(', ')} (highest first implies the lower ones).`,
});

function toAccessTokenObject(row: AccessTokenRow, now: Date, secret = '') {
  return {
    uuid: row.id,
    client_id: row.client_id,
    creator_ip: row.creator_ip,
    creator_ua: row.creator_ua,
    created_at: row.created_at,
    last_used: row.last_used_at,
    generated_by: row.generated_by,
    is_active: row.is_active === 1,
    token: secret,
    token_label: row.label,
    scopes: JSON.parse(row.scopes) as string[],
    expires_at: row.expires_at,
    status: tokenStatus(row, now),
    last_used_ip: row.last_used_ip,
    last_used_ua: row.last_used_ua,
    token_hint: row.hint,
  };
}

export async function accessTokenRoutes(app: App, { ctx, guard, throttles }: RouteDeps): Promise<void> {
  const passwordOnly = guard(['password']);
  const security = [{ bearer: [] }];
  const tags = ['personal access tokens'];

  app.post(
    '/v2/access-tokens',
    {
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: 'Create a personal access token; the secret is in this response only',
        body: Type.Object({
          token_label: Type.String({ maxLength: 1000 }),
          scopes: Type.Optional(scopeList),
          expires_at: Type.Optional(nullableString({ maxLength: 64 })),
        }),
        response: { 201: accessTokenObject, ...errorReplies(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const user = accountOf(request);
      await throttles.patCreate(reply, user.id);
      const { row, secret } = await createPersonalAccessToken(
        ctx,
        user,
        { label: request.body.token_label, scopes: request.body.scopes, expiresAt: request.body.expires_at },
        requestMeta(request),
      );
      return reply.status(201).send(toAccessTokenObject(row, ctx.clock.now(), secret.reveal()));
    },
  );

  app.get(
    '/v2/access-tokens',
    {
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: 'List personal access tokens, newest first',
        querystring: paginationQuery,
        response: {
          200: Type.Object({
            count: Type.Integer(),
            next: nullableString(),
            previous: nullableString(),
            active_count: Type.Integer(),
            results: Type.Array(accessTokenObject),
          }),
          ...errorReplies(400, 401, 403),
        },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { rows, total, active } = await listPersonalAccessTokens(ctx, accountOf(request), page);
      const now = ctx.clock.now();
      return {
        count: total,
        ...pageLinks(ctx.config.publicUrl, '/v2/access-tokens', page, total),
        active_count: active,
        results: rows.map((row) => toAccessTokenObject(row, now)),
      };
    },
  );

  app.post(
    '/v2/access-tokens/bulk-delete',
    {
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: 'Delete several personal access tokens at once, all or nothing (tokenhub extension)',
        body: Type.Object({
          uuids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 100 }),
        }),
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deletePersonalAccessTokens(ctx, accountOf(request), request.body.uuids, requestMeta(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v2/access-tokens/:uuid',
    {
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: 'Read one personal access token (never its secret)',
        params: uuidParam,
        response: { 200: accessTokenObject, ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const row = await getPersonalAccessToken(ctx, accountOf(request), request.params.uuid);
      return toAccessTokenObject(row, ctx.clock.now());
    },
  );

  app.patch(
    '/v2/access-tokens/:uuid',
    {
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: 'Rename, activate/deactivate, or change the level of a personal access token',
        description:
          'Changing `scopes` is a tokenhub extension (the Docker Hub console allows it). Expiry never changes.',
        params: uuidParam,
        body: Type.Object({
          token_label: Type.Optional(Type.String({ maxLength: 1000 })),
          is_active: Type.Optional(Type.Boolean()),
          scopes: Type.Optional(scopeList),
        }),
        response: { 200: accessTokenObject, ...errorReplies(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const row = await updatePersonalAccessToken(
        ctx,
        accountOf(request),
        request.params.uuid,
        { label: request.body.token_label, isActive: request.body.is_active, scopes: request.body.scopes },
        requestMeta(request),
      );
      return toAccessTokenObject(row, ctx.clock.now());
    },
  );

  app.delete(
    '/v2/access-tokens/:uuid',
    {
      preHandler: passwordOnly,
      schema: {
        tags,
        security,
        summary: 'Delete a personal access token',
        params: uuidParam,
        response: { 204: Type.Null(), ...errorReplies(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await deletePersonalAccessTokens(ctx, accountOf(request), [request.params.uuid], requestMeta(request));
      return reply.status(204).send(null);
    },
  );
}

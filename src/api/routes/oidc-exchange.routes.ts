/**
 * The exchange (docs/oidc.md): `POST /v2/oidc/token {connection_id, id_token}` answers a
 * short-lived `thub_oidc_…` token for a CI job's identity token, or 401 with the reason the
 * connection's failure log also records. Refused attempts count as failed sign-ins of the
 * client's address (`TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP`); once over the limit, attempts get
 * 429 before any check.
 */
import { AppError } from '../../core/errors.ts';
import type { App, RouteDeps } from '../app.ts';
import { errorReplies } from '../contract/common.contract.ts';
import { type OidcExchangeObject, oidcExchangeBody, oidcExchangeObject } from '../contract/oidc.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { buckets, limitFailures } from '../throttle.ts';

export async function oidcExchangeRoutes(app: App, { ctx, oidc, rateLimiter }: RouteDeps): Promise<void> {
  const isRefusal = (error: unknown) => error instanceof AppError && error.code === 'OIDC_TOKEN_REFUSED';

  app.post(
    '/v2/oidc/token',
    {
      schema: {
        tags: ['oidc connections'],
        summary: "Exchange a CI job's identity token for a short-lived token (no credentials needed)",
        body: oidcExchangeBody,
        response: { 200: oidcExchangeObject, ...errorReplies(400, 401, 429) },
      },
    },
    async (request, reply): Promise<OidcExchangeObject> => {
      const { connection_id: connectionId, id_token: idToken } = request.body;
      const counter = {
        bucket: buckets.loginIp,
        key: `ip:${request.ip}`,
        rule: ctx.config.rateLimits.loginFailuresPerIp,
      };
      const { secret, grant, username } = await limitFailures(
        rateLimiter,
        reply,
        [counter],
        () => oidc.exchange(connectionId, idToken, requestMeta(request)),
        { isFailure: isRefusal, message: 'too many refused identity tokens from this address' },
      );
      return {
        token: secret.reveal(),
        username,
        expires_in: Math.round((Date.parse(grant.expiresAt) - Date.parse(grant.createdAt)) / 1000),
        expires_at: grant.expiresAt,
        connection_id: grant.connectionId,
        subject: grant.subject,
        resources: grant.resources,
      };
    },
  );
}

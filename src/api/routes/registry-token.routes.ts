/**
 * The registry token endpoint over HTTP (PROTOCOLS.md §2): `GET /token` (docker, skopeo, podman)
 * and the OAuth form `POST /token` (containerd), plus the certificate bundle for the registry's
 * `rootcertbundle`. The protocol's steps live in registry/token-endpoint.ts; this file reads the
 * Basic header and the form, applies the sign-in limits, and writes the answer.
 *
 * Errors use the registry body `{details, errors}` (docker prints `details`, skopeo `errors`).
 */
import { AppError } from '../../core/errors.ts';
import { formatScope } from '../../registry/scope.ts';
import { certificateBundle, listPublishedRegistryKeys } from '../../registry/signing-keys.service.ts';
import type { Authenticated } from '../../services/sign-in/credentials.service.ts';
import type { App, RouteDeps } from '../app.ts';
import {
  registryErrors,
  registryOauthBody,
  registryOauthObject,
  registryTokenObject,
  registryTokenQuery,
} from '../contract/registry-token.contract.ts';
import { requestMeta } from '../request-meta.ts';
import { decodeUtf8, parseFormStrictly, textProblem } from '../text-input.ts';

/** Reads `Authorization: Basic`; absent means anonymous. */
function basicCredentials(header: string | undefined): { username: string; secret: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  const decoded = match?.[1] ? decodeUtf8(Buffer.from(match[1], 'base64'), 'authorization') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new AppError('REGISTRY_UNAUTHORIZED', 'malformed Basic credentials');
  const problem = textProblem(decoded);
  if (problem) throw new AppError('REGISTRY_BAD_REQUEST', `the Basic credentials ${problem}`);
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export async function registryTokenRoutes(
  app: App,
  { ctx, registryTokens: endpoint, throttles }: RouteDeps,
): Promise<void> {
  // The OAuth form; scopes arrive space-separated in one parameter.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      try {
        done(null, parseFormStrictly(String(body)));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  app.get(
    '/token',
    {
      config: { errorShape: 'registry' },
      schema: {
        tags: ['registry'],
        summary: 'Registry token (Docker Registry v2 token authentication), HTTP Basic or anonymous',
        querystring: registryTokenQuery,
        response: { 200: registryTokenObject, ...registryErrors },
      },
    },
    async (request, reply) => {
      endpoint.checkService(request.query.service);
      const basic = basicCredentials(request.headers.authorization);
      const { scopes, alsoRead } = endpoint.parseScopesAhead(request.query.scope ?? []);
      const who =
        basic &&
        (await throttles.loginAttempt(
          request,
          reply,
          { identifier: basic.username, secret: basic.secret },
          () => endpoint.authenticate(basic.username, basic.secret, requestMeta(request), alsoRead),
        ));
      await throttles.tokenPerPrincipal?.(reply, who?.principal);
      // Never a refresh_token from GET: docker would store it and later use the POST refresh grant.
      return endpoint.issue(who, scopes());
    },
  );

  app.post(
    '/token',
    {
      config: { errorShape: 'registry' },
      schema: {
        tags: ['registry'],
        summary: 'Registry token, OAuth2 form (password and refresh_token grants)',
        body: registryOauthBody,
        response: { 200: registryOauthObject, ...registryErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      endpoint.checkService(body.service);
      const meta = requestMeta(request);
      const { scopes: requestedScopes, alsoRead } = endpoint.parseScopesAhead(
        (body.scope ?? '').split(' ').filter(Boolean),
      );
      let who: Authenticated;
      if (body.grant_type === 'password') {
        if (!body.username || !body.password) {
          throw new AppError('REGISTRY_BAD_REQUEST', 'the password grant needs username and password');
        }
        const { username, password } = body;
        who = await throttles.loginAttempt(request, reply, { identifier: username, secret: password }, () =>
          endpoint.authenticate(username, password, meta, alsoRead),
        );
      } else {
        if (!body.refresh_token)
          throw new AppError('REGISTRY_BAD_REQUEST', 'the refresh grant needs refresh_token');
        who = await endpoint.redeemRefreshToken(body.refresh_token, meta);
      }
      await throttles.tokenPerPrincipal?.(reply, who.principal);
      const scopes = requestedScopes();
      const granted = await endpoint.issue(who, scopes);
      const offline = body.access_type === 'offline' && body.grant_type === 'password';
      const refreshToken = offline ? await endpoint.issueRefreshToken(who.principal) : undefined;
      return {
        ...granted,
        scope: scopes.map(formatScope).join(' '),
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
      };
    },
  );

  app.get(
    '/v2/registry/certs.pem',
    {
      schema: {
        tags: ['registry'],
        summary: 'Certificate bundle for the registry `auth.token.rootcertbundle`',
        produces: ['application/x-pem-file'],
      },
    },
    async (_request, reply) => {
      const pem = certificateBundle(await listPublishedRegistryKeys(ctx.db));
      return reply.type('application/x-pem-file').send(pem);
    },
  );
}

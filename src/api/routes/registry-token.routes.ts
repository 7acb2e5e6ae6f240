/**
 * The registry token endpoint (PROTOCOLS.md §2): `GET /token` (docker, skopeo, podman) and the
 * OAuth form `POST /token` (containerd), plus the certificate bundle for the registry's
 * `rootcertbundle`. Every request is a short list of steps:
 *
 *   check the service → authenticate (Basic, OAuth password or refresh grant, or anonymous)
 *   → parse the scopes → resolve the grant → sign
 *
 * Errors use the registry body `{details, errors}` (docker prints `details`, skopeo `errors`).
 */
import { Type } from 'typebox';
import { highestPatScope, type PatScope } from '../../core/access-token-scopes.ts';
import { AppError } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { OatResource } from '../../core/organization-rules.ts';
import {
  type AccessSubject,
  type RepositoryPath,
  splitRepositoryName,
} from '../../core/repository-access.ts';
import { resolveGrants } from '../../registry/grant.ts';
import { formatScope, parseScopes } from '../../registry/scope.ts';
import { certificateBundle, listPublishedRegistryKeys } from '../../registry/signing-keys.service.ts';
import type { RequestMeta } from '../../services/shared/context.ts';
import {
  type AuthenticatedCredential,
  authenticateCredentials,
  credentialOwner,
  SecondFactorRequired,
} from '../../services/sign-in/credentials.service.ts';
import type { App, RouteDeps } from '../app.ts';
import { requestMeta } from '../request-meta.ts';

const maxScopesPerRequest = 32;
const registryError = Type.Object({
  details: Type.String(),
  errors: Type.Array(Type.Object({ code: Type.String(), message: Type.String() })),
});
const registryErrors = { 400: registryError, 401: registryError, 429: registryError };
const tokenFields = {
  token: Type.String({ description: 'The registry JWT (same as access_token).' }),
  access_token: Type.String(),
  expires_in: Type.Integer({ description: 'Seconds.' }),
  issued_at: Type.String({ format: 'date-time' }),
};

/** Reads `Authorization: Basic`; absent means anonymous. */
function basicCredentials(header: string | undefined): { username: string; secret: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new AppError('REGISTRY_UNAUTHORIZED', 'malformed Basic credentials');
  return { username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function subjectOf(credential: AuthenticatedCredential | undefined): AccessSubject {
  if (!credential) return { kind: 'anonymous' };
  if (credential.method === 'oat') {
    return {
      kind: 'oat',
      orgName: credential.org.name,
      resources: JSON.parse(credential.token.scopes) as OatResource[],
    };
  }
  const { user } = credential;
  const patScope: PatScope | undefined =
    credential.method === 'pat' ? highestPatScope(JSON.parse(credential.token.scopes)) : undefined;
  return { kind: 'account', username: user.username, isAdmin: user.is_admin === 1, patScope };
}

/** The user recorded as creator of a repository that a push grant creates. */
function actorIdOf(credential: AuthenticatedCredential | undefined): string | null {
  if (!credential) return null;
  return credential.method === 'oat' ? credential.token.created_by : credential.user.id;
}

export async function registryTokenRoutes(
  app: App,
  { ctx, registrySigner, refreshTokens, throttles }: RouteDeps,
): Promise<void> {
  // The OAuth form; scopes arrive space-separated in one parameter.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  function checkService(service: string | undefined): void {
    if (service !== undefined && service !== ctx.config.registryService) {
      throw new AppError(
        'REGISTRY_SERVICE_UNKNOWN',
        `unknown service "${service.slice(0, 100)}": this token server serves "${ctx.config.registryService}"`,
      );
    }
  }

  function parseRequestedScopes(raws: readonly string[]) {
    if (raws.length > maxScopesPerRequest) {
      throw new AppError('REGISTRY_SCOPE_INVALID', `at most ${maxScopesPerRequest} scopes per request`);
    }
    return parseScopes(raws);
  }

  /**
   * The scopes parsed before the credential is checked, so that the first repository they name
   * can be read with the token (one round trip on PostgreSQL); a malformed scope is still reported
   * after bad credentials, by `scopes()`.
   */
  function parseScopesAhead(raws: readonly string[]) {
    try {
      const scopes = parseRequestedScopes(raws);
      const first = scopes.find((scope) => scope.type === 'repository');
      return { scopes: () => scopes, alsoRead: first && splitRepositoryName(first.name) };
    } catch (error) {
      return {
        scopes: (): never => {
          throw error;
        },
        alsoRead: undefined,
      };
    }
  }

  async function authenticate(
    username: string,
    secret: string,
    meta: RequestMeta,
    alsoRead?: RepositoryPath,
  ): Promise<AuthenticatedCredential> {
    try {
      return await authenticateCredentials(ctx, username, secret, meta, alsoRead && { alsoRead });
    } catch (error) {
      if (error instanceof SecondFactorRequired) {
        throw new AppError(
          'REGISTRY_UNAUTHORIZED',
          'two-factor authentication is enabled for this account: use a personal access token as the password',
        );
      }
      if (error instanceof AppError) {
        throw new AppError('REGISTRY_UNAUTHORIZED', error.message, { cause: error });
      }
      throw error;
    }
  }

  async function issue(
    credential: AuthenticatedCredential | undefined,
    scopes: ReturnType<typeof parseScopes>,
  ) {
    const access = await resolveGrants(ctx, {
      subject: subjectOf(credential),
      actorId: actorIdOf(credential),
      userId: credential && credential.method !== 'oat' ? credential.user.id : null,
      scopes,
      knownRepository: credential && credential.method !== 'password' ? credential.repository : undefined,
    });
    const now = ctx.clock.now();
    const iat = Math.floor(now.getTime() / 1000);
    const ttl = ctx.config.registryTokenTtlSeconds;
    // On the thread pool: the signature is the largest single cost of this route, and off the
    // event loop it overlaps the next requests' work (bench/README.md: +50 % in one process).
    const jwt = await registrySigner.current.signAsync({
      iss: ctx.config.registryIssuer,
      sub: credential ? credentialOwner(credential).name : '',
      aud: ctx.config.registryService,
      exp: iat + ttl,
      nbf: iat,
      iat,
      jti: newId(),
      access,
    });
    return { token: jwt, access_token: jwt, expires_in: ttl, issued_at: new Date(iat * 1000).toISOString() };
  }

  app.get(
    '/token',
    {
      config: { errorShape: 'registry' },
      schema: {
        tags: ['registry'],
        summary: 'Registry token (Docker Registry v2 token authentication), HTTP Basic or anonymous',
        querystring: Type.Object({
          service: Type.Optional(Type.String({ maxLength: 255 })),
          scope: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }))),
          account: Type.Optional(Type.String({ maxLength: 256 })),
          client_id: Type.Optional(Type.String({ maxLength: 256 })),
          offline_token: Type.Optional(Type.String({ maxLength: 16 })),
        }),
        response: { 200: Type.Object(tokenFields), ...registryErrors },
      },
    },
    async (request, reply) => {
      checkService(request.query.service);
      const basic = basicCredentials(request.headers.authorization);
      const { scopes, alsoRead } = parseScopesAhead(request.query.scope ?? []);
      const credential =
        basic &&
        (await throttles.loginAttempt(
          request,
          reply,
          { identifier: basic.username, secret: basic.secret },
          () => authenticate(basic.username, basic.secret, requestMeta(request), alsoRead),
        ));
      await throttles.tokenPerPrincipal?.(reply, credential);
      // Never a refresh_token from GET: docker would store it and later use the POST refresh grant.
      return issue(credential, scopes());
    },
  );

  app.post(
    '/token',
    {
      config: { errorShape: 'registry' },
      schema: {
        tags: ['registry'],
        summary: 'Registry token, OAuth2 form (password and refresh_token grants)',
        body: Type.Object({
          grant_type: Type.Union([Type.Literal('password'), Type.Literal('refresh_token')]),
          service: Type.Optional(Type.String({ maxLength: 255 })),
          client_id: Type.Optional(Type.String({ maxLength: 256 })),
          access_type: Type.Optional(Type.String({ maxLength: 16 })),
          scope: Type.Optional(Type.String({ maxLength: 8192 })),
          username: Type.Optional(Type.String({ maxLength: 256 })),
          password: Type.Optional(Type.String({ maxLength: 1024 })),
          refresh_token: Type.Optional(Type.String({ maxLength: 4096 })),
        }),
        response: {
          200: Type.Object({
            ...tokenFields,
            scope: Type.String(),
            refresh_token: Type.Optional(Type.String()),
          }),
          ...registryErrors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkService(body.service);
      const meta = requestMeta(request);
      const { scopes: requestedScopes, alsoRead } = parseScopesAhead(
        (body.scope ?? '').split(' ').filter(Boolean),
      );
      let credential: AuthenticatedCredential;
      if (body.grant_type === 'password') {
        if (!body.username || !body.password) {
          throw new AppError('REGISTRY_BAD_REQUEST', 'the password grant needs username and password');
        }
        const { username, password } = body;
        credential = await throttles.loginAttempt(
          request,
          reply,
          { identifier: username, secret: password },
          () => authenticate(username, password, meta, alsoRead),
        );
      } else {
        if (!body.refresh_token)
          throw new AppError('REGISTRY_BAD_REQUEST', 'the refresh grant needs refresh_token');
        credential = await refreshTokens.redeem(body.refresh_token, meta).catch((error: unknown) => {
          throw error instanceof AppError ? new AppError('REGISTRY_UNAUTHORIZED', error.message) : error;
        });
      }
      await throttles.tokenPerPrincipal?.(reply, credential);
      const scopes = requestedScopes();
      const granted = await issue(credential, scopes);
      const offline = body.access_type === 'offline' && body.grant_type === 'password';
      return {
        ...granted,
        scope: scopes.map(formatScope).join(' '),
        ...(offline ? { refresh_token: await refreshTokens.issue(credential) } : {}),
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

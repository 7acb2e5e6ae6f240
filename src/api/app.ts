/**
 * `buildApp(deps)` assembles the Fastify application and never listens (STYLE.md habit 10): tests
 * call `app.inject`, `serve` calls `app.listen`. The clock and the logger can be injected.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { type Clock, systemClock } from '../core/clock.ts';
import { RegistryRefreshTokens } from '../registry/refresh-tokens.service.ts';
import { RegistryReader } from '../registry/registry-reader.ts';
import { RegistrySigner } from '../registry/signing-keys.service.ts';
import { RegistryTokenEndpoint } from '../registry/token-endpoint.ts';
import { expiryNotices } from '../services/mail/expiry-notices.ts';
import { mailMaintenance } from '../services/mail/mail-maintenance.ts';
import { MailSender } from '../services/mail/mail-sender.ts';
import { createSmtpTransport } from '../services/mail/mail-transport.ts';
import { IssuerKeys } from '../services/oidc/issuer-keys.ts';
import { OidcExchange } from '../services/oidc/oidc-exchange.service.ts';
import { expiredOidcTokens } from '../services/oidc/oidc-maintenance.ts';
import type { WorkerChannel } from '../services/rate-limit/rate-limiter.cluster.ts';
import { createRateLimiter, type RateLimiter } from '../services/rate-limit/rate-limiter.ts';
import { staleRegistryEvents } from '../services/repositories/registry-notifications.service.ts';
import { createServiceContext, type ServiceContext } from '../services/shared/context.ts';
import {
  auditRetention,
  expiredLoginChallenges,
  type MaintenanceTask,
  startMaintenance,
} from '../services/shared/maintenance.ts';
import { sealStoredServerKeys } from '../services/shared/server-keys.ts';
import { forgetEndedAccountSessions } from '../services/sign-in/account-session.service.ts';
import { CredentialJwts } from '../services/sign-in/credential-jwt.ts';
import { HubSessions, loadHubSessionSecret } from '../services/sign-in/hub-session.service.ts';
import { forgottenSignInAddresses } from '../services/sign-in/known-addresses.ts';
import { expiredAutoTokens } from '../services/tokens/auto-token.service.ts';
import { unusedTokenExpiry } from '../services/tokens/unused-token-expiry.ts';
import { type Db, storeHealthOf } from '../storage/database.ts';
import { createGuard, type Guard } from './auth.ts';
import { registerJsonParsing } from './body-parsing.ts';
import type { MetricsChannel } from './cluster-metrics.ts';
import { ConsoleCsrf } from './console-session.ts';
import { replyWithError } from './error-reply.ts';
import { createIssuerDocumentFetch } from './issuer-document-fetch.ts';
import { createLogger } from './logger.ts';
import { registerMailMetrics } from './mail-metrics.ts';
import { registerMetrics } from './metrics.ts';
import { registerNoStore } from './no-store.ts';
import { accessTokenRoutes } from './routes/access-tokens.routes.ts';
import { accountProfileRoutes } from './routes/account-profiles.routes.ts';
import { accountSessionRoutes } from './routes/account-sessions.routes.ts';
import { auditLogRoutes } from './routes/audit-log.routes.ts';
import { companyRoutes } from './routes/companies.routes.ts';
import { companyViewRoutes } from './routes/company-views.routes.ts';
import { consoleSessionRoutes } from './routes/console-session.routes.ts';
import { deviceSignInRoutes } from './routes/device-sign-in.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { instanceRoutes } from './routes/instance.routes.ts';
import { legacyRepositoryRoutes } from './routes/legacy-repositories.routes.ts';
import { loginRoutes } from './routes/login.routes.ts';
import { mailAccountRoutes } from './routes/mail-account.routes.ts';
import { mailLinkRoutes } from './routes/mail-links.routes.ts';
import { oidcConnectionRoutes } from './routes/oidc-connections.routes.ts';
import { oidcExchangeRoutes } from './routes/oidc-exchange.routes.ts';
import { orgAccessTokenRoutes } from './routes/org-access-tokens.routes.ts';
import { orgGroupRoutes } from './routes/org-groups.routes.ts';
import { orgInviteRoutes } from './routes/org-invites.routes.ts';
import { orgMemberRoutes } from './routes/org-members.routes.ts';
import { orgSettingsRoutes } from './routes/org-settings.routes.ts';
import { orgTokenPolicyRoutes } from './routes/org-token-policy.routes.ts';
import { orgRoutes } from './routes/orgs.routes.ts';
import { recoveryCodeRoutes } from './routes/recovery-codes.routes.ts';
import { registryNotificationRoutes } from './routes/registry-notifications.routes.ts';
import { registryTokenRoutes } from './routes/registry-token.routes.ts';
import { repositoryRoutes } from './routes/repositories.routes.ts';
import { repositoryGroupRoutes } from './routes/repository-groups.routes.ts';
import { repositoryTagRoutes } from './routes/repository-tags.routes.ts';
import { twoFactorRoutes } from './routes/two-factor.routes.ts';
import { userRoutes } from './routes/users.routes.ts';
import { webConsoleRoutes } from './routes/web-console.routes.ts';
import { serverTimeouts } from './server-timeouts.ts';
import { registerTextInputChecks } from './text-input.ts';
import { createRouteThrottles, type RouteThrottles } from './throttle.ts';
import { validatorCompiler } from './validators.ts';

export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface AppDeps {
  config: Readonly<Config>;
  db: Db;
  clock?: Clock;
  /** A pino logger; defaults to one at `config.logLevel` on stdout. */
  logger?: Logger;
  /** Rate-limit counters; defaults to the backend the config names. An injected one is not closed. */
  rateLimiter?: RateLimiter;
  /**
   * In a cluster worker, its IPC channel to the primary (`process`): limits are counted by the
   * primary (unless Redis is configured) and `/metrics` answers for the whole node.
   */
  cluster?: ClusterChannel;
}

/** The worker's end of node:cluster's IPC channel, as the limiter and the metrics use it. */
export type ClusterChannel = WorkerChannel & MetricsChannel;

export interface RouteDeps {
  ctx: ServiceContext;
  guard: Guard;
  sessions: HubSessions;
  /** The registry token endpoint's protocol steps (registry/token-endpoint.ts). */
  registryTokens: RegistryTokenEndpoint;
  csrf: ConsoleCsrf;
  /** Counters for limits of your own (`enforceRateLimit`, `limitFailures` in throttle.ts). */
  rateLimiter: RateLimiter;
  /** The configured limits, ready to apply (docs/limits.md). */
  throttles: RouteThrottles;
  /** Identity tokens of CI jobs, checked against OIDC connections (docs/oidc.md). */
  oidc: OidcExchange;
  /** Reads tags from the registry; undefined without `TOKENHUB_REGISTRY_URL`. */
  registryReader: RegistryReader | undefined;
}

/** Housekeeping (audit retention, expired login and auto-generated tokens) runs hourly in each process. */
const maintenanceIntervalMs = 3_600_000;
export const maintenanceTasks: readonly MaintenanceTask[] = [
  auditRetention,
  expiredLoginChallenges,
  expiredAutoTokens,
  expiredOidcTokens,
  staleRegistryEvents,
  unusedTokenExpiry,
  mailMaintenance,
  expiryNotices,
  forgottenSignInAddresses,
  forgetEndedAccountSessions,
];

export { createLogger, logRedactPaths } from './logger.ts';

export async function buildApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger ?? createLogger(deps.config.logLevel);
  const app: App = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    ...serverTimeouts(deps.config.security),
    trustProxy: deps.config.trustProxy,
    // Repository names may be 255 characters; Fastify's default parameter limit is 100. Docker Hub
    // answers every route with or without a trailing slash, and Docker's clients send both.
    routerOptions: { maxParamLength: 300, ignoreTrailingSlash: true },
    // The router's own 400s (a URL that is not UTF-8) in the Hub body shape, like every error.
    frameworkErrors: (error, request, reply) => replyWithError(error, request, reply),
    // Per-request log lines only at debug: the token endpoint is a hot path.
    logController: new LogController({
      disableRequestLogging: deps.config.logLevel !== 'debug' && deps.config.logLevel !== 'trace',
    }),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  registerJsonParsing(app);
  registerNoStore(app);
  registerTextInputChecks(app);

  const ctx = createServiceContext({ db: deps.db, clock, config: deps.config, log });
  await sealStoredServerKeys(deps.db, ctx.secretKey(), log);
  const sessionSecret = await loadHubSessionSecret(deps.db, clock.now(), ctx.secretKey());
  const credentialJwts = new CredentialJwts(ctx, sessionSecret);
  const csrf = new ConsoleCsrf(sessionSecret);
  const sessions = new HubSessions(ctx, credentialJwts);
  const registrySigner = await RegistrySigner.open(
    deps.db,
    clock,
    deps.config.signingKeyRefreshSeconds * 1000,
    ctx.secretKey(),
  );
  const rateLimiter = deps.rateLimiter ?? (await createRateLimiter(deps.config, clock, log, deps.cluster));
  const oidc = new OidcExchange(
    ctx,
    new IssuerKeys(createIssuerDocumentFetch(deps.config.oidc), deps.config.oidc),
  );
  const routeDeps: RouteDeps = {
    ctx,
    guard: createGuard(sessions, deps.config.tokenPrefix, csrf),
    csrf,
    sessions,
    registryTokens: new RegistryTokenEndpoint(
      ctx,
      registrySigner,
      new RegistryRefreshTokens(ctx, credentialJwts),
      oidc,
    ),
    rateLimiter,
    throttles: createRouteThrottles(rateLimiter, ctx),
    oidc,
    registryReader: deps.config.registryUrl
      ? new RegistryReader(ctx, registrySigner, deps.config.registryUrl)
      : undefined,
  };

  app.decorate('services', ctx);
  app.decorate('registrySigner', registrySigner);
  app.decorate('rateLimiter', rateLimiter);
  app.setErrorHandler((error, request, reply) => replyWithError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ detail: `no route for ${request.method} ${request.url.split('?')[0]}`, message: 'not found' }),
  );
  const stopMaintenance = startMaintenance(ctx, maintenanceTasks, maintenanceIntervalMs);
  const smtp = createSmtpTransport(deps.config.mail);
  const mailSender = smtp && new MailSender(ctx, smtp, deps.config.mail.sendIntervalMs);
  mailSender?.start();
  app.decorate('mailSender', mailSender);
  app.addHook('onClose', async () => {
    stopMaintenance();
    await mailSender?.close();
    registrySigner.close();
    await ctx.lastUsed.close();
    if (!deps.rateLimiter) await rateLimiter.close();
  });

  // Before any route: hooks apply only to routes registered after them.
  const metrics = registerMetrics(app, { rateLimiter, store: storeHealthOf(deps.db), cluster: deps.cluster });
  if (mailSender) registerMailMetrics(metrics, mailSender.counts);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'tokenhub API',
        version: '0.1.0',
        description: 'Docker Hub compatible access-token API and registry token service.',
      },
      servers: [{ url: deps.config.publicUrl }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });

  await app.register(async (scope) => healthRoutes(scope as App, routeDeps));
  await app.register(async (scope) => loginRoutes(scope as App, routeDeps));
  await app.register(async (scope) => userRoutes(scope as App, routeDeps));
  await app.register(async (scope) => accountProfileRoutes(scope as App, routeDeps));
  await app.register(async (scope) => accessTokenRoutes(scope as App, routeDeps));
  await app.register(async (scope) => twoFactorRoutes(scope as App, routeDeps));
  await app.register(async (scope) => consoleSessionRoutes(scope as App, routeDeps));
  await app.register(async (scope) => repositoryRoutes(scope as App, routeDeps));
  await app.register(async (scope) => legacyRepositoryRoutes(scope as App, routeDeps));
  await app.register(async (scope) => repositoryTagRoutes(scope as App, routeDeps));
  await app.register(async (scope) => registryTokenRoutes(scope as App, routeDeps));
  await app.register(async (scope) => registryNotificationRoutes(scope as App, routeDeps));
  await app.register(async (scope) => orgRoutes(scope as App, routeDeps));
  await app.register(async (scope) => orgAccessTokenRoutes(scope as App, routeDeps));
  await app.register(async (scope) => orgTokenPolicyRoutes(scope as App, routeDeps));
  await app.register(async (scope) => orgMemberRoutes(scope as App, routeDeps));
  await app.register(async (scope) => orgGroupRoutes(scope as App, routeDeps));
  await app.register(async (scope) => repositoryGroupRoutes(scope as App, routeDeps));
  await app.register(async (scope) => orgInviteRoutes(scope as App, routeDeps));
  await app.register(async (scope) => orgSettingsRoutes(scope as App, routeDeps));
  await app.register(async (scope) => auditLogRoutes(scope as App, routeDeps));
  await app.register(async (scope) => deviceSignInRoutes(scope as App, routeDeps));
  await app.register(async (scope) => oidcConnectionRoutes(scope as App, routeDeps));
  await app.register(async (scope) => oidcExchangeRoutes(scope as App, routeDeps));
  await app.register(async (scope) => companyRoutes(scope as App, routeDeps));
  await app.register(async (scope) => companyViewRoutes(scope as App, routeDeps));
  await app.register(async (scope) => mailAccountRoutes(scope as App, routeDeps));
  await app.register(async (scope) => mailLinkRoutes(scope as App, routeDeps));
  await app.register(async (scope) => recoveryCodeRoutes(scope as App, routeDeps));
  await app.register(async (scope) => instanceRoutes(scope as App, routeDeps));
  await app.register(async (scope) => accountSessionRoutes(scope as App, routeDeps));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Last: the console's SPA fallback answers GET paths no other route claims (never API prefixes).
  await app.register(async (scope) => webConsoleRoutes(scope as App, routeDeps));
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: ServiceContext;
    /** The registry signer; `refresh()` picks up a key activated elsewhere at once. */
    registrySigner: RegistrySigner;
    /** Rate-limit counters (memory or Redis, docs/limits.md). */
    rateLimiter: RateLimiter;
    /** The outbox sender; undefined without `TOKENHUB_SMTP_URL`. */
    mailSender: MailSender | undefined;
  }
}

/**
 * How routes apply fair-use limits (docs/limits.md). Every throttled reply carries
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (the Unix time, in seconds,
 * when the window ends, as Docker Hub documents it) for the tightest limit that applied; a refusal
 * adds `Retry-After` (seconds to wait) and throws
 * `RATE_LIMITED`, which the error catalogue renders as 429 in the route's body shape
 * (PROTOCOLS.md §1; `{details, errors}` at the registry's `/token`).
 *
 * Two helpers cover every kind of limit:
 * - `enforceRateLimit`: every call counts (PAT creation, `/token` per principal, polling).
 * - `limitFailures`: only failed attempts count (sign-in, 2FA codes); once over the limit, attempts
 *   are refused before the check runs, right answer or not.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateRule } from '../config.ts';
import { normalizeUsername } from '../core/account-rules.ts';
import { AppError } from '../core/errors.ts';
import { looksLikeTokenSecret } from '../core/token-secret.ts';
import { looksLikeJwt } from '../services/oidc/id-token-check.ts';
import {
  type CounterOutcome,
  countFailuresAfter,
  type FailureCounter,
  FailureLimitReached,
  limitFailures as limitFailuresInService,
} from '../services/rate-limit/failure-limits.ts';
import type { MaybePromise, RateLimiter, RateLimitResult } from '../services/rate-limit/rate-limiter.ts';
import type { ServiceContext } from '../services/shared/context.ts';
import { rememberAddress, rememberAddressOfUser } from '../services/sign-in/known-addresses.ts';
import {
  addressCounter,
  addressKey,
  passwordFailureCounters,
  secondFactorFailureCounters,
  signInBuckets,
} from '../services/sign-in/sign-in-counters.ts';
import { type Principal, principalKey } from '../services/sign-in/who-asks.ts';

/** One counter a request is checked against; `rule: undefined` (a disabled setting) is skipped. */
export type LimitCounter = FailureCounter;

/** Errors that mean "wrong credentials": the attempts `limitFailures` counts by default. */
const credentialFailureCodes: ReadonlySet<string> = new Set([
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'TOKEN_INACTIVE',
  'OIDC_TOKEN_REFUSED',
]);

/** True for a wrong password or token, also when wrapped (the registry's `REGISTRY_UNAUTHORIZED`). */
export function isCredentialFailure(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  if (credentialFailureCodes.has(error.code)) return true;
  return error.cause instanceof AppError && credentialFailureCodes.has(error.cause.code);
}

/** The Unix time (seconds) a result's window ends: windows are aligned to the epoch. */
function resetAt(result: RateLimitResult, rule: RateRule): number {
  return (result.window + 1) * rule.windowSeconds;
}

/**
 * Sets the X-RateLimit-* headers unless a tighter limit (fewer remaining) already set them.
 * `remaining` overrides the result's (after a reservation was given back).
 */
export function setRateLimitHeaders(
  reply: FastifyReply,
  result: RateLimitResult,
  rule: RateRule,
  remaining = result.remaining,
) {
  const current = reply.getHeader('x-ratelimit-remaining');
  if (current !== undefined && Number(current) < remaining) return;
  reply.header('x-ratelimit-limit', result.limit);
  reply.header('x-ratelimit-remaining', remaining);
  reply.header('x-ratelimit-reset', resetAt(result, rule));
}

/** The 429 headers of a refusal (`Retry-After` and the refusing limit's numbers). */
function setRefusalHeaders(reply: FastifyReply, result: RateLimitResult, rule: RateRule): void {
  reply.header('x-ratelimit-limit', result.limit);
  reply.header('x-ratelimit-remaining', 0);
  reply.header('x-ratelimit-reset', resetAt(result, rule));
  reply.header('retry-after', result.resetSeconds);
}

function refuse(
  reply: FastifyReply,
  result: RateLimitResult,
  rule: RateRule,
  message: string | undefined,
): never {
  setRefusalHeaders(reply, result, rule);
  throw new AppError(
    'RATE_LIMITED',
    `${message ?? 'too many requests'}; try again in ${result.resetSeconds} seconds`,
  );
}

/**
 * Counts this request against `bucket`/`key`: sets the headers, or refuses with 429 once over the
 * limit. Synchronous with the memory backend (one map operation); does nothing when `rule` is
 * undefined. Call it before the work it protects.
 *
 * @example await enforceRateLimit(rateLimiter, reply, 'device-code-poll', `device:${code}`, { limit: 12, windowSeconds: 60 });
 * @throws AppError RATE_LIMITED (status 429).
 */
export function enforceRateLimit(
  limiter: RateLimiter,
  reply: FastifyReply,
  bucket: string,
  key: string,
  rule: RateRule | undefined,
  message?: string,
): MaybePromise<void> {
  if (rule === undefined) return;
  const apply = (result: RateLimitResult): void => {
    if (!result.allowed) refuse(reply, result, rule, message);
    setRateLimitHeaders(reply, result, rule);
  };
  const result = limiter.hit(bucket, key, rule);
  return result instanceof Promise ? result.then(apply) : apply(result);
}

type HeaderOptions = { isFailure?: (error: unknown) => boolean; message?: string };

/** The service's failure-limit options, writing the headers of `reply`. */
function withHeaders(reply: FastifyReply, options: HeaderOptions) {
  return {
    isFailure: options.isFailure ?? isCredentialFailure,
    message: options.message ?? 'too many failed attempts',
    settled: (outcomes: CounterOutcome[]) => {
      for (const { counter, result, remaining } of outcomes)
        if (!counter.shared) setRateLimitHeaders(reply, result, counter.rule, remaining);
    },
  };
}

/** Writes the 429 headers when `error` is a refusal by a failure limit; rethrows it. */
function refusalWithHeaders(reply: FastifyReply, error: unknown): never {
  if (error instanceof FailureLimitReached) setRefusalHeaders(reply, error.result, error.rule);
  throw error;
}

/**
 * Runs `attempt` (a credential check) and counts it against every counter only when it fails
 * (services/rate-limit/failure-limits.ts): reservations first, in order, so at most `limit` checks
 * run per window; while a counter is over its limit the attempt is refused with 429 without running.
 * Headers describe the tightest counter that is not `shared`.
 *
 * @example const user = await limitFailures(rateLimiter, reply, [{ bucket: 'login-2fa', key: `user:${id}`, rule }], () => verifyCode(user, code), { isFailure: (e) => e instanceof AppError && e.code === 'TWO_FACTOR_CODE_INVALID' });
 * @throws AppError RATE_LIMITED (status 429), or whatever `attempt` throws.
 */
export function limitFailures<T>(
  limiter: RateLimiter,
  reply: FastifyReply,
  counters: readonly LimitCounter[],
  attempt: () => Promise<T>,
  options: HeaderOptions = {},
): Promise<T> {
  return limitFailuresInService(limiter, counters, attempt, withHeaders(reply, options)).catch((error) =>
    refusalWithHeaders(reply, error),
  );
}

/** The prebuilt limits of the Hub and registry routes, from the settings. */
export interface RouteThrottles {
  /** `POST /v2/access-tokens`: every creation attempt of the account. */
  patCreate(reply: FastifyReply, userId: string): MaybePromise<void>;
  /**
   * Wraps a sign-in check (docs/limits.md). A password counts per client address, per account and
   * address, and per account only from addresses that never signed in to it; an access token or an
   * identity token counts per address only, and only once checked and refused: a valid one is
   * never refused. A full sign-in remembers the address for the account.
   */
  loginAttempt<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    credentials: { identifier: string; secret: string },
    attempt: () => Promise<T>,
  ): Promise<T>;
  /**
   * Wraps the check of an unguessable secret that is not a sign-in by name (a CLI session's refresh
   * token at `POST /v2/auth/refresh`): refused ones count per client address with the access
   * tokens' failures; a valid one is never refused.
   */
  secretAttempt<T>(request: FastifyRequest, reply: FastifyReply, attempt: () => Promise<T>): Promise<T>;
  /** `POST /oauth/device/code`: every device sign-in started from the client's address. */
  deviceCodeStart(request: FastifyRequest, reply: FastifyReply): MaybePromise<void>;
  /** `POST /v2/users`: every sign-up from the client's address. */
  signUp(request: FastifyRequest, reply: FastifyReply): MaybePromise<void>;
  /**
   * Wraps a second-step check: wrong two-factor codes per account and address, and per account from
   * addresses that never signed in to it.
   */
  twoFactorAttempt<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    attempt: () => Promise<T>,
  ): Promise<T>;
  /**
   * `/token` per principal (anonymous requests are not counted). `undefined` when disabled, so the
   * hot path skips it without a call: `await throttles.tokenPerPrincipal?.(reply, principal)`.
   */
  tokenPerPrincipal:
    | ((reply: FastifyReply, principal: Principal | undefined) => MaybePromise<void>)
    | undefined;
}

/** Bucket names; a Redis key is `tokenhub:rl:<bucket>:…`. */
export const buckets = {
  ...signInBuckets,
  patCreate: 'pat-create',
  tokenPrincipal: 'token-principal',
  deviceCode: 'device-code-ip',
  signUp: 'sign-up-ip',
} as const;

/** A sign-in that went all the way (not one waiting for its second step). */
const signedIn = (result: unknown) =>
  !(typeof result === 'object' && result !== null && 'loginToken' in result);

export function createRouteThrottles(limiter: RateLimiter, ctx: ServiceContext): RouteThrottles {
  const { rateLimits: limits, tokenPrefix } = ctx.config;
  const perPrincipal = limits.tokenPerPrincipal;
  const ipKey = (request: FastifyRequest) => addressKey(ctx, request.ip);
  const signInOptions = (reply: FastifyReply) =>
    withHeaders(reply, { message: 'too many failed sign-in attempts' });
  const secretAttempt = <T>(request: FastifyRequest, reply: FastifyReply, attempt: () => Promise<T>) =>
    countFailuresAfter(limiter, [addressCounter(ctx, request.ip)], attempt, {
      ...signInOptions(reply),
      isFailure: (error: unknown) =>
        isCredentialFailure(error) || (error instanceof AppError && error.code === 'SESSION_INVALID'),
    }).catch((error) => refusalWithHeaders(reply, error));

  return {
    patCreate: (reply, userId) =>
      enforceRateLimit(
        limiter,
        reply,
        buckets.patCreate,
        `user:${userId}`,
        limits.patCreate,
        'too many access tokens created',
      ),
    async loginAttempt(request, reply, { identifier, secret }, attempt) {
      if (looksLikeTokenSecret(tokenPrefix, secret) || looksLikeJwt(secret)) {
        return secretAttempt(request, reply, attempt);
      }
      const name = normalizeUsername(identifier);
      const counters = await passwordFailureCounters(ctx, name, request.ip);
      const result = await limitFailuresInService(limiter, counters, attempt, signInOptions(reply)).catch(
        (error) => refusalWithHeaders(reply, error),
      );
      if (signedIn(result) && counters.some((c) => c.shared)) await rememberAddress(ctx, name, request.ip);
      return result;
    },
    secretAttempt,
    deviceCodeStart: (request, reply) =>
      enforceRateLimit(
        limiter,
        reply,
        buckets.deviceCode,
        ipKey(request),
        limits.deviceCodesPerIp,
        'too many device sign-ins started from this address',
      ),
    signUp: (request, reply) =>
      enforceRateLimit(
        limiter,
        reply,
        buckets.signUp,
        ipKey(request),
        limits.signupsPerIp,
        'too many sign-ups from this address',
      ),
    async twoFactorAttempt(request, reply, userId, attempt) {
      const counters = await secondFactorFailureCounters(ctx, userId, request.ip);
      const known = !counters.some((c) => c.shared);
      const result = await limitFailures(limiter, reply, counters, attempt, {
        message: 'too many wrong two-factor codes',
        isFailure: (error) => error instanceof AppError && error.code === 'TWO_FACTOR_CODE_INVALID',
      });
      if (!known) await rememberAddressOfUser(ctx, userId, request.ip);
      return result;
    },
    tokenPerPrincipal:
      perPrincipal &&
      ((reply, principal) =>
        principal &&
        enforceRateLimit(
          limiter,
          reply,
          buckets.tokenPrincipal,
          principalKey(principal),
          perPrincipal,
          'too many token requests',
        )),
  };
}

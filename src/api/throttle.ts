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
import type { RateLimits, RateRule } from '../config.ts';
import { normalizeUsername } from '../core/account-rules.ts';
import { AppError } from '../core/errors.ts';
import { looksLikeTokenSecret, parseTokenSecret } from '../core/token-secret.ts';
import { looksLikeJwt } from '../services/oidc/id-token-check.ts';
import type { MaybePromise, RateLimiter, RateLimitResult } from '../services/rate-limit/rate-limiter.ts';
import { type Principal, principalKey } from '../services/sign-in/who-asks.ts';

/** One counter a request is checked against; `rule: undefined` (a disabled setting) is skipped. */
export interface LimitCounter {
  bucket: string;
  key: string;
  rule: RateRule | undefined;
}

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

function refuse(
  reply: FastifyReply,
  result: RateLimitResult,
  rule: RateRule,
  message: string | undefined,
): never {
  reply.header('x-ratelimit-limit', result.limit);
  reply.header('x-ratelimit-remaining', 0);
  reply.header('x-ratelimit-reset', resetAt(result, rule));
  reply.header('retry-after', result.resetSeconds);
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

/**
 * Runs `attempt` (a credential check) and counts it against every counter only when it fails.
 *
 * Each attempt first reserves a hit in every counter (so N concurrent attempts can never run more
 * than `limit` checks), then gives the reservation back unless `isFailure(error)`; while any counter
 * is over its limit the attempt is refused with 429 without running. Giving back costs no latency
 * (not awaited).
 *
 * @example const user = await limitFailures(rateLimiter, reply, [{ bucket: 'login-2fa', key: `user:${id}`, rule }], () => verifyCode(user, code), { isFailure: (e) => e instanceof AppError && e.code === 'TWO_FACTOR_INVALID' });
 * @throws AppError RATE_LIMITED (status 429), or whatever `attempt` throws.
 */
export async function limitFailures<T>(
  limiter: RateLimiter,
  reply: FastifyReply,
  counters: readonly LimitCounter[],
  attempt: () => Promise<T>,
  options: { isFailure?: (error: unknown) => boolean; message?: string } = {},
): Promise<T> {
  const active = counters.filter((c): c is LimitCounter & { rule: RateRule } => c.rule !== undefined);
  if (active.length === 0) return attempt();
  const hits = await Promise.all(active.map((c) => limiter.hit(c.bucket, c.key, c.rule)));
  const giveBack = (only: (result: RateLimitResult) => boolean) =>
    active.forEach((c, i) => {
      const result = hits[i];
      if (result && only(result)) void limiter.undo(c.bucket, c.key, c.rule, result.window);
    });
  const refusedAt = hits.findIndex((result) => !result.allowed);
  const refused = hits[refusedAt];
  const refusedBy = active[refusedAt];
  if (refused && refusedBy) {
    giveBack((result) => result.allowed);
    refuse(reply, refused, refusedBy.rule, options.message ?? 'too many failed attempts');
  }
  let failed = false;
  try {
    return await attempt();
  } catch (error) {
    failed = (options.isFailure ?? isCredentialFailure)(error);
    throw error;
  } finally {
    if (!failed) giveBack(() => true);
    hits.forEach((result, i) => {
      const counter = active[i];
      if (counter)
        setRateLimitHeaders(reply, result, counter.rule, failed ? result.remaining : result.remaining + 1);
    });
  }
}

/** The prebuilt limits of the Hub and registry routes, from the settings. */
export interface RouteThrottles {
  /** `POST /v2/access-tokens`: every creation attempt of the account. */
  patCreate(reply: FastifyReply, userId: string): MaybePromise<void>;
  /**
   * Wraps a sign-in check: failed attempts per account name and per client address. When the secret
   * is an access token of this instance, only the address counts: a token cannot be guessed, and
   * counting it per account would let anyone lock an account's CI out with wrong passwords.
   */
  loginAttempt<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    credentials: { identifier: string; secret: string },
    attempt: () => Promise<T>,
  ): Promise<T>;
  /** `POST /oauth/device/code`: every device sign-in started from the client's address. */
  deviceCodeStart(request: FastifyRequest, reply: FastifyReply): MaybePromise<void>;
  /** Wraps a second-step check: wrong two-factor codes per account. */
  twoFactorAttempt<T>(reply: FastifyReply, userId: string, attempt: () => Promise<T>): Promise<T>;
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
  patCreate: 'pat-create',
  loginAccount: 'login-fail-account',
  loginIp: 'login-fail-ip',
  tokenPrincipal: 'token-principal',
  twoFactor: 'two-factor-fail-account',
  deviceCode: 'device-code-ip',
} as const;

/**
 * Which failure counters a sign-in attempt takes. A well-formed token of this instance (checksum
 * valid) takes none: it cannot be guessed (~190 bits), and counting it would let a burst of honest CI
 * jobs behind one address, or anyone's wrong passwords, lock the tokens out. A malformed token, and
 * a secret shaped like a JWT (a CI identity token, docs/oidc.md), count per address only, so that
 * nobody can lock an organization's CI out by sending bad identity tokens in its name; a password
 * counts per account and per address.
 */
function loginCountersFor(
  tokenPrefix: string,
  limits: RateLimits,
): (request: FastifyRequest, identifier: string, secret: string) => LimitCounter[] {
  return (request, identifier, secret) => {
    if (parseTokenSecret(tokenPrefix, secret)) return [];
    const perIp = { bucket: buckets.loginIp, key: `ip:${request.ip}`, rule: limits.loginFailuresPerIp };
    if (looksLikeTokenSecret(tokenPrefix, secret) || looksLikeJwt(secret)) return [perIp];
    const perAccount = {
      bucket: buckets.loginAccount,
      key: `account:${normalizeUsername(identifier)}`,
      rule: limits.loginFailuresPerAccount,
    };
    return [perAccount, perIp];
  };
}

export function createRouteThrottles(
  limiter: RateLimiter,
  limits: RateLimits,
  tokenPrefix: string,
): RouteThrottles {
  const loginCounters = loginCountersFor(tokenPrefix, limits);
  const perPrincipal = limits.tokenPerPrincipal;
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
    loginAttempt: (request, reply, { identifier, secret }, attempt) =>
      limitFailures(limiter, reply, loginCounters(request, identifier, secret), attempt, {
        message: 'too many failed sign-in attempts',
      }),
    deviceCodeStart: (request, reply) =>
      enforceRateLimit(
        limiter,
        reply,
        buckets.deviceCode,
        `ip:${request.ip}`,
        limits.deviceCodesPerIp,
        'too many device sign-ins started from this address',
      ),
    twoFactorAttempt: (reply, userId, attempt) =>
      limitFailures(
        limiter,
        reply,
        [{ bucket: buckets.twoFactor, key: `user:${userId}`, rule: limits.twoFactorFailures }],
        attempt,
        {
          message: 'too many wrong two-factor codes',
          isFailure: (error) => error instanceof AppError && error.code === 'TWO_FACTOR_CODE_INVALID',
        },
      ),
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

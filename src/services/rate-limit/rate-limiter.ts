/**
 * Fair-use throttling counters: a fixed-window limiter behind one narrow interface, with three
 * backends (ARCHITECTURE.md "Scale-out"): in-process (`rate-limiter.memory.ts`, one process),
 * the cluster primary's (`rate-limiter.cluster.ts`, every worker of a node, no extra server) and
 * Redis (`rate-limiter.redis.ts`, every process of every node).
 *
 * Windows are aligned to the epoch (`floor(now / window)`), computed from the injected clock, so
 * every process and both backends agree on which window a hit falls in and tests move time instead
 * of sleeping. A burst can straddle a boundary: at most `2 × limit` hits in any `window` seconds.
 *
 * Throttling must never take the registry down: a backend that cannot count fails open (allows,
 * logs a warning once, counts it) instead of refusing, and quickly (fail-open.ts).
 */
import type { Logger } from 'pino';
import type { Config, RateRule } from '../../config.ts';

import type { Clock } from '../../core/clock.ts';
import { ClusterRateLimiter, type WorkerChannel } from './rate-limiter.cluster.ts';
import { MemoryRateLimiter } from './rate-limiter.memory.ts';
import { RedisRateLimiter } from './rate-limiter.redis.ts';

export interface RateLimitResult {
  /** Whether this hit is within the limit (hits beyond it are still counted). */
  allowed: boolean;
  limit: number;
  /** Hits counted in this window, this one included (0 when the store could not count it). */
  count: number;
  /** Hits left in this window after this one, never below 0. */
  remaining: number;
  /** Whole seconds until the window ends (at least 1): `Retry-After` and `X-RateLimit-Reset`. */
  resetSeconds: number;
  /** The window this hit counted in; pass it to `undo`. */
  window: number;
}

export type MaybePromise<T> = T | Promise<T>;

/**
 * Counters per `(bucket, key)`. `bucket` names the throttle (a constant such as `pat-create`),
 * `key` the subject (`user:<id>`, `ip:<address>`).
 *
 * Both methods are atomic per key: of N concurrent hits with limit L, exactly min(N, L) are allowed.
 * The memory backend answers synchronously (the hot path pays one map operation, no promise);
 * callers that do not care simply `await` the result.
 */
export interface RateLimiter {
  readonly backend: 'memory' | 'cluster' | 'redis';
  /** Hits let through uncounted because the counter store failed or was slow (always 0 in memory). */
  readonly failOpenTotal: number;
  /** Counts one hit and says whether it is within the limit. */
  hit(bucket: string, key: string, rule: RateRule): MaybePromise<RateLimitResult>;
  /**
   * Takes back one hit of `window` (a reservation that turned out not to count). A window that has
   * already ended, or a counter already at 0, is left alone; a counter back at 0 is dropped, so
   * attempts that did not count leave no counter behind. Never throws.
   */
  undo(bucket: string, key: string, rule: RateRule, window: number): MaybePromise<void>;
  close(): Promise<void>;
}

/**
 * The limiter the settings ask for: Redis when `TOKENHUB_REDIS_URL` is set; else, in a cluster
 * worker (`clusterChannel` given), the primary's counters; else in memory. Waits for the first
 * Redis connection (bounded); an unreachable Redis is logged and fails open.
 * @example const limiter = await createRateLimiter(config, systemClock, log);
 */
export async function createRateLimiter(
  config: Pick<Config, 'redisUrl' | 'rateLimitTimeoutMs'>,
  clock: Clock,
  log: Logger,
  clusterChannel?: WorkerChannel,
): Promise<RateLimiter> {
  const timeoutMs = config.rateLimitTimeoutMs;
  if (config.redisUrl !== undefined)
    return RedisRateLimiter.connect({ url: config.redisUrl, clock, log, timeoutMs });
  if (clusterChannel) return new ClusterRateLimiter({ channel: clusterChannel, clock, log, timeoutMs });
  return new MemoryRateLimiter({ clock, log });
}

/**
 * Fixed-window counters in Redis, shared by every tokenhub process (`TOKENHUB_REDIS_URL`).
 *
 * One key per `(bucket, window, key)`: `tokenhub:rl:<bucket>:<window seconds>:<window>:<key>`. A hit
 * is one round trip to a Lua script (INCR, and EXPIRE on the first hit), so it is atomic across
 * processes. The window comes from the injected clock; the key's TTL (the rest of the window plus a
 * second) only cleans up.
 *
 * Fail open (fail-open.ts): commands are never queued while disconnected and a hit waits at most
 * `timeoutMs`; after 3 failures in a row Redis is skipped for a second at a time, so a frozen Redis
 * costs milliseconds, not a timeout per request. A hit that cannot be counted is allowed, counted
 * as failing open, and an outage is logged once. The client keeps reconnecting in the background.
 * A Redis that is full (`maxmemory` reached under `noeviction`, the policy docs/limits.md asks
 * for) answers OOM: that hit is refused, never let through, so filling Redis cannot reset a limit.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateRule } from '../../config.ts';
import { redactUrl } from '../../config.ts';
import type { Clock } from '../../core/clock.ts';
import { FailOpenGuard } from './fail-open.ts';
import { refusedResult, resultOf, uncountedResult, windowAt } from './rate-limit-window.ts';
import type { RateLimiter, RateLimitResult } from './rate-limiter.ts';

export const redisKeyPrefix = 'tokenhub:rl:';

/** KEYS[1] counter; ARGV[1] TTL in seconds. Returns the count including this hit. */
const hitScript = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** KEYS[1] counter. Decrements an existing positive counter, deletes it at 0; never creates one. */
const undoScript = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 1 then return redis.call('DECR', KEYS[1]) end
if n == 1 then redis.call('DEL', KEYS[1]) end
return 0`;

interface Script {
  lua: string;
  sha: string;
}

const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const scripts = { hit: script(hitScript), undo: script(undoScript) };

export interface RedisRateLimiterOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…`. */
  url: string;
  clock: Clock;
  log: Logger;
  /** How long a hit may wait for Redis before failing open (`TOKENHUB_RATE_LIMIT_TIMEOUT_MS`). */
  timeoutMs: number;
  /** How long the first connection may take (default 2000 ms); `connect` never waits longer. */
  connectTimeoutMs?: number;
}

export class RedisRateLimiter implements RateLimiter {
  readonly backend = 'redis';
  readonly #redis: Redis;
  readonly #clock: Clock;
  readonly guard: FailOpenGuard;

  get failOpenTotal(): number {
    return this.guard.failOpenTotal;
  }

  private constructor(redis: Redis, options: RedisRateLimiterOptions) {
    this.#redis = redis;
    this.#clock = options.clock;
    this.guard = new FailOpenGuard({
      store: `Redis ${redactUrl(options.url)}`,
      timeoutMs: options.timeoutMs,
      log: options.log,
    });
    redis.on('error', (error: Error) => this.guard.failed(error));
    redis.on('ready', () => this.guard.succeeded());
  }

  /**
   * Connects and waits for the first connection (at most `connectTimeoutMs`). When Redis is
   * unreachable the limiter is returned anyway: it fails open and keeps reconnecting.
   */
  static async connect(options: RedisRateLimiterOptions): Promise<RedisRateLimiter> {
    const redis = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: options.timeoutMs,
      connectTimeout: options.connectTimeoutMs ?? 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
      connectionName: 'tokenhub-rate-limiter',
    });
    const limiter = new RedisRateLimiter(redis, options);
    await redis.connect().catch((error: unknown) => limiter.guard.failed(error));
    return limiter;
  }

  hit(bucket: string, key: string, rule: RateRule): Promise<RateLimitResult> {
    const nowMs = this.#clock.now().getTime();
    const { window, resetSeconds } = windowAt(nowMs, rule.windowSeconds);
    return this.guard.run(
      async () => {
        try {
          const count = await this.#run(scripts.hit, redisKey(bucket, key, rule, window), resetSeconds + 1);
          return resultOf(rule, count, resetSeconds, window);
        } catch (error) {
          // A full Redis (`maxmemory` with `noeviction`) refuses the new counter: refuse the
          // request rather than let it through uncounted.
          if (error instanceof Error && error.message.startsWith('OOM')) return refusedResult(rule, nowMs);
          throw error;
        }
      },
      () => uncountedResult(rule, nowMs),
    );
  }

  undo(bucket: string, key: string, rule: RateRule, window: number): Promise<void> {
    return this.guard.fireAndForget(() => this.#run(scripts.undo, redisKey(bucket, key, rule, window)));
  }

  async close(): Promise<void> {
    if (this.#redis.status === 'ready') {
      await this.#redis.quit().catch(() => this.#redis.disconnect());
    } else {
      this.#redis.disconnect();
    }
  }

  /** EVALSHA, falling back to EVAL once when the server has not seen the script (NOSCRIPT). */
  async #run(s: Script, key: string, ...args: number[]): Promise<number> {
    try {
      return Number(await this.#redis.evalsha(s.sha, 1, key, ...args));
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return Number(await this.#redis.eval(s.lua, 1, key, ...args));
    }
  }
}

export function redisKey(bucket: string, key: string, rule: RateRule, window: number): string {
  return `${redisKeyPrefix}${bucket}:${rule.windowSeconds}:${window}:${key}`;
}

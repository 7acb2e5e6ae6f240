/**
 * Fixed-window counters in Redis, shared by every tokenhub process (`TOKENHUB_REDIS_URL`).
 *
 * One key per `(bucket, window, key)`: `tokenhub:rl:<bucket>:<window seconds>:<window>:<key>`. A hit
 * is one round trip to a Lua script (INCR, and EXPIRE on the first hit), so it is atomic across
 * processes. The window comes from the injected clock; the key's TTL (the rest of the window plus a
 * second) only cleans up.
 *
 * Fail open: commands are never queued while disconnected and time out after `commandTimeoutMs`; a
 * hit that cannot be counted is allowed and a warning is logged once per outage. The client keeps
 * reconnecting in the background.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateRule } from '../../config.ts';
import { redactUrl } from '../../config.ts';
import type { Clock } from '../../core/clock.ts';
import { resultOf, windowAt } from './rate-limit-window.ts';
import type { RateLimiter, RateLimitResult } from './rate-limiter.ts';

export const redisKeyPrefix = 'tokenhub:rl:';

/** KEYS[1] counter; ARGV[1] TTL in seconds. Returns the count including this hit. */
const hitScript = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** KEYS[1] counter. Decrements an existing positive counter; never creates one. */
const undoScript = `local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then return redis.call('DECR', KEYS[1]) end
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
  /** How long a hit may wait for Redis before failing open (default 500 ms). */
  commandTimeoutMs?: number;
  /** How long the first connection may take (default 2000 ms); `connect` never waits longer. */
  connectTimeoutMs?: number;
}

export class RedisRateLimiter implements RateLimiter {
  readonly backend = 'redis';
  readonly #redis: Redis;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #url: string;
  /** False from the first failure until a command succeeds again: one warning per outage. */
  #healthy = true;

  private constructor(redis: Redis, options: RedisRateLimiterOptions) {
    this.#redis = redis;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#url = redactUrl(options.url);
    redis.on('error', (error: Error) => this.#failed(error));
    redis.on('ready', () => {
      if (!this.#healthy) this.#log.info({ redis: this.#url }, 'rate limiter: Redis reachable again');
      this.#healthy = true;
    });
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
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: options.connectTimeoutMs ?? 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
      connectionName: 'tokenhub-rate-limiter',
    });
    const limiter = new RedisRateLimiter(redis, options);
    await redis.connect().catch((error: unknown) => limiter.#failed(error));
    return limiter;
  }

  async hit(bucket: string, key: string, rule: RateRule): Promise<RateLimitResult> {
    const { window, resetSeconds } = windowAt(this.#clock.now().getTime(), rule.windowSeconds);
    try {
      const count = await this.#run(scripts.hit, redisKey(bucket, key, rule, window), resetSeconds + 1);
      this.#healthy = true;
      return resultOf(rule, count, resetSeconds, window);
    } catch (error) {
      this.#failed(error);
      return { allowed: true, limit: rule.limit, remaining: rule.limit, resetSeconds, window };
    }
  }

  async undo(bucket: string, key: string, rule: RateRule, window: number): Promise<void> {
    try {
      await this.#run(scripts.undo, redisKey(bucket, key, rule, window));
    } catch (error) {
      this.#failed(error);
    }
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

  #failed(error: unknown): void {
    if (!this.#healthy) return;
    this.#healthy = false;
    this.#log.warn(
      { redis: this.#url, err: error },
      'rate limiter: Redis unreachable, throttling fails open (requests are allowed) until it is back',
    );
  }
}

export function redisKey(bucket: string, key: string, rule: RateRule, window: number): string {
  return `${redisKeyPrefix}${bucket}:${rule.windowSeconds}:${window}:${key}`;
}

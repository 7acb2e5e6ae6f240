/**
 * Flooding the limiter to make it forget (docs/limits.md, "Backends"): a full memory backend
 * refuses new keys instead of evicting counters, a counter at its limit stays until its window
 * ends, and a reservation given back leaves no counter behind (memory and Redis).
 */

import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/core/clock.ts';
import { MemoryRateLimiter } from '../../src/services/rate-limit/rate-limiter.memory.ts';
import { RedisRateLimiter } from '../../src/services/rate-limit/rate-limiter.redis.ts';

const rule = { limit: 3, windowSeconds: 900 };
const redisUrl = process.env.TOKENHUB_TEST_REDIS_URL;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('memory backend under a flood of distinct keys', () => {
  it('4: keeps the attacker’s and the victim’s counters and refuses new keys when full', () => {
    const clock = createManualClock('2026-03-01T12:00:00.000Z');
    const limiter = new MemoryRateLimiter({ clock, maxKeys: 50 });
    for (let i = 0; i < 3; i++) limiter.hit('login-fail-ip', 'ip:attacker', rule);
    for (let i = 0; i < 3; i++) limiter.hit('login-fail-account', 'account:victim', rule);
    const flood = Array.from({ length: 200 }, (_, i) =>
      limiter.hit('login-fail-account', `account:n${i}`, rule),
    );
    expect(flood.filter((r) => !r.allowed).length).toBeGreaterThanOrEqual(200 - 48);
    expect(limiter.size).toBeLessThanOrEqual(50);
    expect(limiter.hit('login-fail-ip', 'ip:attacker', rule).allowed).toBe(false);
    expect(limiter.hit('login-fail-account', 'account:victim', rule).allowed).toBe(false);
    // Windows end: the sweep makes room again.
    clock.advanceSeconds(901);
    expect(limiter.hit('login-fail-account', 'account:late', rule).allowed).toBe(true);
  });

  it('4: a reservation given back leaves no counter', () => {
    const limiter = new MemoryRateLimiter({ clock: createManualClock('2026-03-01T12:00:00.000Z') });
    const hit = limiter.hit('login-fail-account', 'account:someone', rule);
    limiter.undo('login-fail-account', 'account:someone', rule, hit.window);
    expect(limiter.size).toBe(0);
  });
});

describe.skipIf(!redisUrl)('Redis backend', () => {
  it('4: a reservation given back deletes the key', async () => {
    const clock = createManualClock('2026-03-01T12:00:00.000Z');
    const limiter = await RedisRateLimiter.connect({
      url: redisUrl ?? '',
      clock,
      log: pino({ level: 'silent' }),
      timeoutMs: 1000,
    });
    closers.push(() => limiter.close());
    const key = `account:undo-${process.pid}-${Date.now()}`;
    const hit = await limiter.hit('security-test', key, rule);
    await limiter.undo('security-test', key, rule, hit.window);
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl ?? '');
    closers.push(async () => void redis.disconnect());
    expect(await redis.keys(`tokenhub:rl:security-test:*:${key}`)).toEqual([]);
  });
});

/**
 * The rate-limiter contract, run against the memory backend, the cluster backend (a worker's
 * limiter asking a primary's over a channel that behaves like node:cluster's IPC) and, when
 * `TOKENHUB_TEST_REDIS_URL` is set, the Redis backend (otherwise the Redis half is SKIPPED,
 * loudly). Time is a manual clock: every backend derives the window from it, so nothing sleeps.
 */
import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/core/clock.ts';
import {
  answerRateLimitRequest,
  ClusterRateLimiter,
  type WorkerChannel,
} from '../../../src/services/rate-limit/rate-limiter.cluster.ts';
import { MemoryRateLimiter } from '../../../src/services/rate-limit/rate-limiter.memory.ts';
import { RedisRateLimiter, redisKey } from '../../../src/services/rate-limit/rate-limiter.redis.ts';
import type { RateLimiter } from '../../../src/services/rate-limit/rate-limiter.ts';
import { freePort } from '../../support/free-port.ts';

const redisUrl = process.env.TOKENHUB_TEST_REDIS_URL;
if (!redisUrl) {
  console.warn(
    '[rate limiter] Redis half SKIPPED: set TOKENHUB_TEST_REDIS_URL=redis://127.0.0.1:6379 to run it',
  );
}

function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

type ManualClock = ReturnType<typeof createManualClock>;
interface Backend {
  name: 'memory' | 'cluster' | 'redis';
  open(clock: ManualClock): Promise<RateLimiter>;
}

const timeoutMs = 100;

/**
 * A worker's end of an IPC channel to a primary that answers from `primary`, asynchronously like
 * the real one; `silent` makes the primary stop answering (a primary that hangs).
 */
function channelTo(primary: MemoryRateLimiter): WorkerChannel & { silent: boolean } {
  const listeners: Array<(message: unknown) => void> = [];
  const channel = {
    silent: false,
    send(message: unknown, callback: (error: Error | null) => void) {
      const copy = JSON.parse(JSON.stringify(message)) as unknown;
      setImmediate(() => {
        callback(null);
        const answer = channel.silent ? undefined : answerRateLimitRequest(primary, copy);
        if (!answer) return;
        setImmediate(() => {
          for (const listener of listeners) listener(JSON.parse(JSON.stringify(answer)));
        });
      });
    },
    on(_event: 'message', listener: (message: unknown) => void) {
      listeners.push(listener);
    },
  };
  return channel;
}

const backends: Backend[] = [
  { name: 'memory', open: async (clock) => new MemoryRateLimiter({ clock }) },
  {
    name: 'cluster',
    open: async (clock) =>
      new ClusterRateLimiter({
        channel: channelTo(new MemoryRateLimiter({ clock })),
        clock,
        log: undefined,
        timeoutMs,
      }),
  },
  ...(redisUrl
    ? [
        {
          name: 'redis' as const,
          open: (clock: ManualClock) =>
            RedisRateLimiter.connect({ url: redisUrl, clock, log: capturingLogger().log, timeoutMs }),
        },
      ]
    : []),
];

// Keys are per run: the Redis server outlives the suite and the manual clock starts at a fixed time.
const run = randomBytes(6).toString('hex');
let counter = 0;
const bucket = (name: string) => `test-${run}-${name}-${++counter}`;
const perMinute = (limit: number) => ({ limit, windowSeconds: 60 });

describe.each(backends)('rate limiter contract: $name', ({ name, open }) => {
  let clock: ManualClock;
  let limiter: RateLimiter;
  const opened: RateLimiter[] = [];

  beforeEach(async () => {
    // 30 s into a minute-aligned window.
    clock = createManualClock('2026-03-01T12:00:30.000Z');
    limiter = await open(clock);
    opened.push(limiter);
  });
  afterAll(async () => {
    await Promise.all(opened.map((l) => l.close()));
  });

  it(`is the ${name} backend`, () => {
    expect(limiter.backend).toBe(name);
  });

  it('allows `limit` hits per window, then refuses, counting down `remaining`', async () => {
    const b = bucket('limit');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.hit(b, 'user:1', perMinute(3)));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(results.every((r) => r.limit === 3 && r.resetSeconds === 30)).toBe(true);
  });

  it('starts again when the window ends, and reports whole seconds until then', async () => {
    const b = bucket('reset');
    await limiter.hit(b, 'k', perMinute(1));
    clock.advanceSeconds(29.2);
    const refused = await limiter.hit(b, 'k', perMinute(1));
    expect(refused).toMatchObject({ allowed: false, resetSeconds: 1 });
    clock.advanceSeconds(0.8);
    expect(await limiter.hit(b, 'k', perMinute(1))).toMatchObject({
      allowed: true,
      remaining: 0,
      resetSeconds: 60,
    });
  });

  it('keeps keys and buckets independent', async () => {
    const b1 = bucket('a');
    const b2 = bucket('b');
    expect((await limiter.hit(b1, 'x', perMinute(1))).allowed).toBe(true);
    expect((await limiter.hit(b1, 'x', perMinute(1))).allowed).toBe(false);
    expect((await limiter.hit(b1, 'y', perMinute(1))).allowed).toBe(true);
    expect((await limiter.hit(b2, 'x', perMinute(1))).allowed).toBe(true);
  });

  it('allows exactly `limit` of 100 concurrent hits', async () => {
    const b = bucket('concurrent');
    const results = await Promise.all(
      Array.from({ length: 100 }, async () => limiter.hit(b, 'user:1', perMinute(10))),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.filter((r) => !r.allowed)).toHaveLength(90);
  });

  it('undo gives one hit back within its window only, never below zero', async () => {
    const b = bucket('undo');
    const first = await limiter.hit(b, 'k', perMinute(2));
    await limiter.hit(b, 'k', perMinute(2));
    await limiter.undo(b, 'k', perMinute(2), first.window);
    expect(await limiter.hit(b, 'k', perMinute(2))).toMatchObject({ allowed: true, remaining: 0 });

    const empty = bucket('undo-empty');
    const hit = await limiter.hit(empty, 'k', perMinute(1));
    await limiter.undo(empty, 'k', perMinute(1), hit.window);
    await limiter.undo(empty, 'k', perMinute(1), hit.window);
    expect(await limiter.hit(empty, 'k', perMinute(1))).toMatchObject({ allowed: true, remaining: 0 });

    const stale = bucket('undo-stale');
    const old = await limiter.hit(stale, 'k', perMinute(1));
    clock.advanceSeconds(60);
    await limiter.hit(stale, 'k', perMinute(1));
    await limiter.undo(stale, 'k', perMinute(1), old.window);
    expect((await limiter.hit(stale, 'k', perMinute(1))).allowed).toBe(false);
  });
});

describe('memory backend', () => {
  it('answers synchronously (the hot path pays no promise)', () => {
    const limiter = new MemoryRateLimiter({ clock: createManualClock() });
    const result = limiter.hit('b', 'k', perMinute(1));
    expect(result).not.toBeInstanceOf(Promise);
    expect(result.allowed).toBe(true);
  });

  it('sweeps counters of ended windows', () => {
    const clock = createManualClock('2026-03-01T12:00:00.000Z');
    const limiter = new MemoryRateLimiter({ clock });
    for (let i = 0; i < 500; i++) limiter.hit('b', `ip:${i}`, perMinute(5));
    expect(limiter.size).toBe(500);
    clock.advanceSeconds(120);
    limiter.hit('b', 'fresh', perMinute(5));
    expect(limiter.size).toBe(1);
  });

  it('never holds more than maxKeys counters, even under a flood of live keys', () => {
    const { log, lines } = capturingLogger();
    const limiter = new MemoryRateLimiter({ clock: createManualClock(), log, maxKeys: 1000 });
    const results = Array.from({ length: 10_000 }, (_, i) =>
      limiter.hit('b', `ip:${i}`, { limit: 5, windowSeconds: 3600 }),
    );
    expect(limiter.size).toBeLessThanOrEqual(1000);
    // Full: new keys are refused (never an old counter forgotten), said once in the log.
    expect(results.filter((result) => !result.allowed)).toHaveLength(9000);
    expect(lines.filter((line) => line.includes('new keys are refused'))).toHaveLength(1);
  });
});

describe.skipIf(!redisUrl)('redis backend', () => {
  const url = redisUrl ?? '';

  it('shares counters between processes, under the tokenhub:rl: prefix', async () => {
    const clock = createManualClock('2026-03-01T12:00:30.000Z');
    const [a, b] = await Promise.all([
      RedisRateLimiter.connect({ url, clock, log: capturingLogger().log, timeoutMs }),
      RedisRateLimiter.connect({ url, clock, log: capturingLogger().log, timeoutMs }),
    ]);
    const name = bucket('shared');
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => (i % 2 ? a : b).hit(name, 'user:1', perMinute(10))),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);

    const redis = new Redis(url);
    const key = redisKey(name, 'user:1', perMinute(10), results[0]?.window ?? 0);
    expect(key.startsWith('tokenhub:rl:')).toBe(true);
    expect(await redis.get(key)).toBe('40');
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(31);
    await redis.quit();
    await Promise.all([a.close(), b.close()]);
  });

  it('recovers when the server forgot its scripts (NOSCRIPT)', async () => {
    const limiter = await RedisRateLimiter.connect({
      url,
      clock: createManualClock(),
      log: capturingLogger().log,
      timeoutMs,
    });
    const redis = new Redis(url);
    await redis.script('FLUSH');
    await redis.quit();
    expect(await limiter.hit(bucket('noscript'), 'k', perMinute(1))).toMatchObject({
      allowed: true,
      remaining: 0,
    });
    await limiter.close();
  });
});

describe('cluster backend, primary not answering', () => {
  it('fails open within the timeout, then at once while the breaker is open, and recovers', async () => {
    const clock = createManualClock('2026-03-01T12:00:30.000Z');
    const channel = channelTo(new MemoryRateLimiter({ clock }));
    const { log, lines } = capturingLogger();
    const limiter = new ClusterRateLimiter({ channel, clock, log, timeoutMs });
    channel.silent = true;
    const started = performance.now();
    for (let i = 0; i < 50; i++) expect((await limiter.hit('b', 'k', perMinute(1))).allowed).toBe(true);
    expect(performance.now() - started).toBeLessThan(3 * timeoutMs + 500);
    expect(limiter.failOpenTotal).toBe(50);
    channel.silent = false;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await limiter.hit('b', 'k', perMinute(1))).allowed).toBe(true);
    expect((await limiter.hit('b', 'k', perMinute(1))).allowed).toBe(false);
    expect(lines.filter((line) => line.includes('fail open'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('answers again'))).toHaveLength(1);
    await limiter.close();
  });
});

describe('redis backend, server unreachable', () => {
  it('fails open with one warning, and never waits long', async () => {
    const { log, lines } = capturingLogger();
    const url = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const limiter = await RedisRateLimiter.connect({ url, clock: createManualClock(), log, timeoutMs });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await limiter.hit('b', 'k', perMinute(1)));
    await limiter.undo('b', 'k', perMinute(1), 0);
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    const warnings = lines.filter((line) => line.includes('fail open'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 40, store: `Redis ${url}` });
    expect(limiter.failOpenTotal).toBe(5);
    await limiter.close();
  });

  it('gives up on a server that accepts but never answers, within a few seconds', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address() as AddressInfo;
    const started = Date.now();
    const limiter = await RedisRateLimiter.connect({
      url: `redis://127.0.0.1:${address.port}`,
      clock: createManualClock(),
      log: capturingLogger().log,
      timeoutMs,
    });
    expect((await limiter.hit('b', 'k', perMinute(1))).allowed).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    await limiter.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('costs one timeout per second, not one per request, when the server hangs (circuit breaker)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { log, lines } = capturingLogger();
    const limiter = await RedisRateLimiter.connect({
      url: `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      clock: createManualClock(),
      log,
      timeoutMs,
    });
    const started = performance.now();
    const waits: number[] = [];
    for (let i = 0; i < 200; i++) {
      const before = performance.now();
      expect((await limiter.hit('b', 'k', perMinute(1))).allowed).toBe(true);
      waits.push(performance.now() - before);
    }
    // 3 timeouts open the breaker; the 197 hits after it cost nothing (one probe a second).
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3 * timeoutMs + 1000);
    expect(waits.filter((ms) => ms >= timeoutMs / 2).length).toBeLessThanOrEqual(4);
    expect(limiter.failOpenTotal).toBe(200);
    expect(lines.filter((line) => line.includes('fail open'))).toHaveLength(1);
    await limiter.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('keeps a password out of the warning', async () => {
    const { log, lines } = capturingLogger();
    const limiter = await RedisRateLimiter.connect({
      url: `redis://default:hunter2@127.0.0.1:${await freePort()}`,
      clock: createManualClock(),
      log,
      timeoutMs,
    });
    await limiter.hit('b', 'k', perMinute(1));
    await limiter.close();
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});

/**
 * A Redis that hangs (SIGSTOP: its connections stay open, nothing is answered) under `serve
 * --workers 2` with every `/token` throttled through it: requests keep being served at about the
 * same speed (the limits fail open after a short timeout, and a circuit breaker skips Redis while
 * it hangs), each process logs it once, `/metrics` counts the checks let through, and once Redis
 * answers again the limits hold again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPat, signUp } from '../support/process-fixtures.ts';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';
import {
  type CallResult,
  call,
  servicesFor,
  sleep,
  startNode,
  statusCounts,
  type TokenhubNode,
} from '../support/tokenhub-process.ts';

const enabled = servicesFor('frozen Redis', ['redis']);

/** Requests from `clients` loops for `ms`; their answers. */
async function burst(ms: number, clients: number, request: () => Promise<CallResult>): Promise<CallResult[]> {
  const answers: CallResult[] = [];
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) answers.push(await request());
    }),
  );
  return answers;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
};

describe.skipIf(!enabled)('a frozen Redis under serve --workers 2', () => {
  let dir: string;
  let redis: RedisServer;
  let node: TokenhubNode;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenhub-redis-frozen-'));
    redis = await startRedisServer();
    node = await startNode({
      workers: 2,
      env: {
        TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
        TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
        TOKENHUB_REDIS_URL: redis.url,
        TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL: '1000000/1h',
        TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3/1h',
        // signUp signs in from loopback, which makes it a known address: its own budget applies.
        TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS: '3/1h',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('costs milliseconds, not a timeout per request, and limits hold again once it answers', async () => {
    const pat = await createPat(node.url, await signUp(node.url, 'frozen'), 'ci');
    const token = () =>
      call(node.url, {
        path: '/token?service=tokenhub-registry&scope=repository:frozen/app:pull',
        basic: { username: 'frozen', password: pat.token },
      });
    const before = await burst(2000, 8, token);
    redis.freeze();
    const frozen = await burst(3000, 8, token);
    const metrics = await call(node.url, { path: '/metrics' });
    redis.thaw();

    expect(statusCounts(before)).toEqual({ 200: before.length });
    expect(statusCounts(frozen)).toEqual({ 200: frozen.length });
    const [p50Before, p50Frozen, p99Frozen] = [
      percentile(
        before.map((a) => a.ms),
        50,
      ),
      percentile(
        frozen.map((a) => a.ms),
        50,
      ),
      percentile(
        frozen.map((a) => a.ms),
        99,
      ),
    ];
    console.info(
      `[frozen Redis] before: ${before.length} in 2 s, p50 ${p50Before.toFixed(1)} ms; frozen: ${frozen.length} in 3 s, p50 ${p50Frozen.toFixed(1)} ms, p99 ${p99Frozen.toFixed(1)} ms`,
    );
    // The timeout is 100 ms: a request that waited for it would show here.
    expect(p50Frozen).toBeLessThan(p50Before + 40);
    expect(frozen.length / 3).toBeGreaterThan((before.length / 2) * 0.4);
    const failOpen = Number(/^tokenhub_rate_limit_fail_open_total (\d+)$/m.exec(metrics.text)?.[1]);
    expect(failOpen).toBeGreaterThan(frozen.length * 0.9);
    const warnings = node.logs().filter((line) => String(line.msg).includes('limits fail open'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(new Set(warnings.map((line) => line.pid)).size).toBe(warnings.length);

    await sleep(1500);
    await signUp(node.url, 'locked');
    const attempts = [];
    for (let i = 0; i < 5; i++) {
      attempts.push(
        await call(node.url, {
          method: 'POST',
          path: '/v2/users/login',
          body: { username: 'locked', password: 'nope' },
        }),
      );
    }
    expect(attempts.map((a) => a.status)).toEqual([401, 401, 401, 429, 429]);
  }, 60_000);
});

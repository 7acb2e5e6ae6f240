/**
 * Workers dying and nodes stopping (`serve --workers 2`, SQLite):
 * - a worker killed (SIGKILL) under load: every request in flight is answered or reset, none is
 *   left hanging, and a replacement serves;
 * - SIGTERM exits 0: during the start, and right after a worker was replaced, while its
 *   replacement starts (after a replacement listens: workers-shared-state.test.ts);
 * - a worker that does not stop (SIGSTOP'd) is killed after the grace period, and the primary
 *   exits 1 in about that time;
 * - SIGKILL to the whole node loses no committed token;
 * - the primary, which serves nothing, stays small.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPat, signUp, tokenRequest } from '../support/process-fixtures.ts';
import {
  type CallResult,
  call,
  rssMiB,
  signalProcess,
  sleep,
  startNode,
  statusCounts,
  type TokenhubNode,
  waitUntilServing,
} from '../support/tokenhub-process.ts';

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-crash-'));
  env = {
    TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
    TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
    TOKENHUB_RATE_LIMIT_PAT_CREATE: '0',
    TOKENHUB_SHUTDOWN_GRACE_SECONDS: '3',
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const replaced = (line: { msg?: string }) => line.msg === 'worker exited; starting a replacement';

describe('serve --workers 2: crashes and stops', () => {
  let node: TokenhubNode;
  afterAll(async () => {
    await node?.stop('SIGKILL');
  });

  it('answers or resets every request in flight on a worker killed under load, and keeps serving', async () => {
    node = await startNode({ workers: 2, env });
    const jwt = await signUp(node.url, 'crash');
    const pat = await createPat(node.url, jwt, 'ci');
    const answers: CallResult[] = [];
    const underLoad = async (work: () => Promise<void>) => {
      let running = true;
      const clients = Array.from({ length: 8 }, async (_, client) => {
        for (let i = 0; running; i++) {
          const request =
            i % 3 === 0
              ? call(node.url, {
                  method: 'POST',
                  path: '/v2/access-tokens',
                  bearer: jwt,
                  body: { token_label: `c${client}-${i}`, scopes: ['repo:read'] },
                  timeoutMs: 10_000,
                })
              : tokenRequest(node.url, 'crash', pat.token, 10_000);
          answers.push(await request);
        }
      });
      await work();
      running = false;
      await Promise.all(clients);
    };
    for (let kill = 0; kill < 2; kill++) {
      const victim = node.workerPids()[kill];
      await underLoad(async () => {
        await sleep(700);
        signalProcess(victim, 'SIGKILL');
        await node.waitForLog((line) => replaced(line) && line.workerPid === victim);
        await sleep(500);
      });
      await waitUntilServing(node, 3 + kill);
    }

    const hung = answers.filter((a) => a.error === 'client timeout');
    expect(hung).toEqual([]);
    const unanswered = answers.filter((a) => a.status === 0);
    for (const answer of unanswered)
      expect(answer.error).toMatch(/ECONNRESET|EPIPE|socket hang up|ECONNREFUSED/);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(8000);
    const served = answers.filter((a) => a.status === 200 || a.status === 201).length;
    console.info(
      `[crash] ${answers.length} requests over 2 worker kills: ${served} answered, ${unanswered.length} reset, slowest ${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms`,
    );
    const after = await Promise.all([1, 2, 3, 4].map(() => tokenRequest(node.url, 'crash', pat.token)));
    expect(statusCounts(after)).toEqual({ 200: 4 });
  }, 120_000);

  it('keeps a small primary: it loads neither the app nor a store driver', () => {
    const primary = rssMiB(node.pid);
    const workers = node.workerPids().map(rssMiB);
    console.info(
      `[crash] RSS: primary ${primary.toFixed(0)} MiB, workers ${workers.map((w) => w.toFixed(0)).join(', ')} MiB`,
    );
    expect(primary).toBeGreaterThan(0);
    expect(primary).toBeLessThan(120);
    expect(primary).toBeLessThan(Math.min(...workers));
  });

  it('exits 0 on SIGTERM right after a worker was replaced, while its replacement starts', async () => {
    const [victim] = node.workerPids();
    signalProcess(victim, 'SIGKILL');
    await node.waitForLog((line) => replaced(line) && line.workerPid === victim);
    expect(await node.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(node.output()).toContain('"msg":"tokenhub stopped"');
  }, 60_000);

  it('exits 0 on SIGTERM during the start', async () => {
    const early = await startNode({ workers: 2, env, noWait: true });
    await early.waitForLog((line) => line.msg === 'database schema up to date');
    expect(await early.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('stops at start, exit 1, when a worker cannot listen (the port is taken)', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const refused = await startNode({ workers: 2, env, port, noWait: true });
    const exit = await Promise.race([refused.exited, sleep(60_000).then(() => undefined)]);
    taken.close();
    await refused.stop('SIGKILL', 1000);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(
      refused.logs().some((line) => String(line.msg).startsWith('cannot listen: listen EADDRINUSE')),
    ).toBe(true);
    expect(refused.logs().some((line) => line.msg === 'worker exited before it listened; stopping')).toBe(
      true,
    );
  }, 90_000);

  it('loses no committed token when the whole node is killed (SIGKILL)', async () => {
    node = await startNode({ workers: 2, env });
    const jwt = await signUp(node.url, 'durable');
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(node.url, {
          method: 'POST',
          path: '/v2/access-tokens',
          bearer: jwt,
          body: { token_label: `d${i}`, scopes: ['repo:read'] },
        }),
      ),
    );
    await node.kill();
    expect(statusCounts(created)).toEqual({ 201: 40 });
    node = await startNode({ workers: 2, env });
    const uses = await Promise.all(created.map((res) => tokenRequest(node.url, 'durable', res.json.token)));
    expect(statusCounts(uses)).toEqual({ 200: 40 });
  }, 120_000);

  it('kills a worker that does not stop after the grace period, and exits 1', async () => {
    const [stuck] = node.workerPids();
    signalProcess(stuck, 'SIGSTOP');
    const started = Date.now();
    const exit = await node.stop('SIGTERM', 20_000);
    const seconds = (Date.now() - started) / 1000;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThan(10);
    expect(node.logs().some((line) => line.msg === 'worker did not stop in time; killing it')).toBe(true);
  }, 60_000);
});

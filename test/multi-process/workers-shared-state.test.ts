/**
 * What the workers of one node share with no extra server (`serve --workers 2`, SQLite, no Redis):
 * every limit is exact, whichever worker a request reaches (the primary holds the counters), and
 * `/metrics` answers for the whole node, its counters never going down across scrapes, also when
 * a worker dies and is replaced. Requests go on connections of their own, so the kernel spreads
 * them over both workers. Client addresses come from X-Forwarded-For (trusted here), so each test
 * has per-address counters of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { createPat, password, signUp } from '../support/process-fixtures.ts';
import {
  type CallResult,
  call,
  serverErrors,
  signalProcess,
  sleep,
  startNode,
  statusCounts,
  type TokenhubNode,
  waitUntilServing,
} from '../support/tokenhub-process.ts';

let dir: string;
let node: TokenhubNode;

const limits = {
  TOKENHUB_RATE_LIMIT_PAT_CREATE: '7/1h',
  TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '5/1h',
  TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_IP: '8/1h',
  TOKENHUB_RATE_LIMIT_TWO_FACTOR_FAILURES: '4/1h',
  TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP: '6/1h',
  TOKENHUB_RATE_LIMIT_TOKEN_PER_PRINCIPAL: '9/1h',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-shared-state-'));
  node = await startNode({
    workers: 2,
    env: {
      TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
      TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
      TOKENHUB_TRUST_PROXY: 'true',
      ...limits,
    },
  });
}, 120_000);

afterAll(async () => {
  // The metrics test below replaced a worker: the node still stops cleanly.
  if (node) expect(await node.stop()).toEqual({ code: 0, signal: null });
  await rm(dir, { recursive: true, force: true });
});

let nextAddress = 1;
/** An address of its own for a test's requests (per-address counters start at zero). */
const freshAddress = () => ({ 'x-forwarded-for': `198.51.100.${nextAddress++}` });

/** Fixed windows are aligned to the epoch: wait out the last seconds of one so a test stays in one. */
async function awayFromWindowEnd(windowSeconds = 3600): Promise<void> {
  const leftMs = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000));
  if (leftMs < 15_000) await sleep(leftMs + 100);
}

const all = <T>(n: number, each: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => each(i)));

function expectExactly(results: CallResult[], counts: Record<number, number>) {
  expect(serverErrors(results)).toEqual([]);
  expect(statusCounts(results)).toEqual(counts);
}

describe('serve --workers 2: every limit is exact', () => {
  it('PAT creation: 7 an hour per account, of 20 concurrent', async () => {
    await awayFromWindowEnd();
    const jwt = await signUp(node.url, 'maker');
    const results = await all(20, (i) =>
      call(node.url, {
        method: 'POST',
        path: '/v2/access-tokens',
        bearer: jwt,
        body: { token_label: `t${i}`, scopes: ['repo:read'] },
      }),
    );
    expectExactly(results, { 201: 7, 429: 13 });
  });

  it('failed sign-ins per account: 5, of 12 concurrent wrong passwords; then even the right one waits', async () => {
    await awayFromWindowEnd();
    await signUp(node.url, 'victim');
    const results = await all(12, () =>
      call(node.url, {
        method: 'POST',
        path: '/v2/users/login',
        headers: freshAddress(),
        body: { username: 'victim', password: 'wrong password' },
      }),
    );
    expectExactly(results, { 401: 5, 429: 7 });
    const right = await call(node.url, {
      method: 'POST',
      path: '/v2/users/login',
      headers: freshAddress(),
      body: { username: 'victim', password },
    });
    expect(right.status).toBe(429);
  });

  it('failed sign-ins per address: 8, of 20 concurrent mistyped tokens', async () => {
    await awayFromWindowEnd();
    const address = freshAddress();
    const results = await all(20, (i) =>
      call(node.url, {
        path: '/token?service=tokenhub-registry',
        headers: address,
        basic: { username: `nobody${i}`, password: `thub_pat_${'x'.repeat(38)}` },
      }),
    );
    expectExactly(results, { 401: 8, 429: 12 });
  });

  it('wrong two-factor codes: 4 per account, of 8 concurrent', async () => {
    await awayFromWindowEnd();
    const jwt = await signUp(node.url, 'twofa');
    const setup = await call(node.url, { method: 'POST', path: '/v2/users/me/2fa/setup', bearer: jwt });
    const enable = await call(node.url, {
      method: 'POST',
      path: '/v2/users/me/2fa/enable',
      bearer: jwt,
      body: { code: totpCode(setup.json.secret, new Date()) },
    });
    expect(enable.status).toBe(200);
    const challenge = await call(node.url, {
      method: 'POST',
      path: '/v2/users/login',
      body: { username: 'twofa', password },
    });
    const results = await all(8, () =>
      call(node.url, {
        method: 'POST',
        path: '/v2/users/2fa-login',
        body: { login_2fa_token: challenge.json.login_2fa_token, code: '000000' },
      }),
    );
    expectExactly(results, { 401: 4, 429: 4 });
  });

  it('device sign-ins started per address: 6, of 10 concurrent', async () => {
    await awayFromWindowEnd();
    const address = freshAddress();
    const results = await all(10, () =>
      call(node.url, {
        method: 'POST',
        path: '/oauth/device/code',
        headers: address,
        body: new URLSearchParams({ client_id: 'cli' }),
      }),
    );
    expectExactly(results, { 200: 6, 429: 4 });
  });

  it('unknown user codes at the verification page: 20 per account, of 30 concurrent', async () => {
    await awayFromWindowEnd(900);
    const jwt = await signUp(node.url, 'guesser');
    const results = await all(30, (i) =>
      call(node.url, {
        path: `/v2/device/verify?user_code=BCDF-${'GHJKLMNPQRSTVWXZ'.slice(i % 12, (i % 12) + 4)}`,
        bearer: jwt,
      }),
    );
    expectExactly(results, { 404: 20, 429: 10 });
  });

  it('registry tokens per principal: 9, of 15 concurrent', async () => {
    await awayFromWindowEnd();
    const pat = await createPat(node.url, await signUp(node.url, 'puller'), 'puller');
    const results = await all(15, () =>
      call(node.url, {
        path: '/token?service=tokenhub-registry',
        basic: { username: 'puller', password: pat.token },
      }),
    );
    expectExactly(results, { 200: 9, 429: 6 });
  });
});

/** `tokenhub_http_requests_total` of `GET /token` answered 200, from one scrape. */
async function scrapeTokenCount(): Promise<{ count: number; text: string }> {
  const res = await call(node.url, { path: '/metrics' });
  expect(res.status).toBe(200);
  const match = /^tokenhub_http_requests_total\{method="GET",route="\/token",status="200"\} (\d+)$/m.exec(
    res.text,
  );
  return { count: Number(match?.[1] ?? 0), text: res.text };
}

const anonymousToken = () => call(node.url, { path: '/token?service=tokenhub-registry' });

describe('serve --workers 2: one /metrics for the node', () => {
  it('counts every request of every worker in every scrape, never going down, across a worker replacement', async () => {
    const before = (await scrapeTokenCount()).count;
    let sent = 0;
    const seen: number[] = [];
    for (let round = 0; round < 6; round++) {
      const results = await all(20, anonymousToken);
      expect(statusCounts(results)).toEqual({ 200: 20 });
      sent += 20;
      await sleep(50);
      const { count, text } = await scrapeTokenCount();
      seen.push(count - before);
      // Per-process figures carry the worker slot; the primary reports its own.
      for (const worker of ['1', '2', 'primary']) {
        expect(text).toMatch(
          new RegExp(`^tokenhub_process_resident_memory_bytes\\{worker="${worker}"\\} \\d+`, 'm'),
        );
      }
    }
    expect(seen).toEqual([20, 40, 60, 80, 100, 120]);

    // A worker killed: the replacement starts from zero, the node's total does not go down.
    const [victim] = node.workerPids();
    signalProcess(victim, 'SIGKILL');
    await node.waitForLog(
      (line) => line.msg === 'worker exited; starting a replacement' && line.workerPid === victim,
    );
    await sleep(200);
    await waitUntilServing(node, 3);
    expect((await scrapeTokenCount()).count - before).toBe(sent);
    await all(20, anonymousToken);
    await sleep(50);
    const after = await scrapeTokenCount();
    expect(after.count - before).toBe(sent + 20);
    expect(after.text).toMatch(/^tokenhub_worker_restarts_total 1$/m);
  });
});

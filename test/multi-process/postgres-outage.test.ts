/**
 * PostgreSQL going away and coming back under a node's feet (a server of the suite's own, stopped
 * with `pg_ctl stop -m fast`: every connection terminated, new ones refused):
 * - under load, `serve --workers 2` answers every request, with 503 + `Retry-After` and a body
 *   naming the cause while the database is down, each within the database timeout and a margin;
 *   `/readyz` says 503 and `/healthz` 200; each process logs the outage once; when PostgreSQL is
 *   back the same workers serve again within seconds (no restart, no 5xx other than 503);
 * - started while PostgreSQL is down, a node (two workers, or one process) waits, says why, and
 *   serves once it is up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, startPostgresCluster } from '../support/postgres-cluster.ts';
import { createPat, signUp } from '../support/process-fixtures.ts';
import {
  type CallResult,
  call,
  servicesFor,
  sleep,
  startNode,
  type TokenhubNode,
} from '../support/tokenhub-process.ts';

const timeoutMs = 2000;
const enabled = servicesFor('PostgreSQL outage', ['postgres']);

interface Answer extends CallResult {
  at: number;
}

/** `clients` loops of requests until `stop()`; each answer is kept with the time it came. */
function load(clients: number, request: (i: number) => Promise<CallResult>) {
  const answers: Answer[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = 0; running; i++) {
      const answer = await request(client * 100_000 + i);
      answers.push({ ...answer, at: Date.now() });
    }
  });
  return {
    answers,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe.skipIf(!enabled)('PostgreSQL going away under serve --workers 2', () => {
  let pg: PostgresCluster;
  let node: TokenhubNode;
  let env: Record<string, string>;

  beforeAll(async () => {
    pg = await startPostgresCluster();
    env = {
      TOKENHUB_DATABASE_URL: pg.url,
      TOKENHUB_DATABASE_TIMEOUT_MS: String(timeoutMs),
      TOKENHUB_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      TOKENHUB_RATE_LIMIT_PAT_CREATE: '0',
    };
    node = await startNode({ workers: 2, env });
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    pg?.destroy();
  });

  it('answers 503 with Retry-After while it is down, and serves again within seconds of its return', async () => {
    const jwt = await signUp(node.url, 'outage');
    const pat = await createPat(node.url, jwt, 'reader');
    const workers = node.workerPids();
    const traffic = load(6, (i) =>
      i % 2 === 0
        ? call(node.url, {
            path: '/token?service=tokenhub-registry&scope=repository:outage/app:pull',
            basic: { username: 'outage', password: pat.token },
            timeoutMs: 15_000,
          })
        : call(node.url, {
            method: 'POST',
            path: '/v2/access-tokens',
            bearer: jwt,
            body: { token_label: `t${i}`, scopes: ['repo:read'] },
            timeoutMs: 15_000,
          }),
    );
    await sleep(1500);
    const stoppedAt = Date.now();
    pg.stop();
    await sleep(1500);
    const during = await Promise.all([
      call(node.url, { path: '/readyz' }),
      call(node.url, { path: '/readyz' }),
      call(node.url, { path: '/healthz' }),
      call(node.url, { path: '/healthz' }),
    ]);
    await sleep(3000);
    pg.start();
    const backAt = Date.now();
    await sleep(4000);
    await traffic.stop();

    const answers = traffic.answers;
    const unexpected = answers.filter((a) => a.status !== 200 && a.status !== 201 && a.status !== 503);
    expect(unexpected.map((a) => `${a.status} ${a.error ?? a.text.slice(0, 120)}`)).toEqual([]);
    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(10);
    for (const answer of refused) {
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.text).toMatch(/the database is unavailable \([^)]+\); try again in 5 seconds/);
    }
    // Bounded: the database timeout and a margin for a loaded machine.
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(timeoutMs + 2500);
    expect(during.map((r) => [r.status, r.json?.status])).toEqual([
      [503, expect.stringMatching(/^database unavailable \(.+\)$/)],
      [503, expect.stringMatching(/^database unavailable \(.+\)$/)],
      [200, 'ok'],
      [200, 'ok'],
    ]);
    // Every answer after the first success past the outage is a success: recovered for good.
    const firstOk = answers.find((a) => a.at > backAt && a.status < 300);
    expect(firstOk).toBeDefined();
    const recoverySeconds = ((firstOk?.at ?? 0) - backAt) / 1000;
    expect(recoverySeconds).toBeLessThan(3);
    const afterRecovery = answers.filter((a) => a.at > (firstOk?.at ?? 0) + 500);
    expect(afterRecovery.filter((a) => a.status >= 300)).toEqual([]);
    expect(answers.some((a) => a.at < stoppedAt && a.status < 300)).toBe(true);

    expect(node.workerPids().sort()).toEqual(workers.sort());
    expect(node.logs().filter((line) => String(line.msg).startsWith('worker exited'))).toEqual([]);
    const outageLines = node
      .logs()
      .filter((line) => String(line.msg).startsWith('PostgreSQL is unavailable'));
    const perProcess = new Map<unknown, number>();
    for (const line of outageLines) perProcess.set(line.pid, (perProcess.get(line.pid) ?? 0) + 1);
    expect(outageLines.length).toBeGreaterThanOrEqual(1);
    expect([...perProcess.values()].every((count) => count === 1)).toBe(true);
    expect(node.logs().some((line) => String(line.msg).startsWith('PostgreSQL answers again'))).toBe(true);
    console.info(
      `[PostgreSQL outage] ${answers.length} answers, ${refused.length} × 503, slowest ${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms, recovered ${recoverySeconds.toFixed(2)} s after PostgreSQL was back`,
    );
  }, 60_000);

  it('starts while PostgreSQL is down, says why, and serves once it is up (two workers and one process)', async () => {
    pg.stop();
    const cluster = await startNode({ workers: 2, env, noWait: true });
    const single = await startNode({ workers: 1, env, noWait: true });
    try {
      const waiting = (line: { msg?: string }) =>
        /^cannot start: the database is unavailable/.test(line.msg ?? '');
      await cluster.waitForLog(waiting, 30_000);
      await single.waitForLog(waiting, 30_000);
      await sleep(2000);
      expect(cluster.output()).not.toContain('"msg":"tokenhub stopped"');
      pg.start();
      const upAt = Date.now();
      await Promise.all([
        cluster.waitForLog((line) => line.msg === 'tokenhub workers started', 60_000),
        single.waitForLog((line) => line.msg === 'tokenhub listening', 60_000),
      ]);
      console.info(
        `[PostgreSQL outage] nodes started ${((Date.now() - upAt) / 1000).toFixed(1)} s after PostgreSQL`,
      );
      for (const each of [cluster, single]) {
        expect((await call(each.url, { path: '/readyz' })).status).toBe(200);
      }
      // One process rides out an outage too.
      pg.stop();
      expect((await call(single.url, { path: '/readyz' })).status).toBe(503);
      pg.start();
      await sleep(500);
      expect((await call(single.url, { path: '/readyz' })).status).toBe(200);
      expect(single.output()).not.toContain('"msg":"shutting down"');
    } finally {
      expect((await cluster.stop()).code).toBe(0);
      expect((await single.stop()).code).toBe(0);
    }
  }, 120_000);
});

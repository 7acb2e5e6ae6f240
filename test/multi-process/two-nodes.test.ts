/**
 * Several nodes on PostgreSQL with Redis (the production deployment): two `serve --workers 2`
 * nodes on one fresh database and one Redis, requests spread over both.
 * - Caps and one-time rules are exact with races spread over the nodes.
 * - A token deactivated or deleted through one node is refused at the next `/token` on the other.
 * - A signing key activated by the operator command signs on both nodes within the refresh
 *   interval (`TOKENHUB_SIGNING_KEY_REFRESH_SECONDS`, 2 s here).
 * - Limits are shared; no committed token is lost when both nodes are killed.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  approvedDeviceCode,
  createOrg,
  createPat,
  oatBody,
  password,
  pollDevice,
  signUp,
  tokenRequest,
} from '../support/process-fixtures.ts';
import { type RedisServer, startRedisServer } from '../support/redis-server.ts';
import {
  call,
  serverErrors,
  servicesFor,
  sleep,
  startNode,
  statusCounts,
  type TokenhubNode,
} from '../support/tokenhub-process.ts';

const enabled = servicesFor('two nodes', ['postgres', 'redis']);
const refreshSeconds = 2;

describe.skipIf(!enabled)('two nodes on PostgreSQL with Redis', () => {
  const database = `tokenhub_nodes_${randomBytes(5).toString('hex')}`;
  const serverUrl = process.env.TOKENHUB_TEST_PG_URL ?? '';
  let redis: RedisServer;
  let env: Record<string, string>;
  let a: TokenhubNode;
  let b: TokenhubNode;
  let jwt: string;

  /** Node A for even `i`, B for odd. */
  const nodeFor = (i: number) => (i % 2 === 0 ? a : b);
  const all = <T>(n: number, each: (i: number) => Promise<T>) =>
    Promise.all(Array.from({ length: n }, (_, i) => each(i)));

  async function onServer(statement: string): Promise<void> {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(statement);
    await client.end();
  }

  beforeAll(async () => {
    await onServer(`create database ${database}`);
    redis = await startRedisServer();
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    env = {
      TOKENHUB_DATABASE_URL: url.toString(),
      TOKENHUB_REDIS_URL: redis.url,
      TOKENHUB_SECRET_KEY: randomBytes(32).toString('base64'),
      TOKENHUB_SIGNING_KEY_REFRESH_SECONDS: String(refreshSeconds),
      TOKENHUB_RATE_LIMIT_PAT_CREATE: '0',
      TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP: '0',
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '6/1h',
      // signUp signs in from loopback, which makes it a known address: its own budget applies.
      TOKENHUB_RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS: '6/1h',
      TOKENHUB_DEVICE_POLL_INTERVAL_SECONDS: '1',
    };
    [a, b] = await Promise.all([startNode({ workers: 2, env }), startNode({ workers: 2, env })]);
    jwt = await signUp(a.url, 'owner');
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    await onServer(`drop database if exists ${database} with (force)`);
  });

  it('keeps caps exact with races spread over both nodes', async () => {
    await createOrg(a.url, jwt, 'bothorg', 'team', env);
    const oats = await all(40, (i) =>
      call(nodeFor(i).url, {
        method: 'POST',
        path: '/v2/orgs/bothorg/access-tokens',
        bearer: jwt,
        body: oatBody('bothorg', `ci-${i}`),
      }),
    );
    const signUps = await all(20, (i) =>
      call(nodeFor(i).url, {
        method: 'POST',
        path: '/v2/users',
        body: { username: 'twice', email: 'twice@example.com', password },
        timeoutMs: 60_000,
      }),
    );
    const desktop = await all(30, (i) =>
      call(nodeFor(i).url, { method: 'POST', path: '/v2/access-tokens/desktop-generate', bearer: jwt }),
    );
    const codes = await all(10, (i) => approvedDeviceCode(nodeFor(i).url, jwt, `device-${i}`));
    const polls = await all(30, (i) => pollDevice(nodeFor(i).url, codes[i % 10] ?? '', `device-${i % 10}`));

    expect(serverErrors([...oats, ...signUps, ...desktop, ...polls])).toEqual([]);
    expect(statusCounts(oats)).toEqual({ 201: 10, 409: 30 });
    expect(statusCounts(signUps)).toEqual({ 201: 1, 409: 19 });
    expect(statusCounts(desktop)).toEqual({ 201: 30 });
    expect(polls.filter((poll) => poll.status === 200)).toHaveLength(10);
    const list = await call(b.url, { path: '/v2/access-tokens?page_size=100', bearer: jwt });
    // Device and desktop sign-ins share the cap of 5 auto-generated tokens.
    expect(list.json.results.filter((t: { generated_by: string }) => t.generated_by === 'auto')).toHaveLength(
      5,
    );
  }, 120_000);

  it('refuses a token deactivated or deleted through one node at the next /token on the other', async () => {
    const pat = await createPat(a.url, jwt, 'moving');
    expect((await tokenRequest(b.url, 'owner', pat.token)).status).toBe(200);
    const off = await call(a.url, {
      method: 'PATCH',
      path: `/v2/access-tokens/${pat.uuid}`,
      bearer: jwt,
      body: { is_active: false },
    });
    expect(off.status).toBe(200);
    const refused = await tokenRequest(b.url, 'owner', pat.token);
    expect(refused.status).toBe(401);
    expect(refused.json.details).toBe('token is inactive');

    const other = await createPat(b.url, jwt, 'deleted');
    expect((await tokenRequest(a.url, 'owner', other.token)).status).toBe(200);
    const deleted = await call(b.url, {
      method: 'DELETE',
      path: `/v2/access-tokens/${other.uuid}`,
      bearer: jwt,
    });
    expect(deleted.status).toBe(204);
    expect((await tokenRequest(a.url, 'owner', other.token)).status).toBe(401);
  });

  it('signs with a newly activated key on both nodes within the refresh interval', async () => {
    const pat = await createPat(a.url, jwt, 'signer');
    const kidOf = async (node: TokenhubNode) => {
      const res = await tokenRequest(node.url, 'owner', pat.token);
      const header = JSON.parse(
        Buffer.from(String(res.json.token).split('.')[0] ?? '', 'base64url').toString(),
      );
      return header.kid as string;
    };
    const before = await kidOf(a);
    await admin(env, ['rotate-key']);
    const activated = await admin(env, ['rotate-key', '--activate']);
    const activatedAt = Date.now();
    const next = /activated key (\S+);/.exec(activated)?.[1];
    expect(next).toBeDefined();
    expect(next).not.toBe(before);
    const seenAt = new Map<TokenhubNode, number>();
    while (seenAt.size < 2 && Date.now() - activatedAt < (refreshSeconds + 5) * 1000) {
      for (const node of [a, b]) {
        // Each worker refreshes on its own timer: every answer from a node must carry the new key.
        const kids = await Promise.all([1, 2, 3, 4].map(() => kidOf(node)));
        if (!seenAt.has(node) && kids.every((kid) => kid === next)) seenAt.set(node, Date.now());
      }
      await sleep(100);
    }
    const seconds = [...seenAt.values()].map((at) => (at - activatedAt) / 1000);
    console.info(
      `[two nodes] the new key signed everywhere after ${seconds.map((s) => s.toFixed(1)).join(' s and ')} s`,
    );
    expect(seenAt.size).toBe(2);
    for (const each of seconds) expect(each).toBeLessThanOrEqual(refreshSeconds + 1);
  });

  it('shares limits: 6 wrong passwords per account, of 10 spread over both nodes', async () => {
    await signUp(b.url, 'sharedlimit');
    const results = await all(10, (i) =>
      call(nodeFor(i).url, {
        method: 'POST',
        path: '/v2/users/login',
        body: { username: 'sharedlimit', password: 'wrong password' },
      }),
    );
    expect(statusCounts(results)).toEqual({ 401: 6, 429: 4 });
  });

  it('loses no committed token when both nodes are killed (SIGKILL)', async () => {
    const created = await all(30, (i) =>
      call(nodeFor(i).url, {
        method: 'POST',
        path: '/v2/access-tokens',
        bearer: jwt,
        body: { token_label: `kill-${i}`, scopes: ['repo:read'] },
      }),
    );
    await Promise.all([a.kill(), b.kill()]);
    expect(statusCounts(created)).toEqual({ 201: 30 });
    a = await startNode({ workers: 2, env });
    const uses = await Promise.all(created.map((res) => tokenRequest(a.url, 'owner', res.json.token)));
    expect(statusCounts(uses)).toEqual({ 200: 30 });
  }, 120_000);
});

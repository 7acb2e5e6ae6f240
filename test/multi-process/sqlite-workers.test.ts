/**
 * The default deployment, `tokenhub serve --workers 2` on SQLite, under the races that once
 * answered 500 `database is locked`: every request is answered with a non-5xx status and the caps
 * and counts are exact. Each request has a connection of its own, so the kernel spreads them over
 * both workers, which then contend for SQLite's write lock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvedDeviceCode,
  createOrg,
  createPat,
  oatBody,
  password,
  pollDevice,
  signUp,
} from '../support/process-fixtures.ts';
import {
  call,
  serverErrors,
  startNode,
  statusCounts,
  type TokenhubNode,
} from '../support/tokenhub-process.ts';

let dir: string;
let env: Record<string, string>;
let node: TokenhubNode;
let jwt: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-sqlite-workers-'));
  env = {
    TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
    TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
    // The races, not the fair-use limits, are under test here (limits.test.ts has those).
    TOKENHUB_RATE_LIMIT_PAT_CREATE: '0',
    TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP: '0',
    TOKENHUB_DEVICE_POLL_INTERVAL_SECONDS: '1',
  };
  node = await startNode({ env, workers: 2 });
  jwt = await signUp(node.url, 'racer');
}, 120_000);

afterAll(async () => {
  await node?.stop();
  await rm(dir, { recursive: true, force: true });
});

const all = <T>(n: number, each: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => each(i)));

describe('serve --workers 2 on SQLite: concurrent writes', () => {
  it('creates exactly 10 OATs of 60 racing at the Team cap, and answers every other with 409', async () => {
    await createOrg(node.url, jwt, 'raceorg', 'team', env);
    const results = await all(60, (i) =>
      call(node.url, {
        method: 'POST',
        path: '/v2/orgs/raceorg/access-tokens',
        bearer: jwt,
        body: oatBody('raceorg', `ci-${i}`),
      }),
    );
    expect(serverErrors(results)).toEqual([]);
    expect(statusCounts(results)).toEqual({ 201: 10, 409: 50 });
    const list = await call(node.url, { path: '/v2/orgs/raceorg/access-tokens?page_size=100', bearer: jwt });
    expect(list.json.total).toBe(10);
  });

  it('hands each approved device sign-in its token exactly once, of 60 concurrent polls', async () => {
    const codes = await all(20, (i) => approvedDeviceCode(node.url, jwt, `device-${i}`));
    const polls = await all(60, (i) => pollDevice(node.url, codes[i % 20] ?? '', `device-${i % 20}`));
    expect(serverErrors(polls)).toEqual([]);
    const tokens = polls.filter((poll) => poll.status === 200);
    expect(tokens).toHaveLength(20);
    expect(new Set(tokens.map((poll) => poll.json.access_token)).size).toBe(20);
    for (const poll of polls.filter((each) => each.status !== 200)) {
      expect(poll.status).toBe(400);
      expect(['invalid_grant', 'slow_down']).toContain(poll.json.error);
    }
  });

  it('keeps 5 auto-generated tokens after 60 concurrent desktop sign-ins, all answered 201', async () => {
    const desk = await signUp(node.url, 'desk');
    const results = await all(60, () =>
      call(node.url, { method: 'POST', path: '/v2/access-tokens/desktop-generate', bearer: desk }),
    );
    expect(serverErrors(results)).toEqual([]);
    expect(statusCounts(results)).toEqual({ 201: 60 });
    const list = await call(node.url, { path: '/v2/access-tokens?page_size=100', bearer: desk });
    expect(list.json.results.filter((t: { generated_by: string }) => t.generated_by === 'auto')).toHaveLength(
      5,
    );
  });

  it('creates and deletes personal access tokens concurrently with exact counts', async () => {
    const owner = await signUp(node.url, 'patter');
    const kept = await all(20, (i) => createPat(node.url, owner, `kept-${i}`));
    const created = await all(60, (i) =>
      call(node.url, {
        method: 'POST',
        path: '/v2/access-tokens',
        bearer: owner,
        body: { token_label: `new-${i}`, scopes: ['repo:read'] },
      }),
    );
    const deleted = await all(20, (i) =>
      call(node.url, { method: 'DELETE', path: `/v2/access-tokens/${kept[i]?.uuid}`, bearer: owner }),
    );
    expect(serverErrors([...created, ...deleted])).toEqual([]);
    expect(statusCounts(created)).toEqual({ 201: 60 });
    expect(statusCounts(deleted)).toEqual({ 204: 20 });
    const mixed = await all(60, (i) =>
      i % 2 === 0
        ? call(node.url, {
            method: 'DELETE',
            path: `/v2/access-tokens/${created[i]?.json.uuid}`,
            bearer: owner,
          })
        : call(node.url, {
            method: 'POST',
            path: '/v2/access-tokens',
            bearer: owner,
            body: { token_label: `more-${i}`, scopes: ['repo:read'] },
          }),
    );
    expect(serverErrors(mixed)).toEqual([]);
    expect(statusCounts(mixed)).toEqual({ 201: 30, 204: 30 });
    const list = await call(node.url, { path: '/v2/access-tokens?page_size=100', bearer: owner });
    expect(list.json.count).toBe(60);
  });

  it('signs up one name once, of 30 concurrent sign-ups, and refuses the rest with 409', async () => {
    const results = await all(30, () =>
      call(node.url, {
        method: 'POST',
        path: '/v2/users',
        body: { username: 'onlyone', email: 'onlyone@example.com', password },
        timeoutMs: 60_000,
      }),
    );
    expect(serverErrors(results)).toEqual([]);
    expect(statusCounts(results)).toEqual({ 201: 1, 409: 29 });
  });
});

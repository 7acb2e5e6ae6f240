/**
 * `POST /v2/registry/notifications` without a registry process: the shared secret, which events
 * count, idempotence, and tag routes when tokenhub is not told where the registry is. The real
 * registry's deliveries are in test/e2e/registry-facts.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

const secret = 'a-shared-secret-for-tests';
const manifest = 'application/vnd.docker.distribution.manifest.v2+json';
let t: TestApp;
let jwt: string;

const notify = (events: unknown[], authorization = `Bearer ${secret}`) =>
  t.inject({
    method: 'POST',
    url: '/v2/registry/notifications',
    headers: { authorization, 'content-type': 'application/vnd.docker.distribution.events.v1+json' },
    body: JSON.stringify({ events }),
  });

beforeAll(async () => {
  t = await createTestApp({ env: { TOKENHUB_REGISTRY_NOTIFY_SECRET: secret } });
  jwt = await t.login('alice', await t.signUp('alice'));
  await t.inject({
    method: 'POST',
    url: '/v2/namespaces/alice/repositories',
    jwt,
    body: { name: 'app', is_private: false },
  });
});
afterAll(async () => t.close());

const repo = async () =>
  (await t.inject({ method: 'GET', url: '/v2/namespaces/alice/repositories/app' })).json();

describe('POST /v2/registry/notifications', () => {
  it('refuses a wrong or missing secret', async () => {
    expect((await notify([], 'Bearer wrong-secret-wrong-secret')).statusCode).toBe(401);
    expect((await notify([], '')).statusCode).toBe(401);
    expect((await notify([], `Bearer ${secret}`)).statusCode).toBe(200);
  });

  it('counts manifest GETs once each, and ignores HEADs, blobs, mounts and unknown repositories', async () => {
    const pull = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      timestamp: '2026-03-01T12:30:00Z',
      action: 'pull',
      target: { mediaType: manifest, repository: 'alice/app', digest: 'sha256:aa', tag: 'v1' },
      request: { method: 'GET' },
      actor: { name: 'bobby' },
      ...extra,
    });
    const res = await notify([
      pull('p1'),
      pull('p1'),
      pull('p2', { request: { method: 'HEAD' } }),
      pull('p3', { target: { mediaType: 'application/octet-stream', repository: 'alice/app' } }),
      pull('p4', { actor: { name: 'tokenhub:hub-api' } }),
      pull('p5', { target: { mediaType: manifest, repository: 'alice/nope' } }),
      { id: 'm1', action: 'mount', target: { mediaType: manifest, repository: 'alice/app' } },
    ]);
    expect(res.json()).toEqual({ applied: 1, repeated: 1, ignored: 5 });
    expect(await repo()).toMatchObject({ pull_count: 1 });
  });

  it('records a push by tag (audited as repo.tag.push) and forgets deleted tags', async () => {
    const push = {
      id: 'push-1',
      timestamp: '2026-03-01T13:00:00Z',
      action: 'push',
      target: { mediaType: manifest, repository: 'alice/app', digest: 'sha256:bb', size: 527, tag: 'latest' },
      request: { method: 'PUT' },
      actor: { name: 'alice' },
    };
    expect((await notify([push])).json()).toMatchObject({ applied: 1 });
    const after = await repo();
    expect(after).toMatchObject({
      media_types: [manifest],
      content_types: ['image'],
      last_updated: '2026-03-01T13:00:00.000Z',
    });
    const tags = await t.database.db.selectFrom('repository_tags').selectAll().execute();
    expect(tags).toEqual([
      expect.objectContaining({ tag: 'latest', digest: 'sha256:bb', pushed_by: 'alice' }),
    ]);
    const log = (
      await t.inject({ method: 'GET', url: '/v2/auditlogs/alice?action=repo.tag.push', jwt })
    ).json();
    expect(log.logs[0]).toMatchObject({
      name: 'alice/app',
      actor: 'alice',
      data: { tag: 'latest', digest: 'sha256:bb' },
    });

    const removed = {
      id: 'del-1',
      action: 'delete',
      target: { repository: 'alice/app', digest: 'sha256:bb' },
    };
    expect((await notify([removed])).json()).toMatchObject({ applied: 1 });
    expect(await t.database.db.selectFrom('repository_tags').selectAll().execute()).toEqual([]);
  });

  it('refuses malformed envelopes with 400', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/registry/notifications',
      headers: { authorization: `Bearer ${secret}` },
      body: { events: [{ action: 'push' }] },
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('without the settings', () => {
  it('refuses notifications and answers tag routes with 404 naming the setting', async () => {
    const bare = await createTestApp();
    try {
      const res = await bare.inject({
        method: 'POST',
        url: '/v2/registry/notifications',
        body: { events: [] },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toContain('TOKENHUB_REGISTRY_NOTIFY_SECRET');
      const token = await bare.login('alice', await bare.signUp('alice'));
      await bare.inject({
        method: 'POST',
        url: '/v2/namespaces/alice/repositories',
        jwt: token,
        body: { name: 'app' },
      });
      const tags = await bare.inject({ method: 'GET', url: '/v2/repositories/alice/app/tags', jwt: token });
      expect(tags.statusCode).toBe(404);
      expect(tags.json().message).toContain('TOKENHUB_REGISTRY_URL');
      const repository = (
        await bare.inject({ method: 'GET', url: '/v2/repositories/alice/app', jwt: token })
      ).json();
      expect(repository).toMatchObject({ pull_count: 0, star_count: 0, media_types: [], storage_size: null });
    } finally {
      await bare.close();
    }
  });
});

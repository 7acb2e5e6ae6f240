/**
 * Repository facts from the real registry (docker-registry 2.8, skopeo): with TOKENHUB_REGISTRY_URL
 * the Hub API's tag lists are the registry's own, read with a token tokenhub signs itself; with
 * the registry's notifications delivered to tokenhub (TOKENHUB_REGISTRY_NOTIFY_SECRET) pushes and
 * pulls become push times, pull counts, pushers and `repo.tag.push` audit events, each once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDockerAnswer } from '../conformance/docker-answer.ts';
import { dockerHubApiAt } from '../conformance/docker-hub-api.ts';
import { HubToolClient, type Send } from '../conformance/hub-tool-client.ts';
import { TerraformHubClient } from '../conformance/terraform-hubclient.ts';
import type { TestApp } from '../support/app-harness.ts';
import { requireBinaries, skopeo } from '../support/clients.ts';
import { notifySecret, type RegistryStack, startRegistryStack } from '../support/registry-stack.ts';

const binariesPresent = requireBinaries(['docker-registry', 'skopeo']);

describe.skipIf(!binariesPresent)('repository facts from the real registry', () => {
  let stack: RegistryStack;
  let t: TestApp;
  let jwt: string;
  let creds: string;
  let pullDir: string;
  let password: string;

  const hub = (
    method: 'GET' | 'POST',
    url: string,
    options: { jwt?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => t.inject({ method, url, ...options });

  /** Docker's clients' requests, sent over HTTP to this stack's tokenhub (their host is hub.test). */
  const send: Send = async ({ method, url, headers, body }) => {
    const res = await fetch(url.replace('https://hub.test', stack.tokenhubUrl), {
      method,
      headers,
      ...(body === undefined || method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    return { status: res.status, body: await res.text() };
  };

  /** Notifications arrive asynchronously: waits until `check` holds (or 10 s pass). */
  async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    let value = await read();
    while (!check(value) && Date.now() < deadline) {
      await sleep(100);
      value = await read();
    }
    return value;
  }

  beforeAll(async () => {
    stack = await startRegistryStack({ withNotifications: true });
    t = stack.t;
    password = await t.signUp('alice');
    jwt = await t.login('alice', password);
    creds = `alice:${(await t.createPat(jwt, { scopes: ['repo:admin'] })).token}`;
    pullDir = await mkdtemp(join(tmpdir(), 'tokenhub-pull-'));
  });
  afterAll(async () => {
    await rm(pullDir, { recursive: true, force: true });
    await stack?.stop();
  });

  it('lists a pushed tag from the registry, with its digest, platform, size and pusher', async () => {
    const pushed = await stack.push(creds, 'alice/app');
    expect(pushed.code, pushed.stderr).toBe(0);
    const tags = await eventually(
      async () => (await hub('GET', '/v2/namespaces/alice/repositories/app/tags', { jwt })).json(),
      (page) => page.results?.[0]?.tag_last_pushed !== null,
    );
    expect(tags.count).toBe(1);
    const [tag] = tags.results;
    expect(tag).toMatchObject({
      name: '1',
      digest: stack.layout.manifestDigest,
      media_type: 'application/vnd.oci.image.manifest.v1+json',
      content_type: 'image',
      v2: true,
      status: 'active',
      last_updater_username: 'alice',
      tag_last_pulled: null,
    });
    expect(tag.tag_last_pushed).toEqual(expect.any(String));
    expect(tag.images).toEqual([
      expect.objectContaining({
        architecture: 'amd64',
        os: 'linux',
        digest: stack.layout.manifestDigest,
        layers: [expect.objectContaining({ digest: stack.layout.layerDigest })],
      }),
    ]);
    expect(tag.full_size).toBe(tag.images[0].size);
    expect(tag.full_size).toBeGreaterThan(0);
    // Docker's schemas (test/conformance) for the page and for one tag.
    const pageAnswer = await hub('GET', '/v2/namespaces/alice/repositories/app/tags?page=1&page_size=10', {
      jwt,
    });
    const route = 'GET /v2/namespaces/{ns}/repositories/{repo}/tags';
    expect(checkDockerAnswer(route, pageAnswer.statusCode, pageAnswer.body).problem).toBeUndefined();
    const tagAnswer = await hub('GET', '/v2/namespaces/alice/repositories/app/tags/1', { jwt });
    expect(checkDockerAnswer(`${route}/{tag}`, tagAnswer.statusCode, tagAnswer.body).problem).toBeUndefined();

    const one = await hub('GET', '/v2/repositories/alice/app/tags/1/', { jwt });
    expect(one.json()).toMatchObject({ name: '1', digest: stack.layout.manifestDigest });
    expect((await hub('GET', '/v2/repositories/alice/app/tags/2', { jwt })).statusCode).toBe(404);

    const audit = (await hub('GET', '/v2/auditlogs/alice?action=repo.tag.push', { jwt })).json();
    expect(audit.logs[0]).toMatchObject({
      action: 'repo.tag.push',
      name: 'alice/app',
      actor: 'alice',
      data: { tag: '1', digest: stack.layout.manifestDigest },
    });
  });

  it('counts a pull (a manifest GET), once, and shows the last push and pull on the repository', async () => {
    const pulled = await stack.pull(creds, 'alice/app', pullDir);
    expect(pulled.code, pulled.stderr).toBe(0);
    const repo = await eventually(
      async () => (await hub('GET', '/v2/namespaces/alice/repositories/app', { jwt })).json(),
      (r) => r.pull_count > 0,
    );
    expect(repo.pull_count).toBe(1);
    expect(repo.media_types).toEqual(['application/vnd.oci.image.manifest.v1+json']);
    expect(repo.content_types).toEqual(['image']);
    const tag = (await hub('GET', '/v2/namespaces/alice/repositories/app/tags/1', { jwt })).json();
    expect(tag.tag_last_pulled).toEqual(expect.any(String));
    // A HEAD (skopeo inspect asks for the manifest's digest) is not a pull.
    await stack.inspectRaw(creds, 'alice/app');
    await sleep(500);
    expect(
      (await hub('GET', '/v2/namespaces/alice/repositories/app', { jwt })).json().pull_count,
    ).toBeLessThanOrEqual(2);
  });

  it("Docker's clients read the tags: hub-tool tag ls and repo rm, the Terraform provider, docker-hub-api", async () => {
    const hubTool = new HubToolClient(send, stack.tokenhubUrl);
    await hubTool.login('alice', password);
    const listed = await hubTool.getTags('alice/app');
    expect([listed.total, listed.tags.map((tag) => tag.name)]).toEqual([1, ['1']]);
    expect((await hubTool.getTags('alice/app', '-last_updated')).total).toBe(1);

    const terraform = new TerraformHubClient(send, 'hub.test', 'alice', password);
    const tags = await terraform.getRepositoryTags('alice', 'app');
    expect(tags).toEqual([
      expect.objectContaining({ name: '1', digest: stack.layout.manifestDigest, v2: true }),
    ]);
    expect(await terraform.getRepositoryTag('alice', 'app', '1')).toMatchObject({
      name: '1',
      media_type: expect.any(String),
    });

    const library = dockerHubApiAt(stack.tokenhubUrl);
    await library.login('alice', password);
    expect((await library.tags('alice', 'app')).map((tag) => tag.name)).toEqual(['1']);

    // hub-tool repo rm without --force counts the tags first.
    expect((await stack.push(creds, 'alice/gone')).code).toBe(0);
    expect(await hubTool.removeRepositoryAfterCount('alice/gone')).toBe(1);
    expect((await hub('GET', '/v2/namespaces/alice/repositories/gone', { jwt })).statusCode).toBe(404);
  });

  it("deletes one tag as hub-tool's tag rm asks, keeping the tags that share its image, with delete access only", async () => {
    const hubTool = new HubToolClient(send, stack.tokenhubUrl);
    await hubTool.login('alice', password);
    expect((await stack.push(creds, 'alice/doomed')).code).toBe(0);
    expect(
      (
        await skopeo([
          'copy',
          '--dest-tls-verify=false',
          '--dest-creds',
          creds,
          `oci:${stack.layoutDir}:1`,
          `docker://${stack.registryHost}/alice/doomed:twin`,
        ])
      ).code,
    ).toBe(0);
    const tagUrl = (tag: string) => `/v2/repositories/alice/doomed/tags/${tag}/`;

    // A repo:write PAT may push but not delete; another account does not learn the repository exists.
    const writer = await t.createPat(jwt, { scopes: ['repo:write'] });
    const writerSession = await t.login('alice', writer.token);
    expect((await t.inject({ method: 'DELETE', url: tagUrl('1'), jwt: writerSession })).statusCode).toBe(403);
    const bob = await t.login('bobtags', await t.signUp('bobtags'));
    expect((await t.inject({ method: 'DELETE', url: tagUrl('1'), jwt: bob })).statusCode).toBe(404);

    // '1' and 'twin' name the same image: deleting '1' keeps 'twin', pullable, at the same digest.
    await hubTool.removeTag('alice/doomed', '1');
    expect((await hubTool.getTags('alice/doomed')).tags.map((tag) => tag.name)).toEqual(['twin']);
    const twin = await t.inject({ method: 'GET', url: tagUrl('twin'), jwt });
    expect(twin.json().digest).toBe(stack.layout.manifestDigest);
    await hubTool.removeTag('alice/doomed', 'twin');
    expect((await hubTool.getTags('alice/doomed')).total).toBe(0);
    expect((await t.inject({ method: 'DELETE', url: tagUrl('twin'), jwt })).statusCode).toBe(404);

    // Each delete once, by alice: the registry's notifications of tokenhub's own calls add nothing.
    const readAudit = () =>
      t.database.db
        .selectFrom('audit_events')
        .select(['action', 'actor_name', 'data'])
        .where('name', '=', 'alice/doomed')
        .where('action', 'in', ['repo.tag.delete', 'repo.tag.push'])
        .execute();
    await eventually(readAudit, (rows) => rows.length >= 4);
    await sleep(300);
    const audit = await readAudit();
    // Sorted: a push's notification may arrive after a later delete was recorded.
    expect(audit.map((event) => [event.action, event.actor_name, JSON.parse(event.data).tag]).sort()).toEqual(
      [
        ['repo.tag.delete', 'alice', '1'],
        ['repo.tag.delete', 'alice', 'twin'],
        ['repo.tag.push', 'alice', '1'],
        ['repo.tag.push', 'alice', 'twin'],
      ],
    );
  });

  it('applies a redelivered event once, and refuses a notification without the secret', async () => {
    const event = {
      id: 'redelivered-1',
      timestamp: new Date().toISOString(),
      action: 'pull',
      target: {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        repository: 'alice/app',
        digest: stack.layout.manifestDigest,
      },
      request: { method: 'GET' },
    };
    const before = (await hub('GET', '/v2/namespaces/alice/repositories/app', { jwt })).json().pull_count;
    const headers = {
      authorization: `Bearer ${notifySecret}`,
      'content-type': 'application/vnd.docker.distribution.events.v1+json',
    };
    const first = await hub('POST', '/v2/registry/notifications', {
      headers,
      body: JSON.stringify({ events: [event] }),
    });
    expect(first.json()).toEqual({ applied: 1, repeated: 0, ignored: 0 });
    const again = await hub('POST', '/v2/registry/notifications', {
      headers,
      body: JSON.stringify({ events: [event] }),
    });
    expect(again.json()).toEqual({ applied: 0, repeated: 1, ignored: 0 });
    expect((await hub('GET', '/v2/namespaces/alice/repositories/app', { jwt })).json().pull_count).toBe(
      before + 1,
    );
    const wrong = await hub('POST', '/v2/registry/notifications', {
      headers: { ...headers, authorization: 'Bearer not-the-secret-at-all' },
      body: JSON.stringify({ events: [event] }),
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('hides the tags of a private repository from those who may not pull it', async () => {
    expect((await hub('GET', '/v2/namespaces/alice/repositories/app/tags')).statusCode).toBe(404);
    const made = await hub('POST', '/v2/namespaces/alice/repositories', {
      jwt,
      body: { name: 'empty', is_private: false },
    });
    expect(made.statusCode).toBe(201);
    expect((await hub('GET', '/v2/namespaces/alice/repositories/empty/tags')).json()).toEqual({
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
  });

  it('answers 502 when the registry does not answer', async () => {
    await stack.registry.stop();
    const res = await hub('GET', '/v2/namespaces/alice/repositories/app/tags', { jwt });
    expect(res.statusCode).toBe(502);
    expect(res.json().message).toContain('did not answer');
  });
});

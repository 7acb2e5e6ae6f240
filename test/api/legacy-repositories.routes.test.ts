/**
 * Repositories as Docker's clients read them: the list's `name` and `ordering`, 404 past the last
 * page, the full description, the caller's `permissions`, and Docker Hub's older paths
 * (`/v2/repositories/…`, `/v2/users/{u}/repositories/`) that hub-tool, the Terraform provider and
 * docker-hub-api call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepository } from '../../src/storage/image-repository.repository.ts';
import { recordPull } from '../../src/storage/repository-details.repository.ts';
import { createTestApp, type InjectOptions, type TestApp } from '../support/app-harness.ts';
import { oatSession, setUpOrg } from '../support/org-fixtures.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let password: string;
const jwts: Record<string, string> = {};

const call = (method: InjectOptions['method'], url: string, jwt?: string, body?: unknown) =>
  t.inject({ method, url, jwt, body });
const names = (res: { json(): { results: { name: string }[] } }) => res.json().results.map((r) => r.name);

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  await t.signUp('bobby');
  for (const name of ['alice', 'bobby']) jwts[name] = await t.login(name, password);
  for (const [name, isPrivate] of [
    ['web', false],
    ['api', true],
    ['worker', false],
    ['web-tools', false],
  ] as const) {
    await call('POST', '/v2/namespaces/alice/repositories', jwts.alice, { name, is_private: isPrivate });
    t.clock.advanceSeconds(60);
  }
  const api = await findRepository(t.database.db, 'alice', 'api');
  const worker = await findRepository(t.database.db, 'alice', 'worker');
  for (let i = 0; i < 3; i++)
    await recordPull(t.database.db, worker?.id ?? '', { at: '2026-03-01T13:00:00.000Z' });
  await recordPull(t.database.db, api?.id ?? '', { at: '2026-03-01T13:00:00.000Z' });
});
afterAll(async () => t.close());

describe("the repository list, Docker Hub's way", () => {
  it('filters by a part of the name and orders by name, last update or pulls', async () => {
    const url = '/v2/namespaces/alice/repositories';
    expect(names(await call('GET', `${url}?name=WEB`, jwts.alice))).toEqual(['web', 'web-tools']);
    expect(names(await call('GET', `${url}?ordering=-name`, jwts.alice))).toEqual([
      'worker',
      'web-tools',
      'web',
      'api',
    ]);
    expect(names(await call('GET', `${url}?ordering=last_updated`, jwts.alice))).toEqual([
      'web',
      'api',
      'worker',
      'web-tools',
    ]);
    const byPulls = (await call('GET', `${url}?ordering=-pull_count`, jwts.alice)).json();
    expect(byPulls.results.map((r: { name: string; pull_count: number }) => [r.name, r.pull_count])).toEqual([
      ['worker', 3],
      ['api', 1],
      ['web', 0],
      ['web-tools', 0],
    ]);
  });

  it('refuses an unknown ordering naming the field, and answers 404 past the last page', async () => {
    const bad = await call('GET', '/v2/namespaces/alice/repositories?ordering=stars', jwts.alice);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toHaveProperty('ordering');
    const past = await call('GET', '/v2/namespaces/alice/repositories?page=3&page_size=2', jwts.alice);
    expect(past.statusCode).toBe(404);
    expect(past.json()).toMatchObject({ detail: expect.stringContaining('past the last page') });
    const empty = await call('GET', '/v2/namespaces/bobby/repositories?page=1', jwts.bobby);
    expect(empty.json()).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it('keeps the filters in next and previous', async () => {
    const page = (
      await call('GET', '/v2/namespaces/alice/repositories?name=w&ordering=name&page_size=1', jwts.alice)
    ).json();
    expect(page.next).toBe(
      'http://tokenhub.test/v2/namespaces/alice/repositories?page=2&page_size=1&name=w&ordering=name',
    );
  });
});

describe('one repository', () => {
  it("keeps a full description and shows the caller's permissions", async () => {
    const created = await call('POST', '/v2/namespaces/alice/repositories', jwts.alice, {
      name: 'docs',
      namespace: 'alice',
      description: 'short',
      full_description: '# Long\n\ntext',
      registry: 'docker.io',
      is_private: false,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      full_description: '# Long\n\ntext',
      permissions: { read: true, write: true, admin: true },
    });
    const asBobby = await call('GET', '/v2/namespaces/alice/repositories/docs', jwts.bobby);
    expect(asBobby.json().permissions).toEqual({ read: true, write: false, admin: false });
    const anonymous = await call('GET', '/v2/namespaces/alice/repositories/docs');
    expect(anonymous.json().permissions).toEqual({ read: true, write: false, admin: false });
    const wrongNamespace = await call('POST', '/v2/namespaces/alice/repositories', jwts.alice, {
      name: 'other',
      namespace: 'bobby',
    });
    expect(wrongNamespace.statusCode).toBe(400);
    expect(wrongNamespace.json().fields).toHaveProperty('namespace');
  });

  it('answers HEAD like GET, without a body', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: '/v2/namespaces/alice/repositories/docs' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(
      (await t.app.inject({ method: 'HEAD', url: '/v2/namespaces/alice/repositories/api' })).statusCode,
    ).toBe(404);
  });
});

describe("Docker Hub's older repository paths", () => {
  it('lists (hub-tool, docker-hub-api), reads, changes and deletes', async () => {
    const list = await call(
      'GET',
      '/v2/repositories/alice?page_size=100&page=1&ordering=last_updated',
      jwts.alice,
    );
    expect(list.statusCode).toBe(200);
    expect(names(list)).toEqual(['web', 'api', 'worker', 'web-tools', 'docs']);
    expect(names(await call('GET', '/v2/repositories/alice/'))).not.toContain('api');
    expect(names(await call('GET', '/v2/users/alice/repositories/', jwts.alice))).toContain('api');

    const created = await call('POST', '/v2/repositories/', jwts.alice, {
      name: 'legacy',
      namespace: 'alice',
      is_private: true,
      description: 'made the old way',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'legacy', namespace: 'alice', is_private: true });
    const read = await call('GET', '/v2/repositories/alice/legacy/', jwts.alice);
    expect(read.json()).toMatchObject({ description: 'made the old way', user: 'alice' });

    // The Terraform provider's update: descriptions and immutable tags off.
    const patched = await call('PATCH', '/v2/repositories/alice/legacy/', jwts.alice, {
      description: 'new',
      full_description: 'full',
      immutable_tags: false,
    });
    expect(patched.json()).toMatchObject({ description: 'new', full_description: 'full' });
    const immutable = await call('PATCH', '/v2/repositories/alice/legacy/', jwts.alice, {
      immutable_tags: true,
    });
    expect(immutable.statusCode).toBe(400);
    expect(immutable.json().fields).toHaveProperty('immutable_tags');

    const privacy = await call('POST', '/v2/repositories/alice/legacy/privacy', jwts.alice, {
      is_private: false,
    });
    expect(privacy.statusCode).toBe(200);
    expect(privacy.json().is_private).toBe(false);
    expect((await call('GET', '/v2/repositories/alice/legacy')).statusCode).toBe(200);

    expect((await call('DELETE', '/v2/repositories/alice/legacy/', jwts.bobby)).statusCode).toBe(403);
    expect((await call('DELETE', '/v2/repositories/alice/legacy/', jwts.alice)).statusCode).toBe(204);
    expect((await call('GET', '/v2/repositories/alice/legacy/', jwts.alice)).statusCode).toBe(404);
  });

  it('refuses organization access tokens, as Docker Hub does on these paths', async () => {
    const org = await setUpOrg(t, 'acme', { owner: 'alice', members: [] });
    const robot = await oatSession(t, org, ['scope-member-read']);
    const res = await call('GET', '/v2/repositories/acme/', robot);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toBe('token issued from organization access token is not allowed');
  });
});

describe('security suite', () => {
  const fixture = () => ({ t, username: 'alice', password });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/repositories/alice/',
    allows: ['password', 'pat'],
    anonymous: true,
  });
  runSharedSecuritySuite(fixture, {
    method: 'PATCH',
    url: '/v2/repositories/alice/web/',
    body: { description: 'suite' },
    allows: ['password', 'pat'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/repositories/alice/web/privacy',
    body: { is_private: false },
    allows: ['password', 'pat'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/repositories/',
    body: { name: 'suite', namespace: 'alice' },
    allows: ['password', 'pat'],
    foreignAccount: 403,
  });
});

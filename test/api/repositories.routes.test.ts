import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PatScope, patScopes } from '../../src/core/access-token-scopes.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let alicePassword: string;
let aliceJwt: string;
let bobJwt: string;
let adminJwt: string;
/** Alice's PAT-derived sessions, one per level. */
let aliceVia: Record<PatScope, string>;

const listUrl = (ns = 'alice') => `/v2/namespaces/${ns}/repositories`;
const repoUrl = (name: string, ns = 'alice') => `/v2/namespaces/${ns}/repositories/${name}`;

async function create(jwt: string, body: Record<string, unknown>, ns = 'alice') {
  return t.inject({ method: 'POST', url: listUrl(ns), jwt, body });
}

async function createOrThrow(body: Record<string, unknown>): Promise<void> {
  const res = await create(aliceJwt, body);
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
}

/** Names in alice's namespace as `jwt` (or an anonymous caller) sees them. */
async function visibleNames(jwt?: string): Promise<string[]> {
  const res = await t.inject({ method: 'GET', url: `${listUrl()}?page_size=100`, jwt });
  expect(res.statusCode).toBe(200);
  return res.json().results.map((r: { name: string }) => r.name);
}

const status = async (method: 'GET' | 'PATCH' | 'DELETE', url: string, jwt?: string, body?: unknown) =>
  (await t.inject({ method, url, jwt, body })).statusCode;

beforeAll(async () => {
  t = await createTestApp();
  alicePassword = await t.signUp('alice');
  await t.signUp('bobby');
  await t.signUp('carol');
  await t.database.db.updateTable('users').set({ is_admin: 1 }).where('username', '=', 'carol').execute();
  aliceJwt = await t.login('alice', alicePassword);
  bobJwt = await t.login('bobby', alicePassword);
  adminJwt = await t.login('carol', alicePassword);
  const sessions = {} as Record<PatScope, string>;
  for (const scope of patScopes) {
    sessions[scope] = await t.login('alice', (await t.createPat(aliceJwt, { scopes: [scope] })).token);
  }
  aliceVia = sessions;
  await createOrThrow({ name: 'pub', is_private: false, description: 'public one' });
  await createOrThrow({ name: 'priv', is_private: true });
});
afterAll(async () => t.close());

describe('POST /v2/namespaces/{ns}/repositories', () => {
  it('creates a repository with Docker Hub field names', async () => {
    const res = await create(aliceJwt, { name: 'app', description: 'my app' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      name: 'app',
      namespace: 'alice',
      user: 'alice',
      hub_user: 'alice',
      repository_type: 'image',
      description: 'my app',
      full_description: '',
      is_private: t.config.repositoryDefaultPrivate,
      status: 1,
      status_description: 'active',
      last_updated: '2026-03-01T12:00:00.000Z',
      last_modified: '2026-03-01T12:00:00.000Z',
      date_registered: '2026-03-01T12:00:00.000Z',
      star_count: 0,
      pull_count: 0,
      is_automated: false,
      collaborator_count: 0,
      has_starred: false,
      affiliation: '',
      permissions: { read: true, write: true, admin: true },
      media_types: [],
      content_types: [],
      categories: [],
      immutable_tags_settings: { enabled: false, rules: [] },
      storage_size: null,
      source: null,
    });
    expect((await t.inject({ method: 'GET', url: repoUrl('app'), jwt: aliceJwt })).json().name).toBe('app');
  });

  it('defaults visibility from TOKENHUB_REPOSITORY_DEFAULT_PRIVATE', async () => {
    const open = await createTestApp({ env: { TOKENHUB_REPOSITORY_DEFAULT_PRIVATE: 'false' } });
    try {
      const jwt = await open.login('dave', await open.signUp('dave'));
      const res = await open.inject({ method: 'POST', url: listUrl('dave'), jwt, body: { name: 'x' } });
      expect(res.json()).toMatchObject({ is_private: false, description: '' });
    } finally {
      await open.close();
    }
  });

  it('answers 409 for an existing name, visible or not', async () => {
    const res = await create(aliceJwt, { name: 'priv', is_private: false });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ detail: 'repository already exists: alice/priv' });
  });

  it('accepts separators and a 100-character description, counting characters', async () => {
    const res = await create(aliceJwt, { name: 'my-app.v2__x_y', description: 'é'.repeat(100) });
    expect(res.statusCode).toBe(201);
  });

  it.each([
    [{ name: 'App' }, 'name'],
    [{ name: '..' }, 'name'],
    [{ name: 'a..b' }, 'name'],
    [{ name: '-app' }, 'name'],
    [{ name: 'app_' }, 'name'],
    [{ name: 'team/app' }, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'a'.repeat(250) }, 'name'],
    [{ name: 'a'.repeat(256) }, 'name'],
    [{ name: `${'a'.repeat(60)}!` }, 'name'],
    [{ name: 'ok a' }, 'name'],
    [{ name: 5 }, 'name'],
    [{}, 'name'],
    [{ name: 'ok', is_private: 'yes' }, 'is_private'],
    [{ name: 'ok', description: 'x'.repeat(101) }, 'description'],
    [{ name: 'ok', description: 7 }, 'description'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const res = await create(aliceJwt, body);
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().fields)).toContain(field);
  });

  it('refuses a body that is not an object or not JSON with 400', async () => {
    expect((await create(aliceJwt, ['app'] as unknown as Record<string, unknown>)).statusCode).toBe(400);
    const bad = await t.inject({
      method: 'POST',
      url: listUrl(),
      jwt: aliceJwt,
      body: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('answers 404 for an unknown namespace and 403 in another account’s', async () => {
    expect((await create(aliceJwt, { name: 'x' }, 'nobody')).statusCode).toBe(404);
    const res = await create(bobJwt, { name: 'x' });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/creating repositories in alice needs push access/);
  });
});

describe('GET /v2/namespaces/{ns}/repositories', () => {
  let fresh: TestApp;
  let jwt: string;
  beforeAll(async () => {
    fresh = await createTestApp();
    jwt = await fresh.login('erin', await fresh.signUp('erin'));
    for (const i of [7, 3, 11, 0, 5, 9, 1, 10, 2, 8, 4, 6]) {
      const res = await fresh.inject({
        method: 'POST',
        url: listUrl('erin'),
        jwt,
        body: { name: `repo${String(i).padStart(2, '0')}`, is_private: i % 3 === 0 },
      });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => fresh.close());

  it('pages by name with full next/previous URLs', async () => {
    const first = (
      await fresh.inject({ method: 'GET', url: `${listUrl('erin')}?page=1&page_size=5`, jwt })
    ).json();
    expect(first.count).toBe(12);
    expect(first.results.map((r: { name: string }) => r.name)).toEqual([
      'repo00',
      'repo01',
      'repo02',
      'repo03',
      'repo04',
    ]);
    expect(first.next).toBe('http://tokenhub.test/v2/namespaces/erin/repositories?page=2&page_size=5');
    expect(first.previous).toBeNull();
    const last = (
      await fresh.inject({ method: 'GET', url: `${listUrl('erin')}?page=3&page_size=5`, jwt })
    ).json();
    expect(last.results.map((r: { name: string }) => r.name)).toEqual(['repo10', 'repo11']);
    expect(last.next).toBeNull();
    expect(last.previous).toBe('http://tokenhub.test/v2/namespaces/erin/repositories?page=2&page_size=5');
  });

  it('counts and pages only what an anonymous caller may pull', async () => {
    const res = (await fresh.inject({ method: 'GET', url: `${listUrl('erin')}?page_size=5` })).json();
    expect(res.count).toBe(8);
    expect(res.results.map((r: { name: string }) => r.name)).toEqual([
      'repo01',
      'repo02',
      'repo04',
      'repo05',
      'repo07',
    ]);
    expect(res.next).toBe('http://tokenhub.test/v2/namespaces/erin/repositories?page=2&page_size=5');
  });

  it('refuses nonsense paging, an unknown namespace, and bad credentials', async () => {
    expect((await fresh.inject({ method: 'GET', url: `${listUrl('erin')}?page=0` })).statusCode).toBe(400);
    expect((await fresh.inject({ method: 'GET', url: `${listUrl('erin')}?page_size=x` })).statusCode).toBe(
      400,
    );
    expect((await fresh.inject({ method: 'GET', url: listUrl('nobody') })).statusCode).toBe(404);
    // Anonymous reads are allowed, but credentials that are sent must be valid.
    expect((await fresh.inject({ method: 'GET', url: listUrl('erin'), jwt: 'not-a-jwt' })).statusCode).toBe(
      401,
    );
  });
});

describe('GET /v2/namespaces/{ns}/repositories/{name}', () => {
  it('shows a public repository to anyone and hides a private one as missing', async () => {
    expect(await status('GET', repoUrl('pub'))).toBe(200);
    const hidden = await t.inject({ method: 'GET', url: repoUrl('priv') });
    const missing = await t.inject({ method: 'GET', url: repoUrl('nothing') });
    expect(hidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(hidden.body.replaceAll('priv', 'X')).toBe(missing.body.replaceAll('nothing', 'X'));
    expect(await status('GET', repoUrl('priv'), bobJwt)).toBe(404);
    expect(await status('GET', repoUrl('priv'), aliceJwt)).toBe(200);
    expect(await status('GET', repoUrl('pub', 'nobody'))).toBe(404);
  });

  it('answers 400 for malformed names in the path', async () => {
    for (const name of ['App', 'a..b', 'x%2E%2E', 'team%2Fapp', 'a%20b']) {
      const res = await t.inject({ method: 'GET', url: repoUrl(name) });
      expect(res.statusCode).toBe(400);
      expect(Object.keys(res.json().fields)).toEqual(['name']);
    }
    // A `..` segment is resolved by URL parsing and never reaches the route.
    expect(await status('GET', repoUrl('%2E%2E'))).toBe(404);
  });
});

describe('permissions', () => {
  it('another account: sees public only, may change nothing (403 on what it sees, 404 otherwise)', async () => {
    expect(await visibleNames(bobJwt)).not.toContain('priv');
    const patch = await t.inject({
      method: 'PATCH',
      url: repoUrl('pub'),
      jwt: bobJwt,
      body: { description: 'x' },
    });
    expect(patch.statusCode).toBe(403);
    expect(patch.json().detail).toMatch(/needs push access: this account does not have push access/);
    expect(await status('DELETE', repoUrl('pub'), bobJwt)).toBe(403);
    expect(await status('PATCH', repoUrl('priv'), bobJwt, { description: 'x' })).toBe(404);
    expect(await status('DELETE', repoUrl('priv'), bobJwt)).toBe(404);
  });

  it('anonymous sees public only', async () => {
    const names = await visibleNames();
    expect(names).toContain('pub');
    expect(names).not.toContain('priv');
  });

  it('repo:public_read session: public only, no writes', async () => {
    const jwt = aliceVia['repo:public_read'];
    expect(await visibleNames(jwt)).toEqual(await visibleNames());
    expect(await status('GET', repoUrl('priv'), jwt)).toBe(404);
    const res = await create(jwt, { name: 'viapublic' });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/scope repo:public_read, which does not include push/);
    expect(await status('PATCH', repoUrl('pub'), jwt, { description: 'x' })).toBe(403);
  });

  it('repo:read session: sees private, may not create or change', async () => {
    const jwt = aliceVia['repo:read'];
    expect(await visibleNames(jwt)).toContain('priv');
    expect(await status('GET', repoUrl('priv'), jwt)).toBe(200);
    expect((await create(jwt, { name: 'viaread' })).statusCode).toBe(403);
    expect(await status('PATCH', repoUrl('priv'), jwt, { description: 'x' })).toBe(403);
    expect(await status('DELETE', repoUrl('priv'), jwt)).toBe(403);
  });

  it('repo:write session: creates and edits the description, may not change visibility or delete', async () => {
    const jwt = aliceVia['repo:write'];
    expect((await create(jwt, { name: 'viawrite', is_private: true })).statusCode).toBe(201);
    const edited = await t.inject({
      method: 'PATCH',
      url: repoUrl('viawrite'),
      jwt,
      body: { description: 'd' },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ description: 'd', is_private: true });
    // Sending the current visibility is not a change.
    expect(await status('PATCH', repoUrl('viawrite'), jwt, { is_private: true, description: 'e' })).toBe(200);
    const flip = await t.inject({
      method: 'PATCH',
      url: repoUrl('viawrite'),
      jwt,
      body: { is_private: false },
    });
    expect(flip.statusCode).toBe(403);
    expect(flip.json().detail).toMatch(/visibility of alice\/viawrite needs delete access: .*repo:write/);
    expect(await status('DELETE', repoUrl('viawrite'), jwt)).toBe(403);
    expect((await t.inject({ method: 'GET', url: repoUrl('viawrite'), jwt })).json()).toMatchObject({
      description: 'e',
      is_private: true,
    });
  });

  it('repo:admin session: changes visibility and deletes', async () => {
    const jwt = aliceVia['repo:admin'];
    expect((await create(jwt, { name: 'viaadmin', is_private: true })).statusCode).toBe(201);
    const flip = await t.inject({
      method: 'PATCH',
      url: repoUrl('viaadmin'),
      jwt,
      body: { is_private: false },
    });
    expect(flip.json().is_private).toBe(false);
    expect(await status('GET', repoUrl('viaadmin'))).toBe(200);
    expect(await status('DELETE', repoUrl('viaadmin'), jwt)).toBe(204);
  });

  it('instance administrator: sees and manages any namespace, audited under the owner', async () => {
    expect(await visibleNames(adminJwt)).toContain('priv');
    expect((await create(adminJwt, { name: 'byadmin' })).statusCode).toBe(201);
    expect(await status('PATCH', repoUrl('byadmin'), adminJwt, { is_private: false })).toBe(200);
    expect(await status('DELETE', repoUrl('byadmin'), adminJwt)).toBe(204);
    const events = await t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('name', '=', 'alice/byadmin')
      .execute();
    expect(events.map((e) => e.action).sort()).toEqual(['repo.change_privacy', 'repo.create', 'repo.delete']);
    for (const event of events) expect(event).toMatchObject({ account_name: 'alice', actor_name: 'carol' });
  });
});

describe('PATCH and DELETE', () => {
  it('updates, then deletes the record', async () => {
    await createOrThrow({ name: 'short-lived', is_private: true });
    t.clock.advanceSeconds(60);
    const res = await t.inject({
      method: 'PATCH',
      url: repoUrl('short-lived'),
      jwt: aliceJwt,
      body: { is_private: false, description: 'now public' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ is_private: false, description: 'now public' });
    expect(res.json().last_updated > res.json().date_registered).toBe(true);
    const deleted = await t.inject({ method: 'DELETE', url: repoUrl('short-lived'), jwt: aliceJwt });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(await status('GET', repoUrl('short-lived'), aliceJwt)).toBe(404);
    expect(await status('DELETE', repoUrl('short-lived'), aliceJwt)).toBe(404);
    const actions = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'account_name', 'actor_name', 'data'])
      .where('name', '=', 'alice/short-lived')
      .execute();
    // Docker Hub's names: the visibility is repo.change_privacy, the description repo.update.
    expect(actions.map((a) => a.action).sort()).toEqual([
      'repo.change_privacy',
      'repo.create',
      'repo.delete',
      'repo.update',
    ]);
    const update = actions.find((a) => a.action === 'repo.update');
    expect(JSON.parse(update?.data ?? '{}').changed).toEqual(['description']);
    const privacy = actions.find((a) => a.action === 'repo.change_privacy');
    expect(JSON.parse(privacy?.data ?? '{}')).toMatchObject({ is_private: false });
  });

  it.each([
    [{ is_private: 'no' }, 'is_private'],
    [{ description: 'x'.repeat(101) }, 'description'],
    [{ description: null }, 'description'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const res = await t.inject({ method: 'PATCH', url: repoUrl('pub'), jwt: aliceJwt, body });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().fields)).toContain(field);
  });
});

const fixture = () => ({ t, username: 'alice', password: alicePassword });
describe('shared security suite', () => {
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: listUrl(),
    body: { name: 'suite' },
    allows: ['password', 'pat'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'PATCH',
    url: repoUrl('pub'),
    body: { description: 'suite' },
    allows: ['password', 'pat'],
    foreignAccount: 403,
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: repoUrl('suite'),
    allows: ['password', 'pat'],
    foreignAccount: 404,
  });
  // hub-tool's tag rm (without a registry configured the allowed sessions get 404 naming the setting).
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/repositories/alice/pub/tags/1/',
    allows: ['password', 'pat'],
    foreignAccount: 404,
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: listUrl(),
    allows: ['password', 'pat'],
    anonymous: true,
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: repoUrl('pub'),
    allows: ['password', 'pat'],
    anonymous: true,
  });
});

/**
 * Repositories in an organization's namespace through the Hub API: owners do everything, members
 * see public repositories and those their groups grant, and nobody else sees private ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../../src/core/organization-rules.ts';
import {
  addGroupMember,
  createGroup,
  setGroupRepositoryPermission,
} from '../../src/services/orgs/org-group.service.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { fixtureMeta as meta, setUpOrg } from '../support/org-fixtures.ts';

let t: TestApp;
let acme: Organization;
const jwts: Record<string, string> = {};
const operator = { id: null, name: 'operator' };

beforeAll(async () => {
  t = await createTestApp();
  for (const name of ['alice', 'bobby', 'carol']) jwts[name] = await t.login(name, await t.signUp(name));
  acme = await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby'] });
  const readers = await createGroup(t.app.services, acme, { name: 'readers' }, operator, meta);
  await addGroupMember(t.app.services, acme, readers.name, 'bobby', operator, meta);
  await setGroupRepositoryPermission(t.app.services, acme, readers.name, 'api', 'read', operator, meta);
  for (const [name, isPrivate] of [
    ['api', true],
    ['web', true],
    ['docs', false],
  ] as const) {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/namespaces/acme/repositories',
      jwt: jwts.alice,
      body: { name, is_private: isPrivate },
    });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(async () => t.close());

const names = async (jwt?: string) =>
  (await t.inject({ method: 'GET', url: '/v2/namespaces/acme/repositories', jwt }))
    .json()
    .results.map((r: { name: string }) => r.name);

describe('repositories of an organization', () => {
  it('owners see all, members what their groups grant plus public ones, others public only', async () => {
    expect(await names(jwts.alice)).toEqual(['api', 'docs', 'web']);
    expect(await names(jwts.bobby)).toEqual(['api', 'docs']);
    expect(await names(jwts.carol)).toEqual(['docs']);
    expect(await names()).toEqual(['docs']);
  });

  it('pages and counts a member’s view in the database, and a public_read PAT narrows it to public', async () => {
    const page = await t.inject({
      method: 'GET',
      url: '/v2/namespaces/acme/repositories?page=2&page_size=1',
      jwt: jwts.bobby,
    });
    expect(page.json()).toMatchObject({ count: 2, results: [{ name: 'docs' }] });
    expect(page.json().next).toBeNull();
    const publicRead = await t.createPat(jwts.bobby ?? '', { scopes: ['repo:public_read'] });
    expect(await names(await t.login('bobby', publicRead.token))).toEqual(['docs']);
    const read = await t.createPat(jwts.bobby ?? '', { scopes: ['repo:read'] });
    expect(await names(await t.login('bobby', read.token))).toEqual(['api', 'docs']);
  });

  it('a member with read may read but not change or create; a private repository they lack is "not found"', async () => {
    expect(
      (await t.inject({ method: 'GET', url: '/v2/namespaces/acme/repositories/api', jwt: jwts.bobby }))
        .statusCode,
    ).toBe(200);
    expect(
      (await t.inject({ method: 'GET', url: '/v2/namespaces/acme/repositories/web', jwt: jwts.bobby }))
        .statusCode,
    ).toBe(404);
    const patch = await t.inject({
      method: 'PATCH',
      url: '/v2/namespaces/acme/repositories/api',
      jwt: jwts.bobby,
      body: { description: 'mine now' },
    });
    expect(patch.statusCode).toBe(403);
    const create = await t.inject({
      method: 'POST',
      url: '/v2/namespaces/acme/repositories',
      jwt: jwts.bobby,
      body: { name: 'new' },
    });
    expect(create.statusCode).toBe(403);
  });

  it('records changes in the organization’s audit log', async () => {
    const events = await t.database.db
      .selectFrom('audit_events')
      .select(['account_name', 'actor_name'])
      .where('action', '=', 'repo.create')
      .where('name', 'like', 'acme/%')
      .execute();
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.account_name === 'acme' && e.actor_name === 'alice')).toBe(true);
  });
});

describe('GET /v2/users/me/orgs', () => {
  it('lists the caller’s organizations with their role', async () => {
    const mine = async (jwt?: string) =>
      (await t.inject({ method: 'GET', url: '/v2/users/me/orgs', jwt })).json();
    expect(await mine(jwts.alice)).toEqual({
      results: [{ id: acme.id, name: 'acme', tier: 'free', role: 'owner' }],
    });
    expect((await mine(jwts.bobby)).results).toEqual([
      expect.objectContaining({ name: 'acme', role: 'member' }),
    ]);
    expect(await mine(jwts.carol)).toEqual({ results: [] });
    expect((await t.inject({ method: 'GET', url: '/v2/users/me/orgs' })).statusCode).toBe(401);
  });
});

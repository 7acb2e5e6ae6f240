/**
 * The Editor role: set through the member and invite routes, it lets a member create, update and
 * delete the organization's repositories and set group permissions on them, and nothing of the
 * owners' administration (members, invites, groups, access tokens). Registry grants follow: push
 * and delete on every repository of the organization unless one of the editor's groups says less.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Organization } from '../../src/core/organization-rules.ts';
import { addGroupMember, createGroup } from '../../src/services/orgs/org-group.service.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { fixtureMeta as meta, setOrgTier, setUpOrg } from '../support/org-fixtures.ts';

const operator = { id: null, name: 'operator' };

let t: TestApp;
let password: string;
let acme: Organization;
const jwts: Record<string, string> = {};

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  jwt?: string,
  body?: unknown,
) => t.inject({ method, url, jwt, body });

async function granted(username: string, secret: string, scope: string): Promise<string[]> {
  const res = await t.inject({
    method: 'GET',
    url: `/token?service=tokenhub-registry&scope=${encodeURIComponent(scope)}`,
    headers: { authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` },
  });
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(Buffer.from(res.json().token.split('.')[1], 'base64url').toString()).access[0].actions;
}

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  for (const name of ['bobby', 'carol']) await t.signUp(name);
  for (const name of ['alice', 'bobby', 'carol']) jwts[name] = await t.login(name, password);
  acme = await setUpOrg(t, 'acme', { members: ['bobby', 'carol'] });
  await setOrgTier(t, 'acme', 'team');
});
afterAll(async () => t.close());

describe('the editor role', () => {
  it('is a role of the member routes: set, shown as Editor, filtered by', async () => {
    const set = await call('PUT', '/v2/orgs/acme/members/carol', jwts.alice, { role: 'editor' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ username: 'carol', role: 'Editor' });
    const editors = (await call('GET', '/v2/orgs/acme/members?role=editor', jwts.alice)).json();
    expect(editors.results.map((m: { username: string }) => m.username)).toEqual(['carol']);
    const mine = (await call('GET', '/v2/users/me/orgs', jwts.carol)).json();
    expect(mine.results).toEqual([expect.objectContaining({ name: 'acme', role: 'editor' })]);
  });

  it('invites with the editor role', async () => {
    await t.signUp('daisy', password);
    const sent = await call('POST', '/v2/orgs/acme/invites', jwts.alice, {
      invitee: 'daisy',
      role: 'editor',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().role).toBe('editor');
    const daisy = await t.login('daisy', password);
    const accepted = await call('POST', `/v2/invites/${sent.json().id}/accept`, daisy);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().role).toBe('Editor');
  });

  it('creates, updates and deletes the organization repositories; a member cannot', async () => {
    const created = await call('POST', '/v2/namespaces/acme/repositories', jwts.carol, { name: 'app' });
    expect(created.statusCode, created.body).toBe(201);
    const updated = await call('PATCH', '/v2/namespaces/acme/repositories/app', jwts.carol, {
      description: 'by an editor',
      is_private: false,
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(
      (await call('POST', '/v2/namespaces/acme/repositories', jwts.bobby, { name: 'x' })).statusCode,
    ).toBe(403);
    expect((await call('DELETE', '/v2/namespaces/acme/repositories/app', jwts.bobby)).statusCode).toBe(403);
    expect((await call('DELETE', '/v2/namespaces/acme/repositories/app', jwts.carol)).statusCode).toBe(204);
  });

  it('sets group permissions on repositories, but manages no groups, members, invites or tokens', async () => {
    await createGroup(t.app.services, acme, { name: 'devs' }, operator, meta);
    const perm = await call('PUT', '/v2/orgs/acme/groups/devs/repositories/api', jwts.carol, {
      permission: 'write',
    });
    expect(perm.statusCode, perm.body).toBe(200);
    expect((await call('DELETE', '/v2/orgs/acme/groups/devs/repositories/api', jwts.carol)).statusCode).toBe(
      204,
    );
    expect(
      (await call('PUT', '/v2/orgs/acme/groups/devs/repositories/api', jwts.bobby, { permission: 'read' }))
        .statusCode,
    ).toBe(403);
    const refused = [
      await call('POST', '/v2/orgs/acme/groups', jwts.carol, { name: 'mine' }),
      await call('PUT', '/v2/orgs/acme/members/bobby', jwts.carol, { role: 'editor' }),
      await call('POST', '/v2/orgs/acme/invites', jwts.carol, { invitee: 'nobody@example.com' }),
      await call('GET', '/v2/orgs/acme/access-tokens', jwts.carol),
    ];
    expect(refused.map((res) => res.statusCode)).toEqual([403, 403, 403, 403]);
  });

  it('grants editors push and delete at the registry, unless a group says less; members get their groups', async () => {
    const carolPat = (await t.createPat(jwts.carol ?? '', { scopes: ['repo:admin'] })).token;
    const bobbyPat = (await t.createPat(jwts.bobby ?? '', { scopes: ['repo:admin'] })).token;
    expect(await granted('carol', carolPat, 'repository:acme/web:pull,push,delete')).toEqual([
      'delete',
      'pull',
      'push',
    ]);
    expect(await granted('bobby', bobbyPat, 'repository:acme/web:pull,push,delete')).toEqual([]);
    const readers = await createGroup(t.app.services, acme, { name: 'readers' }, operator, meta);
    await addGroupMember(t.app.services, acme, readers.name, 'carol', operator, meta);
    const limit = await call('PUT', '/v2/orgs/acme/groups/readers/repositories/web', jwts.alice, {
      permission: 'read',
    });
    expect(limit.statusCode, limit.body).toBe(200);
    expect(await granted('carol', carolPat, 'repository:acme/web:pull,push,delete')).toEqual(['pull']);
    expect(await granted('carol', carolPat, 'repository:acme/other:push')).toEqual(['push']);
  });
});

/**
 * Organizations end to end with the real registry and skopeo: an OAT pushes and pulls exactly what
 * its resources allow, group permissions give members their registry rights, and removing a member
 * or deactivating an OAT takes effect at the next `/token` call.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { insertRepositoryIfAbsent } from '../../src/storage/image-repository.repository.ts';
import type { TestApp } from '../support/app-harness.ts';
import { dockerLogin, hasBinary, requireBinaries } from '../support/clients.ts';
import { setOrgTier } from '../support/org-fixtures.ts';
import { type RegistryStack, startRegistryStack } from '../support/registry-stack.ts';

const binariesPresent = requireBinaries(['docker-registry', 'skopeo']);

describe.skipIf(!binariesPresent)('organization access tokens with the real registry', () => {
  let stack: RegistryStack;
  let t: TestApp;
  let ownerJwt: string;
  let password: string;
  let memberPat: string;

  const oat = async (label: string, resources: unknown[]) => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/access-tokens',
      jwt: ownerJwt,
      body: { label, resources },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string; token: string }>();
  };
  const ok = async (call: Promise<{ code: number; stderr: string }>) => {
    const result = await call;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  };
  const refused = async (call: Promise<{ code: number }>) => expect((await call).code).not.toBe(0);
  const api = async (method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
    const res = await t.inject({ method, url, jwt: ownerJwt, body });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  };

  beforeAll(async () => {
    stack = await startRegistryStack();
    t = stack.t;
    password = await t.signUp('alice');
    await t.signUp('bobby');
    ownerJwt = await t.login('alice', password);
    await api('POST', '/v2/orgs', { name: 'acme' });
    await setOrgTier(t, 'acme', 'team');

    // Seed: alice's public repository and acme/web, pushed by the owner.
    const now = new Date().toISOString();
    await insertRepositoryIfAbsent(t.database.db, {
      id: newId(),
      namespace: 'alice',
      name: 'pub',
      isPrivate: false,
      description: '',
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    await ok(stack.push(`alice:${password}`, 'alice/pub'));
    await ok(stack.push(`alice:${password}`, 'acme/web'));

    // bobby joins acme, in a group with read on acme/api.
    await api('POST', '/v2/orgs/acme/invites', { invitee: 'bobby', role: 'member' });
    const bobJwt = await t.login('bobby', password);
    const invites = await t.inject({ method: 'GET', url: '/v2/users/me/invites', jwt: bobJwt });
    const inviteId = (invites.json() as { results: Array<{ id: string }> }).results[0]?.id;
    expect(
      (await t.inject({ method: 'POST', url: `/v2/invites/${inviteId}/accept`, jwt: bobJwt })).statusCode,
    ).toBe(200);
    await api('POST', '/v2/orgs/acme/groups', { name: 'readers' });
    await api('POST', '/v2/orgs/acme/groups/readers/members', { username: 'bobby' });
    await api('PUT', '/v2/orgs/acme/groups/readers/repositories/api', { permission: 'read' });
    memberPat = (await t.createPat(bobJwt, { scopes: ['repo:read'] })).token;
  }, 60_000);
  afterAll(async () => stack?.stop());

  it('an OAT with push on acme/api pushes and pulls it, and cannot push acme/web', async () => {
    const { token } = await oat('api pusher', [
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
    ]);
    if (hasBinary('docker')) {
      // The organization name is the login name (Docker Hub: "login name = organization").
      const login = await dockerLogin({
        registryHost: stack.registryHost,
        username: 'acme',
        secret: token,
        dockerConfigDir: join(stack.dir, 'docker-oat'),
      });
      expect(login.stdout + login.stderr).toContain('Login Succeeded');
    }
    await ok(stack.push(`acme:${token}`, 'acme/api'));
    await ok(stack.pull(`acme:${token}`, 'acme/api', join(stack.dir, 'oat-pull')));
    await refused(stack.push(`acme:${token}`, 'acme/web'));
    await refused(stack.inspectRaw(`acme:${token}`, 'acme/web'));
    const repo = await t.database.db
      .selectFrom('repositories')
      .selectAll()
      .where('namespace', '=', 'acme')
      .where('name', '=', 'api')
      .executeTakeFirst();
    expect(repo).toMatchObject({ is_private: 1 });
  });

  it('*/*/public pulls alice’s public repository; acme/* reaches every repository of the org', async () => {
    const { token: publicReader } = await oat('public', [
      { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
    ]);
    await ok(stack.inspectRaw(`acme:${publicReader}`, 'alice/pub'));
    await refused(stack.inspectRaw(`acme:${publicReader}`, 'acme/web'));
    const { token: all } = await oat('all', [
      { type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-push'] },
    ]);
    await ok(stack.inspectRaw(`acme:${all}`, 'acme/web'));
    await ok(stack.inspectRaw(`acme:${all}`, 'acme/api'));
    await ok(stack.push(`acme:${all}`, 'acme/brand-new'));
    await refused(stack.inspectRaw(`acme:${all}`, 'alice/pub'));
  });

  it('a member whose group has read on acme/api pulls with a repo:read PAT but cannot push', async () => {
    await ok(stack.inspectRaw(`bobby:${memberPat}`, 'acme/api'));
    await refused(stack.push(`bobby:${memberPat}`, 'acme/api'));
    await refused(stack.inspectRaw(`bobby:${memberPat}`, 'acme/web'));
  });

  it('after the member is removed, the same PAT no longer pulls acme/api', async () => {
    await api('DELETE', '/v2/orgs/acme/members/bobby');
    await refused(stack.inspectRaw(`bobby:${memberPat}`, 'acme/api'));
  });

  it('deactivating an OAT refuses it at once', async () => {
    const { id, token } = await oat('short-lived', [
      { type: 'TYPE_REPO', path: 'acme/web', scopes: ['scope-image-pull'] },
    ]);
    await ok(stack.inspectRaw(`acme:${token}`, 'acme/web'));
    const res = await t.inject({
      method: 'PATCH',
      url: `/v2/orgs/acme/access-tokens/${id}`,
      jwt: ownerJwt,
      body: { is_active: false },
    });
    expect(res.statusCode).toBe(200);
    await refused(stack.inspectRaw(`acme:${token}`, 'acme/web'));
  });
});

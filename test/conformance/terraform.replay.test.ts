/**
 * The Terraform provider's hubclient against tokenhub: every call, replayed request for request
 * (terraform-hubclient.ts) and decoded as its Go structs decode them, in the order its resources
 * use them (create, read, update, delete). The tag reads need the registry and are replayed in
 * test/e2e/registry-facts.e2e.test.ts. Organization settings (image and registry access
 * management) are kept and served as Docker Hub keeps them for Docker Desktop, which enforces them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import type { Send } from './hub-tool-client.ts';
import { TerraformError, TerraformHubClient } from './terraform-hubclient.ts';

const host = 'hub.test';
let t: TestApp;
let client: TerraformHubClient;

const send: Send = async ({ method, url, headers, body }) => {
  const res = await t.app.inject({
    method: method as 'GET',
    url: url.replace(`https://${host}`, ''),
    headers,
    ...(body === undefined ? {} : { payload: body }),
  });
  return { status: res.statusCode, body: res.body };
};

beforeAll(async () => {
  t = await createTestApp({ env: { TOKENHUB_PUBLIC_URL: `https://${host}` } });
  const password = await t.signUp('alice');
  await t.signUp('bobby');
  await t.signUp('carol');
  await setUpOrg(t, 'acme', { owner: 'alice', members: ['bobby'] });
  await setOrgTier(t, 'acme', 'team');
  client = new TerraformHubClient(send, host, 'alice', password);
});
afterAll(async () => t.close());

describe('docker_access_token', () => {
  it('create, read, list (every page), update, delete', async () => {
    const created = await client.createAccessToken({ token_label: 'terraform', scopes: ['repo:read'] });
    expect(created).toMatchObject({ token_label: 'terraform', scopes: ['repo:read'], is_active: true });
    for (let i = 0; i < 11; i++)
      await client.createAccessToken({ token_label: `extra-${i}`, scopes: ['repo:public_read'] });
    const id = String(created.uuid);
    expect(await client.getAccessToken(id)).toMatchObject({ uuid: id, token: '' });
    const all = await client.getAccessTokens();
    expect(all).toHaveLength(12);
    expect(client.log).toContain('GET /access-tokens?page=2&page_size=10');
    expect(await client.updateAccessToken(id, { token_label: 'renamed', is_active: false })).toMatchObject({
      token_label: 'renamed',
      is_active: false,
    });
    await client.deleteAccessToken(id);
    await expect(client.getAccessToken(id)).rejects.toThrow(TerraformError);
  });

  it('sends expires_at when set', async () => {
    const expiring = await client.createAccessToken({
      token_label: 'expiring',
      scopes: ['repo:write'],
      expires_at: '2026-06-01T00:00:00Z',
    });
    expect(expiring.expires_at).toBe('2026-06-01T00:00:00.000Z');
  });
});

describe('docker_org_access_token', () => {
  it('create, read, update (label, description, resources), delete', async () => {
    const resources = [
      { type: 'TYPE_REPO', path: 'acme/app', scopes: ['scope-image-pull', 'scope-image-push'] },
      { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
    ];
    const created = await client.createOrgAccessToken('acme', {
      label: 'ci',
      description: 'pipeline',
      resources,
    });
    expect(created).toMatchObject({ label: 'ci', description: 'pipeline', created_by: 'alice' });
    expect(String(created.token)).toMatch(/^thub_oat_/);
    const id = String(created.id);
    expect(await client.getOrgAccessToken('acme', id)).toMatchObject({ id, token: '' });
    const updated = await client.updateOrgAccessToken('acme', id, {
      label: 'ci-2',
      description: 'changed',
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-pull'] }],
    });
    expect(updated).toMatchObject({ label: 'ci-2', resources: [{ path: 'acme/*' }] });
    await client.deleteOrgAccessToken('acme', id);
    await expect(client.getOrgAccessToken('acme', id)).rejects.toThrow(TerraformError);
  });
});

describe('docker_org, docker_org_member, docker_org_team, docker_org_team_member', () => {
  it('reads the organization and lists its members', async () => {
    expect(await client.getOrg('acme')).toMatchObject({ orgname: 'acme', id: expect.any(String) });
    const members = await client.listOrgMembers('acme');
    expect(members.map((m) => [m.username, m.role])).toEqual([
      ['alice', 'Owner'],
      ['bobby', 'Member'],
    ]);
  });

  it('teams: create, read, update, members added, listed and removed, delete', async () => {
    const team = await client.createOrgTeam('acme', { name: 'platform', description: 'the platform team' });
    expect(team).toMatchObject({ name: 'platform', description: 'the platform team', member_count: 0 });
    expect(Number.isInteger(team.id)).toBe(true);
    expect(await client.getOrgTeam('acme', 'platform')).toEqual(team);
    expect(
      await client.updateOrgTeam('acme', 'platform', { name: 'platform', description: 'changed' }),
    ).toMatchObject({
      id: team.id,
      description: 'changed',
    });
    await client.addOrgTeamMember('acme', 'platform', 'bobby');
    expect((await client.listOrgTeamMembers('acme', 'platform')).map((m) => m.username)).toEqual(['bobby']);
    await client.deleteOrgTeamMember('acme', 'platform', 'bobby');
    expect(await client.listOrgTeamMembers('acme', 'platform')).toEqual([]);
    await client.deleteOrgTeam('acme', 'platform');
    await expect(client.getOrgTeam('acme', 'platform')).rejects.toThrow(TerraformError);
  });

  it('members: invite (dry run, then for real), list invites, cancel, change a role, remove', async () => {
    const dry = await client.inviteOrgMember('acme', 'member', ['carol'], true);
    expect(dry.invitees).toEqual([expect.objectContaining({ invitee: 'carol', status: 'invited' })]);
    const sent = await client.inviteOrgMember('acme', 'member', ['carol'], false);
    const invite = sent.invitees[0]?.invite as { id: string; org: string };
    expect(invite.org).toBe('acme');
    expect((await client.listOrgInvites('acme')).map((i) => i.invitee)).toEqual(['carol']);
    await client.deleteOrgInvite(invite.id);
    expect(await client.listOrgInvites('acme')).toEqual([]);

    await client.updateOrgMember('acme', 'bobby', 'owner');
    expect((await client.listOrgMembers('acme')).find((m) => m.username === 'bobby')?.role).toBe('Owner');
    await client.updateOrgMember('acme', 'bobby', 'member');
    await client.updateOrgMember('acme', 'bobby', 'editor');
    expect((await client.listOrgMembers('acme')).find((m) => m.username === 'bobby')?.role).toBe('Editor');
    await client.deleteOrgMember('acme', 'bobby');
    expect((await client.listOrgMembers('acme')).map((m) => m.username)).toEqual(['alice']);
  });

  it('docker_org_setting_image_access_management and docker_org_setting_registry_access_management', async () => {
    expect(await client.getOrgSettings('acme')).toMatchObject({ orgname: '' });
    const images = {
      restricted_images: { enabled: true, allow_official_images: true, allow_verified_publishers: false },
    };
    expect(await client.setOrgSettingImageAccessManagement('acme', images)).toEqual(images);
    expect(await client.getOrgSettingImageAccessManagement('acme')).toEqual(images);

    const registries = {
      enabled: true,
      standard_registries: [{ id: 'DockerHub', allowed: true }],
      custom_registries: [{ address: 'registry.example.com', friendly_name: 'ours', allowed: true }],
    };
    expect(await client.setOrgSettingRegistryAccessManagement('acme', registries)).toEqual(registries);
    // The resource's delete: enabled false and nil lists, which Go marshals as null.
    const off = { enabled: false, standard_registries: null, custom_registries: null };
    expect(await client.setOrgSettingRegistryAccessManagement('acme', off)).toEqual({
      enabled: false,
      standard_registries: [],
      custom_registries: [],
    });
    await expect(
      client.setOrgSettingRegistryAccessManagement('acme', {
        ...registries,
        standard_registries: [{ id: 'Quay', allowed: true }],
      }),
    ).rejects.toThrow(TerraformError);
  });
});

describe('docker_hub_repository, docker_hub_repository_team_permission', () => {
  it('create, read, update, privacy, list, delete', async () => {
    const created = await client.createRepository('alice', {
      name: 'terraformed',
      description: 'made by terraform',
      full_description: '# terraformed',
      registry: '',
      is_private: true,
    });
    expect(created).toMatchObject({
      name: 'terraformed',
      namespace: 'alice',
      is_private: true,
      full_description: '# terraformed',
    });
    expect(await client.getRepository('alice/terraformed')).toMatchObject({
      permissions: { read: true, write: true, admin: true },
    });
    expect(
      await client.updateRepository('alice/terraformed', {
        description: 'new',
        full_description: 'new full',
        immutable_tags: false,
      }),
    ).toMatchObject({ description: 'new', full_description: 'new full' });
    await client.setRepositoryPrivacy('alice/terraformed', false);
    expect((await client.getRepository('alice/terraformed')).is_private).toBe(false);
    expect((await client.getRepositories('alice')).map((r) => r.name)).toEqual(['terraformed']);
    await client.deleteRepository('alice/terraformed');
    await expect(client.getRepository('alice/terraformed')).rejects.toThrow(TerraformError);
  });

  it("a team's permission on a repository: create, read, update, delete", async () => {
    const team = await client.createOrgTeam('acme', { name: 'readers', description: '' });
    const id = Number(team.id);
    expect(await client.createPermissionForTeamAndRepo('acme/app', id, 'read')).toEqual({
      group_id: id,
      group_name: 'readers',
      permission: 'read',
    });
    expect(await client.getPermissionForTeamAndRepo('acme/app', id)).toMatchObject({ permission: 'read' });
    expect(await client.updatePermissionForTeamAndRepo('acme/app', id, 'write')).toMatchObject({
      permission: 'write',
    });
    await client.deletePermissionForTeamAndRepo('acme/app', id);
    await expect(client.getPermissionForTeamAndRepo('acme/app', id)).rejects.toThrow(TerraformError);
  });
});

/**
 * `tokenhub org ls|create`, group rename, group members (every page) and permissions, invite
 * resend.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { addMember } from '../../src/services/orgs/org-member.service.ts';
import { findOrgGroup, insertGroupMember } from '../../src/storage/org-group.repository.ts';
import { insertOrgMember } from '../../src/storage/org-member.repository.ts';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import { insertUser } from '../../src/storage/user.repository.ts';
import { fixtureMeta } from '../support/org-fixtures.ts';
import { type CliServer, startCliServer } from './cli-harness.ts';

vi.setConfig({ testTimeout: 90_000 });

let s: CliServer;

beforeAll(async () => {
  s = await startCliServer();
  const password = await s.t.signUp('alice');
  await s.t.signUp('bobby');
  await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
    input: password,
  });
});
afterAll(async () => s?.close());

describe('tokenhub org', () => {
  it('create, ls, and a group renamed, given members and a permission', async () => {
    expect((await s.tokenhub(['org', 'ls'])).stdout).toBe(
      'You belong to no organization yet: tokenhub org create NAME\n',
    );
    const created = await s.tokenhub(['org', 'create', 'acme']);
    expect(created).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('tokenhub admin set-tier acme team'),
    });
    const ls = await s.tokenhub(['org', 'ls']);
    expect(ls.stdout).toMatch(/^NAME +ROLE +TIER\nacme +owner +free\n$/);

    const org = await findOrganizationByName(s.t.database.db, 'acme');
    if (!org) throw new Error('no acme');
    await addMember(s.t.app.services, org, 'bobby', 'member', { id: null, name: 'operator' }, fixtureMeta);

    expect((await s.tokenhub(['org', 'group', 'create', 'acme', 'devs'])).code).toBe(0);
    expect(await s.tokenhub(['org', 'group', 'rename', 'acme', 'devs', 'developers'])).toMatchObject({
      code: 0,
      stdout: 'group devs of acme is now developers\n',
    });
    expect((await s.tokenhub(['org', 'group', 'member', 'add', 'acme', 'developers', 'bobby'])).code).toBe(0);
    expect((await s.tokenhub(['org', 'group', 'member', 'ls', 'acme', 'developers'])).stdout).toMatch(
      /^USERNAME +ROLE\nbobby +Member\n$/,
    );
    expect(
      await s.tokenhub(['org', 'group', 'set-permission', 'acme', 'developers', 'acme/api', 'write']),
    ).toMatchObject({ code: 0, stdout: 'acme/developers has Read & Write on acme/api\n' });
    const bad = await s.tokenhub(['org', 'group', 'set-permission', 'acme', 'developers', 'api', 'root']);
    expect(bad.code).toBe(2);
    expect((await s.tokenhub(['org', 'group', 'member', 'rm', 'acme', 'developers', 'bobby'])).stdout).toBe(
      'removed bobby from acme/developers\n',
    );
  });

  it('group member ls reads every page (more than the 100 of one)', async () => {
    const { db } = s.t.database;
    const org = await findOrganizationByName(db, 'acme');
    if (!org) throw new Error('no acme');
    expect((await s.tokenhub(['org', 'group', 'create', 'acme', 'crowd'])).code).toBe(0);
    const group = await findOrgGroup(db, org.id, 'crowd');
    if (!group) throw new Error('no crowd');
    // 101 accounts straight into the store: signing each up would hash 101 passwords.
    const at = new Date().toISOString();
    for (let i = 0; i < 101; i++) {
      const username = `user${String(i).padStart(3, '0')}`;
      const id = newId();
      await insertUser(db, {
        ...{ id, username, email: `${username}@example.com`, passwordHash: 'unused', isAdmin: false },
        ...{ createdAt: at, updatedAt: at, sessionsValidAfter: null },
      });
      await insertOrgMember(db, { orgId: org.id, userId: id, role: 'member', createdAt: at });
      await insertGroupMember(db, group.id, id);
    }
    const ls = await s.tokenhub(['org', 'group', 'member', 'ls', 'acme', 'crowd', '--format', 'json']);
    const names = (JSON.parse(ls.stdout) as Array<{ username: string }>).map((m) => m.username);
    expect(names).toHaveLength(101);
    expect(names.at(-1)).toBe('user100');
  });

  it('resends a pending invite', async () => {
    await s.t.signUp('carol');
    const invite = JSON.parse(
      (await s.tokenhub(['org', 'invite', 'create', 'acme', 'carol', '--format', 'json'])).stdout,
    );
    expect(await s.tokenhub(['org', 'invite', 'resend', 'acme', invite.id])).toMatchObject({
      code: 0,
      stdout: `resent invite ${invite.id}\n`,
    });
  });
});

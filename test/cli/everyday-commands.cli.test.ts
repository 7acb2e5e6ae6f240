/**
 * The everyday user commands under every Node of `cliNodes` (this one, and the system's older one
 * when the machine has it, where the bin relaunches itself): a personal token through its life,
 * a group's repository permissions, and an invite seen, accepted and declined by its invitee.
 * Levels and permissions read in the console's words; `--format json` keeps the API's values.
 * The thorough suites (token-cli, org-admin) run on this Node only; this one stays short.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccessTokenObject as AccessToken } from '../../src/api/contract/access-tokens.contract.ts';
import type { InviteObject } from '../../src/api/contract/orgs.contract.ts';
import { setUpOrg } from '../support/org-fixtures.ts';
import { type CliServer, cliNodes, startCliServer } from './cli-harness.ts';

vi.setConfig({ testTimeout: 90_000 });

if (cliNodes.length === 1)
  console.warn('SKIPPED: no older system Node; the everyday commands ran on this Node only');

describe.each(cliNodes)('everyday commands under $name', ({ path: node }) => {
  let s: CliServer;
  let password: string;
  /** carol's own credential store, so alice stays signed in. */
  let asCarol: { env: Record<string, string> };

  beforeAll(async () => {
    s = await startCliServer({ node });
    password = await s.t.signUp('alice');
    await s.t.signUp('bobby');
    await s.t.signUp('carol');
    await setUpOrg(s.t, 'acme', { members: ['bobby'] });
    await setUpOrg(s.t, 'beta', { members: [] });
    asCarol = { env: { XDG_CONFIG_HOME: join(s.dir, 'carol') } };
    for (const [username, options] of [
      ['alice', {}],
      ['carol', asCarol],
    ] as const) {
      const login = await s.tokenhub(
        ['login', '--server', s.url, '--username', username, '--password-stdin'],
        {
          ...options,
          input: password,
        },
      );
      expect(login.code).toBe(0);
    }
  });
  afterAll(async () => s?.close());

  it('a personal token: create, ls, rename, set-scope, deactivate, activate, rm', async () => {
    const created = await s.tokenhub([
      'token',
      'create',
      '--description',
      'ci',
      '--scope',
      'read',
      '--format',
      'json',
    ]);
    const token = JSON.parse(created.stdout) as AccessToken;
    expect(token.scopes).toEqual(['repo:read']);
    const ls = await s.tokenhub(['token', 'ls']);
    expect(ls.stdout).toMatch(new RegExp(`^${token.uuid} +ci +Read-only +active `, 'm'));
    expect((await s.tokenhub(['token', 'rename', token.uuid, 'ci-2'])).stdout).toBe(
      `${token.uuid} is now called ci-2\n`,
    );
    expect((await s.tokenhub(['token', 'set-scope', token.uuid, 'delete'])).stdout).toBe(
      `${token.uuid} (ci-2) now has Read, Write, Delete\n`,
    );
    expect((await s.tokenhub(['token', 'deactivate', token.uuid])).stdout).toBe(
      `${token.uuid} (ci-2) is inactive\n`,
    );
    expect((await s.tokenhub(['token', 'activate', token.uuid])).stdout).toBe(
      `${token.uuid} (ci-2) is active\n`,
    );
    expect(await s.tokenhub(['token', 'rm', token.uuid, '--yes'])).toMatchObject({
      code: 0,
      stdout: `deleted ${token.uuid}\n`,
    });
  });

  it("a group's repository permissions: set, ls, rm", async () => {
    expect((await s.tokenhub(['org', 'group', 'create', 'acme', 'devs'])).code).toBe(0);
    expect(
      await s.tokenhub(['org', 'group', 'permission', 'set', 'acme', 'devs', 'acme/api', 'write']),
    ).toMatchObject({ code: 0, stdout: 'acme/devs has Read & Write on acme/api\n' });
    expect((await s.tokenhub(['org', 'group', 'set-permission', 'acme', 'devs', 'web', 'read'])).stdout).toBe(
      'acme/devs has Read-only on acme/web\n',
    );
    expect((await s.tokenhub(['org', 'group', 'permission', 'ls', 'acme', 'devs'])).stdout).toMatch(
      /^REPOSITORY +PERMISSION\nacme\/api +Read & Write\nacme\/web +Read-only\n$/,
    );
    expect((await s.tokenhub(['org', 'group', 'permission', 'rm', 'acme', 'devs', 'api'])).stdout).toBe(
      'acme/devs has no permission on acme/api any more\n',
    );
    const left = await s.tokenhub(['org', 'group', 'permission', 'ls', 'acme', 'devs', '--format', 'json']);
    expect(JSON.parse(left.stdout)).toEqual([{ repository: 'web', permission: 'read' }]);
  });

  it("an invite from the invitee's side: ls, accept, decline", async () => {
    const invite = JSON.parse(
      (await s.tokenhub(['org', 'invite', 'create', 'acme', 'carol', '--format', 'json'])).stdout,
    ) as InviteObject;
    const jwt = await s.t.login('alice', password);
    const other = (
      await s.t.inject({
        method: 'POST',
        url: '/v2/orgs/beta/invites',
        jwt,
        body: { invitee: 'carol', role: 'member' },
      })
    ).json<InviteObject>();

    const ls = await s.tokenhub(['invite', 'ls'], asCarol);
    expect(ls.stdout).toMatch(new RegExp(`^${invite.id} +acme +member +alice +`, 'm'));
    expect(ls.stdout).toMatch(new RegExp(`^${other.id} +beta +member +alice +`, 'm'));
    expect(await s.tokenhub(['invite', 'accept', invite.id], asCarol)).toMatchObject({
      code: 0,
      stdout: 'you joined acme as member\n',
    });
    expect((await s.tokenhub(['org', 'member', 'ls', 'acme'])).stdout).toMatch(/^carol +member +carol@/m);
    expect((await s.tokenhub(['invite', 'decline', other.id], asCarol)).stdout).toBe(
      'declined the invite to beta\n',
    );
    expect(await s.tokenhub(['invite', 'accept', other.id], asCarol)).toMatchObject({
      code: 1,
      stderr: 'tokenhub: invite not found\n',
    });
    expect((await s.tokenhub(['invite', 'ls'], asCarol)).stdout).toBe('No invites are waiting for you.\n');
  });
});

/**
 * `tokenhub company …` as child processes against a real tokenhub server (create, organizations,
 * owners, the company-wide views and activity, rename, delete), and the operator's
 * `tokenhub admin create-company` on a temp SQLite database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../support/clients.ts';
import { setOrgTier } from '../support/org-fixtures.ts';
import { bin, type CliServer, startCliServer } from './cli-harness.ts';

// Every step is a child process (~0.5 s each); a slow CI machine needs room.
vi.setConfig({ testTimeout: 60_000 });

describe('tokenhub company', () => {
  let s: CliServer;
  const run = (...args: string[]) => s.tokenhub(args);

  beforeAll(async () => {
    s = await startCliServer();
    const password = await s.t.signUp('alice');
    await s.t.signUp('carol', password);
    const jwt = await s.t.login('alice', password);
    expect(
      (await s.t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'acme' } })).statusCode,
    ).toBe(201);
    await setOrgTier(s.t, 'acme', 'business');
    const login = await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
      input: password,
    });
    expect(login.code).toBe(0);
  });
  afterAll(async () => s?.close());

  it('creates a company, adds an organization and an owner, and shows them', async () => {
    expect(await run('company', 'create', 'megacorp')).toMatchObject({
      code: 0,
      stdout: 'created company megacorp; you are its owner\n',
    });
    expect((await run('company', 'org', 'add', 'megacorp', 'acme')).stdout).toBe('added acme to megacorp\n');
    expect((await run('company', 'owner', 'add', 'megacorp', 'carol@example.com')).stdout).toBe(
      'carol is now an owner of megacorp\n',
    );
    const shown = await run('company', 'show', 'megacorp', '--format', 'json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      name: 'megacorp',
      owners: [{ username: 'alice' }, { username: 'carol' }],
      organizations: [{ name: 'acme', tier: 'business', member_count: 1 }],
    });
    const table = await run('company', 'org', 'ls', 'megacorp');
    expect(table.stdout).toMatch(/acme\s+business\s+1\s+0\/100/);
    expect((await run('company', 'ls')).stdout).toContain('megacorp');
  });

  it('shows members, tokens and activity across the organizations', async () => {
    const members = JSON.parse((await run('company', 'members', 'megacorp', '--format', 'json')).stdout);
    expect(members).toEqual([
      { username: 'alice', email: 'alice@example.com', organizations: [{ name: 'acme', role: 'owner' }] },
    ]);
    expect(JSON.parse((await run('company', 'tokens', 'megacorp', '--format', 'json')).stdout)).toEqual([]);
    const activity = await run('company', 'activity', 'megacorp');
    expect(activity.stdout).toContain('company.org.add');
    expect(activity.stdout).toContain('org.company.add');
  });

  it('refuses the last owner leaving and a non-empty delete; renames and deletes when empty', async () => {
    expect((await run('company', 'owner', 'rm', 'megacorp', 'carol')).code).toBe(0);
    expect(await run('company', 'owner', 'rm', 'megacorp', 'alice')).toMatchObject({
      code: 1,
      stderr: 'tokenhub: a company must keep at least one owner\n',
    });
    expect((await run('company', 'rm', 'megacorp', '--yes')).code).toBe(1);
    expect((await run('company', 'rename', 'megacorp', 'gigacorp')).stdout).toBe(
      'renamed megacorp to gigacorp\n',
    );
    expect((await run('company', 'org', 'rm', 'gigacorp', 'acme')).code).toBe(0);
    expect((await run('company', 'rm', 'gigacorp', '--yes')).stdout).toBe('deleted company gigacorp\n');
  });
});

describe('tokenhub admin create-company', () => {
  let dir: string;
  let env: Record<string, string>;
  const tokenhub = (args: string[], input?: string) =>
    runCommand(process.execPath, [bin, ...args], { env, input, timeoutMs: 20_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenhub-company-cli-'));
    env = {
      TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
      TOKENHUB_PUBLIC_URL: 'https://hub.example.com',
    };
    const user = await tokenhub(
      ['admin', 'create-user', 'alice', '--email', 'alice@example.com', '--password-stdin'],
      'a long password\n',
    );
    expect(user.code).toBe(0);
    for (const args of [
      ['admin', 'create-org', 'acme', '--owner', 'alice'],
      ['admin', 'create-org', 'small', '--owner', 'alice'],
      ['admin', 'set-tier', 'acme', 'business'],
    ]) {
      expect((await tokenhub(args)).code).toBe(0);
    }
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('creates a company with its owner and organizations; refuses a taken name and a free organization', async () => {
    expect(
      await tokenhub(['admin', 'create-company', 'megacorp', '--owner', 'alice', '--org', 'acme']),
    ).toEqual({
      code: 0,
      stdout: 'created company megacorp (owner alice) with acme\n',
      stderr: '',
    });
    expect(await tokenhub(['admin', 'create-company', 'acme', '--owner', 'alice'])).toMatchObject({
      code: 1,
    });
    const free = await tokenhub(['admin', 'create-company', 'other', '--owner', 'alice', '--org', 'small']);
    expect(free.code).toBe(1);
    expect(free.stderr).toContain('business organizations only');
    const taken = await tokenhub(['admin', 'create-company', 'other', '--owner', 'alice', '--org', 'acme']);
    expect(taken).toMatchObject({ code: 1, stderr: 'tokenhub: acme already belongs to a company\n' });
    // Neither refusal left a company behind: the name is still free.
    expect(await tokenhub(['admin', 'create-company', 'other', '--owner', 'alice'])).toMatchObject({
      code: 0,
      stdout: 'created company other (owner alice)\n',
    });
  });
});

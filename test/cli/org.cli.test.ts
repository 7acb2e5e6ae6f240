/**
 * The organization operator commands as an operator runs them: `tokenhub admin create-org`,
 * `set-tier` and `add-member`, child processes on a temp SQLite database.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/clients.ts';

const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;
let dir: string;
let env: Record<string, string>;

const tokenhub = (args: string[], input?: string) =>
  runCommand(process.execPath, [bin, ...args], { env, input, timeoutMs: 20_000 });

function query<T>(sql: string, ...params: string[]): T[] {
  const db = new Database(join(dir, 'tokenhub.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-org-cli-'));
  env = {
    TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
    TOKENHUB_PUBLIC_URL: 'https://hub.example.com',
    TOKENHUB_LOG_LEVEL: 'info',
  };
  for (const name of ['alice', 'bobby']) {
    const res = await tokenhub(
      ['admin', 'create-user', name, '--email', `${name}@example.com`, '--password-stdin'],
      'a long password\n',
    );
    expect(res.code).toBe(0);
  }
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('tokenhub admin (organizations)', () => {
  it('create-org makes an organization with its owner; bad input exits 1 or 2', async () => {
    expect(await tokenhub(['admin', 'create-org', 'Acme', '--owner', 'alice'])).toEqual({
      code: 0,
      stdout: 'created organization acme (owner alice)\n',
      stderr: '',
    });
    expect(query('select role from org_members')).toEqual([{ role: 'owner' }]);
    expect(await tokenhub(['admin', 'create-org', 'acme', '--owner', 'alice'])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: this name is already taken by a user or an organization\n',
    });
    expect(await tokenhub(['admin', 'create-org', 'widgets', '--owner', 'nobody99'])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: no user named nobody99\n',
    });
    expect((await tokenhub(['admin', 'create-org', 'x!', '--owner', 'alice'])).code).toBe(1);
    expect((await tokenhub(['admin', 'create-org', 'widgets'])).code).toBe(2);
  });

  it('set-tier changes the tier and records it; an unknown tier is a usage error', async () => {
    expect(await tokenhub(['admin', 'set-tier', 'acme', 'team'])).toMatchObject({
      code: 0,
      stdout: 'acme is now on the team tier\n',
    });
    expect(query('select tier from organizations')).toEqual([{ tier: 'team' }]);
    expect(query("select actor_name from audit_events where action = 'org.tier.change'")).toEqual([
      { actor_name: 'operator' },
    ]);
    const bad = await tokenhub(['admin', 'set-tier', 'acme', 'gold']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('free, team, business');
    expect(await tokenhub(['admin', 'set-tier', 'nosuchorg', 'team'])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: organization nosuchorg not found\n',
    });
  });

  it('add-member adds a user with a role (member by default)', async () => {
    expect(await tokenhub(['admin', 'add-member', 'acme', 'bobby'])).toMatchObject({
      code: 0,
      stdout: 'added bobby to acme as member\n',
    });
    expect(await tokenhub(['admin', 'add-member', 'acme', 'bobby', '--role', 'owner'])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: bobby is already a member of acme\n',
    });
    expect(await tokenhub(['admin', 'add-member', 'acme', 'nobody99'])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: no user named nobody99\n',
    });
    expect((await tokenhub(['admin', 'add-member', 'acme', 'alice', '--role', 'admin'])).code).toBe(2);
    expect((await tokenhub(['admin', 'add-member', 'acme'])).code).toBe(2);
    expect(
      query<{ username: string; role: string }>(
        'select u.username, m.role from org_members m join users u on u.id = m.user_id order by u.username',
      ),
    ).toEqual([
      { username: 'alice', role: 'owner' },
      { username: 'bobby', role: 'member' },
    ]);
  });
});

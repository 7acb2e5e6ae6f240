/**
 * `tokenhub token …` as a child process against a real tokenhub server, signed in with a password
 * session (`login --password-stdin`): create, ls (table snapshot, JSON), inspect, activate,
 * deactivate, rm (single, bulk, confirmation), and the errors the API and the parser give.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccessTokenObject as AccessToken } from '../../src/api/contract/access-tokens.contract.ts';
import { type CliServer, startCliServer } from './cli-harness.ts';

const start = '2026-03-01T12:00:00.000Z';
// Every step is a child process (~0.5 s each); a slow CI machine needs room.
vi.setConfig({ testTimeout: 60_000 });

let s: CliServer;
let password: string;

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const json = <T>(stdout: string) => JSON.parse(stdout) as T;

async function loginAs(username: string) {
  const res = await s.tokenhub(['login', '--server', s.url, '--username', username, '--password-stdin'], {
    input: password,
  });
  expect(res.code).toBe(0);
}

beforeAll(async () => {
  s = await startCliServer({ start, env: { TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS: '100' } });
  password = await s.t.signUp('alice');
  await s.t.signUp('sammy');
});
afterAll(async () => s?.close());

describe('tokenhub token ls (table)', () => {
  it('prints an aligned table in local time; snapshot', async () => {
    s.t.clock.set(start);
    await loginAs('sammy'); // the session lasts 10 minutes of the server's (manual) clock
    const create = async (args: string[]) => {
      s.t.clock.advanceSeconds(60);
      const res = await s.tokenhub(['token', 'create', '--format', 'json', ...args]);
      expect(res.stderr).toBe('');
      return json<AccessToken>(res.stdout);
    };
    const ci = await create(['--description', 'ci pipeline', '--scope', 'write', '--expires', '2026-06-30']);
    await create(['--description', 'laptop', '--scope', 'admin']);
    const old = await create([
      '--description',
      'old',
      '--scope',
      'read',
      '--expires',
      '2026-03-01T12:05:00Z',
    ]);
    await create(['--description', 'public pulls', '--scope', 'public-read']);
    expect((await s.tokenhub(['token', 'deactivate', old.uuid])).code).toBe(0);
    s.t.clock.advanceSeconds(60);
    await s.t.login('sammy', ci.token); // recorded as its last use (flushed every 100 ms)
    await new Promise((resolve) => setTimeout(resolve, 400));
    s.t.clock.set('2026-03-01T12:08:00.000Z'); // "old" has expired by now

    const ls = await s.tokenhub(['token', 'ls']);
    expect(ls.code).toBe(0);
    const table = ls.stdout.replace(uuidPattern, 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
    await expect(table).toMatchFileSnapshot('./__snapshots__/token-ls.table.txt');

    const list = json<AccessToken[]>((await s.tokenhub(['token', 'ls', '--format', 'json'])).stdout);
    expect(list.map((t) => [t.token_label, t.status])).toEqual([
      ['public pulls', 'active'],
      ['old', 'expired'],
      ['laptop', 'active'],
      ['ci pipeline', 'active'],
    ]);
    expect(list[3]).toMatchObject({
      created_at: '2026-03-01T12:01:00.000Z',
      last_used: '2026-03-01T12:05:00.000Z',
    });
    expect(list.every((t) => t.token === '')).toBe(true);
  });
});

describe('tokenhub token (alice)', () => {
  beforeAll(async () => {
    s.t.clock.set(start);
    await loginAs('alice');
  });

  it('create shows the secret once; --quiet prints only the secret; --format json the API object', async () => {
    const created = await s.tokenhub([
      'token',
      'create',
      '--description',
      'ci',
      '--scope',
      'write',
      '--expires',
      '2026-06-30',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^UUID: +\S{36}\nDescription: +ci\nScope: +Read & Write\nStatus: +active\n/,
    );
    expect(created.stdout).toContain('\nExpires:        2026-06-30 00:00\n');
    expect(created.stdout).toMatch(
      /shown only this once:\n\nthub_pat_[0-9A-Za-z]{38}\n\nLog in with: docker login /,
    );

    const quiet = await s.tokenhub(['token', 'create', '--description', 'script', '--quiet']);
    expect(quiet.stdout).toMatch(/^thub_pat_[0-9A-Za-z]{38}\n$/);
    expect(await s.t.login('alice', quiet.stdout.trim())).toBeTruthy();

    const asJson = json<AccessToken>(
      (
        await s.tokenhub([
          'token',
          'create',
          '--description',
          'j',
          '--scope',
          'repo:read',
          '--format',
          'json',
        ])
      ).stdout,
    );
    expect(asJson).toMatchObject({
      token_label: 'j',
      scopes: ['repo:read'],
      expires_at: null,
      generated_by: 'manual',
    });
    expect(asJson.token).toMatch(/^thub_pat_/);
  });

  it('--expires 30d counts from now', async () => {
    s.t.clock.set(new Date());
    await loginAs('alice');
    const before = Date.now();
    const res = await s.tokenhub([
      'token',
      'create',
      '--description',
      'month',
      '--expires',
      '30d',
      '--format',
      'json',
    ]);
    const expiresAt = Date.parse(json<AccessToken>(res.stdout).expires_at ?? '');
    expect(expiresAt - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 1000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);
    s.t.clock.set(start);
    await loginAs('alice');
  });

  it('inspect, deactivate and activate', async () => {
    const { uuid } = json<AccessToken>(
      (await s.tokenhub(['token', 'create', '--description', 'flip', '--format', 'json'])).stdout,
    );
    const inspect = await s.tokenhub(['token', 'inspect', uuid]);
    expect(inspect.stdout).toContain(
      `UUID:           ${uuid}\nDescription:    flip\nScope:          Public Repo Read-only\nStatus:         active\n`,
    );
    expect(inspect.stdout).toContain('Created:        2026-03-01 12:00 from 127.0.0.1');
    expect(inspect.stdout).toContain('Last used:      never');
    expect(await s.tokenhub(['token', 'deactivate', uuid])).toMatchObject({
      code: 0,
      stdout: `${uuid} (flip) is inactive\n`,
    });
    expect(
      json<AccessToken>((await s.tokenhub(['token', 'inspect', uuid, '--format', 'json'])).stdout),
    ).toMatchObject({
      uuid,
      is_active: false,
      status: 'inactive',
      token: '',
    });
    expect(await s.tokenhub(['token', 'activate', uuid])).toMatchObject({
      code: 0,
      stdout: `${uuid} (flip) is active\n`,
    });
  });

  it('rm deletes one or several (all or nothing) and wants --yes without a terminal', async () => {
    const make = async () =>
      json<AccessToken>(
        (await s.tokenhub(['token', 'create', '--description', 'gone', '--format', 'json'])).stdout,
      ).uuid;
    const [a, b, c] = [await make(), await make(), await make()];
    const unconfirmed = await s.tokenhub(['token', 'rm', a]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('error: pass --yes to delete token');
    expect(await s.tokenhub(['token', 'rm', a, '--yes'])).toMatchObject({
      code: 0,
      stdout: `deleted ${a}\n`,
    });
    expect(await s.tokenhub(['token', 'rm', a, '--yes'])).toMatchObject({
      code: 1,
      stderr: `tokenhub: access token not found: ${a}\n`,
    });
    // Bulk: one unknown uuid and nothing is deleted.
    expect((await s.tokenhub(['token', 'rm', b, a, '--yes'])).code).toBe(1);
    expect((await s.tokenhub(['token', 'inspect', b])).code).toBe(0);
    const bulk = await s.tokenhub(['token', 'rm', b, c, '--yes', '--format', 'json']);
    expect(json(bulk.stdout)).toEqual({ deleted: [b, c] });
    expect((await s.tokenhub(['token', 'inspect', c])).code).toBe(1);
  });

  it('API refusals print the API message; bad arguments are usage errors', async () => {
    const long = await s.tokenhub(['token', 'create', '--description', 'x'.repeat(101)]);
    expect(long).toMatchObject({
      code: 1,
      stderr: 'tokenhub: --description must be at most 100 characters\n',
    });
    // The name given to rename is a positional argument, so the message cannot name a flag.
    const created = json<AccessToken>(
      (await s.tokenhub(['token', 'create', '--description', 'named', '--format', 'json'])).stdout,
    );
    expect(await s.tokenhub(['token', 'rename', created.uuid, 'x'.repeat(101)])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: the new name must be at most 100 characters\n',
    });
    const tooFar = await s.tokenhub(['token', 'create', '--description', 'far', '--expires', '2030-01-01']);
    expect(tooFar).toMatchObject({
      code: 1,
      stderr: 'tokenhub: --expires must be at most one year ahead\n',
    });
    const scope = await s.tokenhub(['token', 'create', '--description', 'x', '--scope', 'root']);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toContain(
      "error: option '--scope <level>' argument 'root' is invalid. Choose read, write, admin or public-read.",
    );
    const expires = await s.tokenhub(['token', 'create', '--description', 'x', '--expires', 'tomorrow']);
    expect(expires.code).toBe(2);
    expect((await s.tokenhub(['token', 'create'])).code).toBe(2);
    expect((await s.tokenhub(['token', 'inspect'])).code).toBe(2);
  });

  it('one login outlives the 10-minute session JWT; an ended sign-in says to log in again', async () => {
    s.t.clock.advanceSeconds(11 * 60);
    expect((await s.tokenhub(['token', 'ls'])).code).toBe(0);
    s.t.clock.advanceSeconds(24 * 3600);
    expect((await s.tokenhub(['token', 'ls'])).code).toBe(0);
    s.t.clock.advanceSeconds(31 * 24 * 3600);
    const res = await s.tokenhub(['token', 'ls']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^tokenhub: your sign-in to .* has ended \(signed out, revoked or expired\): run tokenhub login/,
    );
    s.t.clock.set(start);
  });
});

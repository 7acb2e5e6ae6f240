/**
 * `tokenhub login` with a password leaves a sign-in kept on the server: one login serves many
 * token commands without a prompt, the sign-in is listed among the account's sessions, and it
 * ends with `tokenhub logout` or when revoked from elsewhere. Run under every Node of `cliNodes`:
 * this one, and the system's older one (the bins relaunch on a newer Node) when the machine has it.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliServer, cliNodes, decideDeviceSignIn, startCliServer } from './cli-harness.ts';

vi.setConfig({ testTimeout: 60_000 });

if (cliNodes.length === 1)
  console.warn('SKIPPED: no older system Node; the CLI sign-in suite ran on this Node only');

describe.each(cliNodes)('a CLI sign-in kept on the server, under $name', ({ path: node }) => {
  let s: CliServer;
  let password: string;
  const readStore = async () =>
    JSON.parse(await readFile(join(s.env.XDG_CONFIG_HOME ?? '', 'tokenhub', 'credentials.json'), 'utf8'));

  beforeAll(async () => {
    s = await startCliServer({ node });
    password = await s.t.signUp('alice');
  });
  afterAll(async () => s?.close());

  const sessions = async () =>
    (
      await s.t.inject({
        method: 'GET',
        url: '/v2/users/me/sessions',
        jwt: await s.t.login('alice', password),
      })
    ).json().results as Array<{ id: string; kind: string; device: string }>;

  it('serves a day of token commands without a prompt, is listed, and logout ends it', async () => {
    const login = await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
      input: password,
    });
    expect(login.code).toBe(0);
    const stored = (await readStore()).servers[s.url];
    expect(stored).toMatchObject({ kind: 'cli-session', session_id: expect.any(String) });
    expect(JSON.stringify(await readStore())).not.toContain(password);

    // Several commands in a row and across the day: no password, no "code already used".
    for (const label of ['one', 'two']) {
      expect((await s.tokenhub(['token', 'create', '--description', label, '--quiet'])).code).toBe(0);
    }
    s.t.clock.advanceSeconds(8 * 3600);
    expect((await s.tokenhub(['token', 'ls'])).code).toBe(0);
    s.t.clock.advanceSeconds(14 * 3600);
    expect((await s.tokenhub(['token', 'ls'])).code).toBe(0);

    expect((await sessions()).find((x) => x.id === stored.session_id)).toMatchObject({
      kind: 'cli',
      device: hostname().slice(0, 100),
    });

    const out = await s.tokenhub(['logout']);
    expect(out).toMatchObject({
      code: 0,
      stdout: `Logged out of ${s.url} (the sign-in was ended on the server)\n`,
    });
    expect((await sessions()).map((x) => x.id)).not.toContain(stored.session_id);
    const replay = await s.t.inject({
      method: 'POST',
      url: '/v2/auth/refresh',
      body: { refresh_token: stored.token },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('a device sign-in (the default login) also serves a day of token commands; logout ends both', async () => {
    const run = s.spawnTokenhub(['login', '--server', s.url], { TOKENHUB_USERNAME: 'alice' });
    const [, userCode] = await run.waitForStderr(/the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
    await decideDeviceSignIn(s.t, 'alice', password, userCode ?? '');
    const login = await run.done;
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain('Token commands use the sign-in approved with it');
    const stored = (await readStore()).servers[s.url];
    expect(stored).toMatchObject({
      kind: 'auto',
      password_session: { session_id: expect.any(String), token: expect.stringMatching(/^thub_session_/) },
    });

    // No terminal is attached: a prompt would fail the command, so each success is prompt-free.
    for (const label of ['three', 'four']) {
      const created = await s.tokenhub(['token', 'create', '--description', label, '--quiet']);
      expect(created.code, created.stderr).toBe(0);
    }
    s.t.clock.advanceSeconds(8 * 3600);
    expect((await s.tokenhub(['token', 'ls'])).code).toBe(0);
    s.t.clock.advanceSeconds(14 * 3600);
    const late = await s.tokenhub(['token', 'ls', '--format', 'json']);
    expect(late.code, late.stderr).toBe(0);
    const labels = (JSON.parse(late.stdout) as Array<{ token_label: string }>).map((t) => t.token_label);
    expect(labels).toEqual(expect.arrayContaining(['three', 'four']));
    expect((await sessions()).find((x) => x.id === stored.password_session.session_id)).toMatchObject({
      kind: 'cli',
      device: `tokenhub CLI on ${hostname()}`.slice(0, 100),
    });

    const out = await s.tokenhub(['logout']);
    expect(out.stdout).toBe(
      `Logged out of ${s.url} (the auto-generated token was revoked and the sign-in ended on the server)\n`,
    );
    expect((await sessions()).map((x) => x.id)).not.toContain(stored.password_session.session_id);
    const replay = await s.t.inject({
      method: 'POST',
      url: '/v2/auth/refresh',
      body: { refresh_token: stored.password_session.token },
    });
    expect(replay.statusCode).toBe(401);
  });

  it('a sign-in revoked from the console makes the next command say to log in again', async () => {
    await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
      input: password,
    });
    const { session_id } = (await readStore()).servers[s.url];
    const jwt = await s.t.login('alice', password);
    expect(
      (await s.t.inject({ method: 'DELETE', url: `/v2/users/me/sessions/${session_id}`, jwt })).statusCode,
    ).toBe(204);
    const refused = await s.tokenhub(['token', 'ls']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `tokenhub: your sign-in to ${s.url} has ended (signed out, revoked or expired): run tokenhub login\n`,
    );
    // logout still forgets it locally.
    expect((await s.tokenhub(['logout'])).code).toBe(0);
  });
});

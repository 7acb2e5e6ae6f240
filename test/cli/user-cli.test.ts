/**
 * `tokenhub login`, `logout`, `whoami` and the CI overrides, run as child processes against a real
 * tokenhub server: the password and token paths of `login --password-stdin`, the device sign-in
 * approved through the API, the credential file's contents and modes, exit codes and messages.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { freePort } from '../support/free-port.ts';
import { type CliServer, decideDeviceSignIn, startCliServer } from './cli-harness.ts';

// Every step is a child process (~0.5 s each); a slow CI machine needs room.
vi.setConfig({ testTimeout: 60_000 });

let s: CliServer;
let password: string;
const credentialsFile = () => join(s.env.XDG_CONFIG_HOME ?? '', 'tokenhub', 'credentials.json');
const readStore = async () => JSON.parse(await readFile(credentialsFile(), 'utf8'));

beforeAll(async () => {
  s = await startCliServer();
  password = await s.t.signUp('alice');
  await s.t.signUp('carol');
});
afterAll(async () => s?.close());
beforeEach(async () => {
  await writeFile(credentialsFile(), '{"servers":{},"registries":{}}').catch(() => undefined);
});

const login = (username: string, secret: string, extra: string[] = []) =>
  s.tokenhub(['login', '--server', s.url, '--username', username, '--password-stdin', ...extra], {
    input: `${secret}\n`,
  });

describe('tokenhub login with --password-stdin', () => {
  it('a password stores only a revocable sign-in kept on the server, in a 0600 file in a 0700 directory', async () => {
    const res = await login('Alice', password);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `Logged in to ${s.url} as alice (a password sign-in kept on the server, until `,
    );
    expect(res.stdout).toContain('never the password');
    const text = await readFile(credentialsFile(), 'utf8');
    expect(text).not.toContain(password);
    const store = JSON.parse(text);
    expect(store.current).toBe(s.url);
    expect(store.servers[s.url]).toMatchObject({ username: 'alice', kind: 'cli-session' });
    expect(store.servers[s.url].token).toMatch(/^thub_session_/);
    expect((await stat(credentialsFile())).mode & 0o777).toBe(0o600);
    expect((await stat(join(s.env.XDG_CONFIG_HOME ?? '', 'tokenhub'))).mode & 0o777).toBe(0o700);

    const who = await s.tokenhub(['whoami', '--format', 'json']);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({
      username: 'alice',
      email: 'alice@example.com',
      server: s.url,
      credential: 'cli-session',
    });
    // A password session manages tokens.
    expect((await s.tokenhub(['token', 'ls'])).code).toBe(0);
  });

  it('a PAT is stored as it is; token management then fails with the API message and a hint', async () => {
    const pat = await s.t.createPat(await s.t.login('alice', password), { scopes: ['repo:read'] });
    const res = await login('alice', pat.token);
    expect(res).toMatchObject({ code: 0, stdout: expect.stringContaining('(a personal access token)') });
    expect((await readStore()).servers[s.url]).toMatchObject({ kind: 'pat', token: pat.token });

    const whoami = await s.tokenhub(['whoami']);
    expect(whoami.stdout).toContain('Signed in with:   a personal access token\n');
    const refused = await s.tokenhub(['token', 'ls']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^tokenhub: token issued from personal access token is not allowed \(this needs a password sign-in: .*tokenhub login --username alice --password-stdin.*\)\n$/,
    );

    // A password login of the same account keeps the PAT and adds a session for token management.
    const both = await login('alice', password);
    expect(both.stdout).toContain('for token management; docker keeps a personal access token.');
    const entry = (await readStore()).servers[s.url];
    expect(entry).toMatchObject({
      kind: 'pat',
      token: pat.token,
      password_session: { token: expect.stringMatching(/^thub_session_/), session_id: expect.any(String) },
    });
    expect((await s.tokenhub(['token', 'ls'])).code).toBe(0);
    const who = JSON.parse((await s.tokenhub(['whoami', '--format', 'json'])).stdout);
    expect(who).toMatchObject({ credential: 'pat', password_session_expires_at: expect.any(String) });

    // logout forgets a PAT but leaves it working on the server.
    expect(await s.tokenhub(['logout'])).toMatchObject({
      code: 0,
      stdout: `Logged out of ${s.url} (the sign-in was ended on the server)\n`,
    });
    expect((await readStore()).servers).toEqual({});
    expect(await s.t.login('alice', pat.token)).toBeTruthy();
    expect(await s.tokenhub(['whoami'])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: not logged in: run tokenhub login --server URL, or set TOKENHUB_SERVER\n',
    });
    expect(await s.tokenhub(['logout', '--server', s.url])).toMatchObject({
      code: 0,
      stderr: `not logged in to ${s.url}\n`,
    });
  });

  it('refuses a wrong password with the API message and exit code 1', async () => {
    expect(await login('alice', 'not the password')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'tokenhub: incorrect username or password\n',
    });
  });

  it('with two-factor sign-in on and no terminal, says so instead of prompting', async () => {
    await s.t.signUp('dave');
    const jwt = await s.t.login('dave', password);
    const { secret } = (await s.t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    const enabled = await s.t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(secret, s.t.clock.now()) },
    });
    expect(enabled.statusCode).toBe(200);
    const pat = await s.t.createPat(jwt, { scopes: ['repo:write'] });
    expect(await login('dave', password)).toMatchObject({
      code: 1,
      stderr:
        'tokenhub: two-factor authentication is on for dave: run this in a terminal to enter a code, or use a personal access token as the password\n',
    });
    expect((await login('dave', pat.token)).code).toBe(0);
  });

  it('usage errors exit 2', async () => {
    const noUser = await s.tokenhub(['login', '--server', s.url, '--password-stdin'], { input: 'x' });
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toContain('error: --password-stdin needs --username');
    const noServer = await s.tokenhub(['login', '--username', 'alice', '--password-stdin'], { input: 'x' });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('which server? pass --server URL or set TOKENHUB_SERVER');
    expect((await s.tokenhub(['login', '--bogus'])).code).toBe(2);
    expect((await s.tokenhub(['whoami', '--format', 'yaml'])).code).toBe(2);
  });

  it('an unreachable server is one line on stderr and exit code 1', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const res = await s.tokenhub(['login', '--server', nobody, '--username', 'a', '--password-stdin'], {
      input: 'secret',
    });
    expect(res).toMatchObject({
      code: 1,
      stderr: `tokenhub: cannot connect to ${nobody}: nothing is listening at ${new URL(nobody).host}. Is tokenhub running, and is the address right?\n`,
    });
  });
});

describe('TOKENHUB_SERVER, TOKENHUB_TOKEN and TOKENHUB_USERNAME', () => {
  it('use a token without any stored credentials', async () => {
    const pat = await s.t.createPat(await s.t.login('carol', password), { scopes: ['repo:read'] });
    const env = { TOKENHUB_SERVER: s.url, TOKENHUB_TOKEN: pat.token, TOKENHUB_USERNAME: 'carol' };
    const who = await s.tokenhub(['whoami', '--format', 'json'], { env });
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ username: 'carol', credential: 'env' });
    const noName = await s.tokenhub(['whoami'], { env: { ...env, TOKENHUB_USERNAME: undefined } });
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('TOKENHUB_TOKEN needs TOKENHUB_USERNAME');
    const wrong = await s.tokenhub(['whoami'], { env: { ...env, TOKENHUB_USERNAME: 'alice' } });
    expect(wrong).toMatchObject({
      code: 1,
      stderr:
        'tokenhub: incorrect username or password (TOKENHUB_TOKEN no longer works: run tokenhub login)\n',
    });
  });
});

describe('tokenhub login (device sign-in)', () => {
  it('prints the URL and code, waits for the approval and stores the auto-generated token; logout revokes it', async () => {
    const run = s.spawnTokenhub(['login', '--server', s.url, '--configure-containers', '127.0.0.1:5999'], {
      TOKENHUB_USERNAME: 'alice',
    });
    const [, userCode] = await run.waitForStderr(/the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
    expect(run.child.exitCode).toBeNull();
    const stderr = await run.waitForStderr(/open this page in a browser:\n\n {2}(\S+)/);
    expect(stderr[1]).toContain('/device');
    await decideDeviceSignIn(s.t, 'alice', password, userCode ?? '');
    const res = await run.done;
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `Logged in to ${s.url} as alice (an auto-generated token (device sign-in), until `,
    );
    expect(res.stdout).toContain('skopeo and podman use docker-credential-tokenhub for 127.0.0.1:5999');
    const stored = (await readStore()).servers[s.url];
    expect(stored).toMatchObject({ username: 'alice', kind: 'auto' });

    const jwt = await s.t.login('alice', password);
    const autoTokens = async () =>
      (await s.t.inject({ method: 'GET', url: '/v2/access-tokens?page_size=100', jwt }))
        .json()
        .results.filter((t: { generated_by: string }) => t.generated_by === 'auto');
    expect(await autoTokens()).toHaveLength(1);
    expect((await autoTokens())[0].token_label).toContain('tokenhub CLI on');

    const out = await s.tokenhub(['logout']);
    expect(out).toMatchObject({
      code: 0,
      stdout: `Logged out of ${s.url} (the auto-generated token was revoked and the sign-in ended on the server)\n`,
    });
    expect(await autoTokens()).toHaveLength(0);
    await expect(s.t.login('alice', stored.token)).rejects.toThrow(/401/);
  });

  it('a denied sign-in exits 1 and stores nothing', async () => {
    const run = s.spawnTokenhub(['login', '--server', s.url]);
    const [, userCode] = await run.waitForStderr(/the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
    await decideDeviceSignIn(s.t, 'alice', password, userCode ?? '', 'deny');
    expect(await run.done).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('tokenhub: the sign-in was denied in the browser\n'),
    });
    expect((await readStore()).servers).toEqual({});
  });
});

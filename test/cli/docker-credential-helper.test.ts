/**
 * `docker-credential-tokenhub` (docker's credential-helper protocol) as a child process, and the
 * `--configure-docker` / `--configure-containers` edits of `tokenhub login`. The end-to-end run with
 * skopeo and the real registry is test/e2e/cli-credential-helper.e2e.test.ts.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliServer, startCliServer } from './cli-harness.ts';

vi.setConfig({ testTimeout: 60_000 });

let s: CliServer;
let password: string;
let pat: string;
const host = '127.0.0.1:5111';
const dockerConfig = () => join(s.env.DOCKER_CONFIG ?? '', 'config.json');
const containersAuth = () => join(s.env.XDG_RUNTIME_DIR ?? '', 'containers', 'auth.json');

beforeAll(async () => {
  s = await startCliServer();
  password = await s.t.signUp('alice');
  pat = (await s.t.createPat(await s.t.login('alice', password), { scopes: ['repo:write'] })).token;
  await mkdir(s.env.DOCKER_CONFIG ?? '', { recursive: true });
  await writeFile(
    dockerConfig(),
    JSON.stringify({ auths: { 'other.example.com': {} }, credHelpers: { 'gcr.io': 'gcloud' } }),
  );
});
afterAll(async () => s?.close());

describe('tokenhub login --configure-docker / --configure-containers', () => {
  it('adds credHelpers entries, keeps the rest of the files, and remembers the hosts', async () => {
    const res = await s.tokenhub(
      [
        'login',
        '--server',
        s.url,
        '--username',
        'alice',
        '--password-stdin',
        '--configure-docker',
        `http://${host}/`,
        '--configure-containers',
        host,
      ],
      { input: pat },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`docker uses docker-credential-tokenhub for ${host} (${dockerConfig()})\n`);
    expect(res.stdout).toContain(
      `skopeo and podman use docker-credential-tokenhub for ${host} (${containersAuth()})\n`,
    );
    expect(JSON.parse(await readFile(dockerConfig(), 'utf8'))).toEqual({
      auths: { 'other.example.com': {} },
      credHelpers: { 'gcr.io': 'gcloud', [host]: 'tokenhub' },
    });
    expect(JSON.parse(await readFile(containersAuth(), 'utf8'))).toEqual({
      credHelpers: { [host]: 'tokenhub' },
    });
    expect((await stat(containersAuth())).mode & 0o777).toBe(0o600);
  });
});

describe('docker-credential-tokenhub', () => {
  it('get answers the stored token for a host this server serves, in any spelling', async () => {
    for (const input of [host, `${host}\n`, `https://${host}/v2/`]) {
      const res = await s.helper('get', input);
      expect(res).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(res.stdout)).toEqual({ ServerURL: input.trim(), Username: 'alice', Secret: pat });
    }
  });

  it('get for an unknown host answers the protocol’s not-found message with exit code 1', async () => {
    expect(await s.helper('get', 'registry.example.com')).toEqual({
      code: 1,
      stdout: 'credentials not found in native keychain\n',
      stderr: '',
    });
  });

  it('list maps hosts to usernames; store is accepted and ignored; unknown actions are usage errors', async () => {
    expect(JSON.parse((await s.helper('list')).stdout)).toEqual({ [host]: 'alice' });
    const stored = await s.helper(
      'store',
      JSON.stringify({ ServerURL: 'x.example.com', Username: 'u', Secret: 's' }),
    );
    expect(stored.code).toBe(0);
    expect((await s.helper('get', 'x.example.com')).code).toBe(1);
    expect((await s.helper('bogus')).code).toBe(2);
    expect((await s.helper('version')).stdout).toMatch(/^docker-credential-tokenhub \d+\.\d+\.\d+\n$/);
  });

  it('a password login next to the token keeps it for docker; a password session alone is no registry credential', async () => {
    const login = (secret: string) =>
      s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], { input: secret });
    const kept = await login(password);
    expect(kept.stdout).toContain('with a password session until ');
    expect(kept.stdout).toContain('for token management; docker keeps a personal access token.');
    expect(JSON.parse((await s.helper('get', host)).stdout)).toMatchObject({
      Username: 'alice',
      Secret: pat,
    });

    expect((await s.tokenhub(['logout'])).code).toBe(0);
    expect((await login(password)).code).toBe(0);
    expect((await s.helper('get', host)).code).toBe(1);
    expect(JSON.parse((await s.helper('list')).stdout)).toEqual({});
  });

  it('erase forgets the host; after logout get finds nothing either', async () => {
    await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], { input: pat });
    expect((await s.helper('get', host)).code).toBe(0);
    expect((await s.helper('erase', host)).code).toBe(0);
    expect((await s.helper('get', host)).code).toBe(1);

    await s.tokenhub(
      ['login', '--server', s.url, '--username', 'alice', '--password-stdin', '--configure-docker', host],
      {
        input: pat,
      },
    );
    expect((await s.helper('get', host)).code).toBe(0);
    expect((await s.tokenhub(['logout'])).code).toBe(0);
    expect(await s.helper('get', host)).toMatchObject({
      code: 1,
      stdout: 'credentials not found in native keychain\n',
    });
  });
});

/**
 * What the CLI tells a person about their sign-in and their registry clients, run as child
 * processes under this Node and under the system's older Node (Debian's 20, when present):
 * `whoami` asks the server for every credential, a new token comes with `docker login <host>`
 * (or says the host is needed), and `--configure-docker` checks that docker can find the helper.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateTokenSecret } from '../../src/core/token-secret.ts';
import { runCommand } from '../support/clients.ts';
import { freePort } from '../support/free-port.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { mintOat } from '../support/token-fixtures.ts';
import { bin, type CliServer, helperBin, startCliServer } from './cli-harness.ts';

vi.setConfig({ testTimeout: 60_000 });

const olderNode = '/usr/bin/node';
const hasOlderNode =
  existsSync(olderNode) &&
  Number(spawnSync(olderNode, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout) <
    22;
/** This Node, and the system's older one when there is one: each case runs under both. */
const nodes = [process.execPath, ...(hasOlderNode ? [olderNode] : [])];

let s: CliServer;
let password: string;
let oat: string;

/** `tokenhub <args>` under `node`, in the server's isolated environment. */
const tokenhub = (
  node: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string } = {},
) =>
  runCommand(node, [bin, ...args], {
    env: { ...s.env, ...options.env },
    input: options.input,
    timeoutMs: 30_000,
  });

beforeAll(async () => {
  s = await startCliServer({ env: { TOKENHUB_REGISTRY_URL: 'http://127.0.0.1:5123' } });
  password = await s.t.signUp('alice');
  const org = await setUpOrg(s.t, 'acme', { members: [] });
  await setOrgTier(s.t, 'acme', 'team');
  oat = (await mintOat(s.t, org, [{ type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] }])).secret;
});
afterAll(async () => s?.close());

describe.each(nodes)('under %s', (node) => {
  it('whoami asks the server about an organization access token', async () => {
    const asOat = (token: string, name: string) => ({
      TOKENHUB_SERVER: s.url,
      TOKENHUB_TOKEN: token,
      TOKENHUB_USERNAME: name,
    });
    const real = await tokenhub(node, ['whoami'], { env: asOat(oat, 'acme') });
    expect(real).toMatchObject({ code: 0, stdout: expect.stringContaining('Username:         acme\n') });

    const madeUp = generateTokenSecret('thub_', 'oat').reveal();
    const fake = await tokenhub(node, ['whoami'], { env: asOat(madeUp, 'acme') });
    expect(fake.code).toBe(1);
    expect(fake.stdout).toBe('');
    expect(fake.stderr).toMatch(/^tokenhub: incorrect username or password/);

    const wrongOrg = await tokenhub(node, ['whoami'], { env: asOat(oat, 'globex') });
    expect(wrongOrg.code).toBe(1);

    const down = `http://127.0.0.1:${await freePort()}`;
    const serverDown = await tokenhub(node, ['whoami'], {
      env: { ...asOat(oat, 'acme'), TOKENHUB_SERVER: down },
    });
    expect(serverDown.code).toBe(1);
    expect(serverDown.stdout).toBe('');
  });

  it('a new token comes with docker login <registry host> -u <name>', async () => {
    const login = await tokenhub(
      node,
      ['login', '--server', s.url, '--username', 'alice', '--password-stdin'],
      {
        input: password,
      },
    );
    expect(login.code).toBe(0);
    const created = await tokenhub(node, ['token', 'create', '--description', `ci ${node.length}`]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Log in with: docker login 127.0.0.1:5123 -u alice');
    expect(created.stdout).not.toContain('docker login -u');
  });

  it('--configure-docker warns when the helper is not on PATH, and keeps earlier entries', async () => {
    const dockerConfig = join(s.env.DOCKER_CONFIG ?? '', 'config.json');
    await mkdir(dirname(dockerConfig), { recursive: true });
    const earlier = { auth: Buffer.from('alice:old').toString('base64') };
    await writeFile(
      dockerConfig,
      JSON.stringify({ auths: { '127.0.0.1:5123': earlier, 'other.example.com': { auth: 'eA==' } } }),
    );
    // A PATH with only the Node directories: no docker-credential-tokenhub there.
    const bare = { PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
    const args = [
      'login',
      '--server',
      s.url,
      '--username',
      'alice',
      '--password-stdin',
      '--configure-docker',
      '127.0.0.1:5123',
    ];
    const missing = await tokenhub(node, args, { input: password, env: bare });
    expect(missing.code).toBe(0);
    expect(missing.stderr).toContain(
      'docker will not find docker-credential-tokenhub: it is not on your PATH',
    );
    expect(missing.stderr).toContain(`ln -sf ${helperBin}`);
    expect(missing.stdout).toContain(
      'the credential an earlier docker login stored for 127.0.0.1:5123 stays in the file, unused',
    );
    expect(JSON.parse(await readFile(dockerConfig, 'utf8'))).toEqual({
      auths: { '127.0.0.1:5123': earlier, 'other.example.com': { auth: 'eA==' } },
      credHelpers: { '127.0.0.1:5123': 'tokenhub' },
    });

    const binDir = join(s.dir, `bin-${node.length}`);
    await mkdir(binDir, { recursive: true });
    await symlink(helperBin, join(binDir, 'docker-credential-tokenhub')).catch(() => undefined);
    const found = await tokenhub(node, args, { input: password, env: { PATH: `${binDir}:${bare.PATH}` } });
    expect(found).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('without TOKENHUB_REGISTRY_URL', () => {
  it('a new token says the registry host is needed instead of a bare docker login -u', async () => {
    const other = await startCliServer();
    try {
      const p = await other.t.signUp('bobby');
      await other.tokenhub(['login', '--server', other.url, '--username', 'bobby', '--password-stdin'], {
        input: p,
      });
      const created = await other.tokenhub(['token', 'create', '--description', 'ci']);
      expect(created.code).toBe(0);
      expect(created.stdout).toContain('docker login REGISTRY-HOST -u bobby');
      expect(created.stdout).toContain('does not know its registry host');
    } finally {
      await other.close();
    }
  });
});

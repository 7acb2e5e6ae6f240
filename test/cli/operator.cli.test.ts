/**
 * The `tokenhub` command as a user runs it: a child process on a temp SQLite database. Covers
 * `serve` (start, answer, flush buffered last-used times on SIGTERM), `admin create-user`,
 * `admin registry-config` and `admin rotate-key`, their exit codes and messages.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-cli-'));
  env = {
    TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
    TOKENHUB_PUBLIC_URL: 'https://hub.example.com',
    TOKENHUB_LOG_LEVEL: 'info',
  };
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('tokenhub admin', () => {
  it('migrate reports what it applied, then that the database is up to date', async () => {
    const first = await tokenhub(['admin', 'migrate']);
    expect(first).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('applied: 2026-11-24T0001-initial'),
    });
    expect((await tokenhub(['admin', 'migrate'])).stdout).toBe('database is up to date\n');
  });

  it('create-user reads the password from stdin and refuses bad input with exit code 1', async () => {
    const ok = await tokenhub(
      ['admin', 'create-user', 'alice', '--email', 'alice@example.com', '--password-stdin', '--admin'],
      'a long password\n',
    );
    expect(ok).toMatchObject({ code: 0, stdout: 'created user alice (instance administrator)\n' });
    const again = await tokenhub(
      ['admin', 'create-user', 'alice', '--email', 'a@example.com', '--password-stdin'],
      'a long password',
    );
    expect(again).toMatchObject({ code: 1, stderr: 'tokenhub: this username is already taken\n' });
    const short = await tokenhub(
      ['admin', 'create-user', 'bobby', '--email', 'b@example.com', '--password-stdin'],
      'short',
    );
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password must be at least 8 characters');
    const usage = await tokenhub(['admin', 'create-user', 'bobby']);
    expect(usage.code).toBe(2);
  });

  it('registry-config writes the bundle and prints the auth.token block', async () => {
    const bundle = join(dir, 'bundle.pem');
    const res = await tokenhub(['admin', 'registry-config', '--bundle', bundle]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        'auth:',
        '  token:',
        '    realm: https://hub.example.com/token',
        '    service: tokenhub-registry',
        '    issuer: tokenhub',
        `    rootcertbundle: ${bundle}`,
        '',
      ].join('\n'),
    );
    const pem = await readFile(bundle, 'utf8');
    expect(new X509Certificate(pem).publicKey.asymmetricKeyType).toBe('ec');
    expect(pem).not.toContain('PRIVATE');
  });

  it('rotate-key publishes, activates and retires keys in order', async () => {
    const bundle = join(dir, 'rotated.pem');
    expect((await tokenhub(['admin', 'rotate-key', '--activate'])).stderr).toContain(
      'no next key to activate',
    );
    const published = await tokenhub(['admin', 'rotate-key', '--bundle', bundle]);
    expect(published).toMatchObject({ code: 0, stdout: expect.stringContaining('published next key') });
    expect((await readFile(bundle, 'utf8')).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect((await tokenhub(['admin', 'rotate-key'])).stderr).toContain('a next key is already published');
    expect((await tokenhub(['admin', 'rotate-key', '--activate'])).code).toBe(0);
    const retired = await tokenhub(['admin', 'rotate-key', '--retire', '--bundle', bundle]);
    expect(retired.stdout).toBe('retired 1 previous key(s)\n');
    expect((await readFile(bundle, 'utf8')).match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
  });

  it('names a bad setting and exits 1', async () => {
    const res = await runCommand(process.execPath, [bin, 'admin', 'migrate'], {
      env: { ...env, TOKENHUB_DATABASE_URL: 'mysql://nope' },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('TOKENHUB_DATABASE_URL must start with sqlite: or postgres://');
  });
});

describe('tokenhub serve', () => {
  it('serves, and on SIGTERM flushes buffered last-used times and exits 0', async () => {
    const server = spawn(process.execPath, [bin, 'serve'], {
      env: { ...process.env, ...env, TOKENHUB_PORT: '0', TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS: '60000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const address = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      server.on('exit', () => reject(new Error(`serve exited early: ${output}`)));
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    expect(await (await fetch(`${address}/healthz`)).json()).toEqual({ status: 'ok' });

    const login = await fetch(`${address}/v2/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'a long password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${address}/v2/access-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ token_label: 'cli', scopes: ['repo:read'] }),
    });
    const pat = (await created.json()) as { uuid: string; token: string };
    const registryToken = await fetch(`${address}/token?service=tokenhub-registry`, {
      headers: {
        authorization: `Basic ${Buffer.from(`alice:${pat.token}`).toString('base64')}`,
        'user-agent': 'docker/28',
      },
    });
    expect(registryToken.status).toBe(200);

    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).not.toContain(pat.token);
    const db = new Database(join(dir, 'tokenhub.db'), { readonly: true });
    const row = db.prepare('select last_used_at, last_used_ua from access_tokens where id = ?').get(pat.uuid);
    db.close();
    expect(row).toMatchObject({ last_used_at: expect.any(String), last_used_ua: 'docker/28' });
  });
});

/**
 * `tokenhub serve --workers 2`: a node:cluster primary and two workers sharing one port. Both
 * workers answer, and on SIGTERM the primary stops them, each one writing its buffered last-used
 * times before exiting; then the primary exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerExecArgv, workerHeapFlags } from '../../src/cli/admin/serve-cluster.ts';
import { runCommand } from '../support/clients.ts';

const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;
const packageJson = new URL('../../package.json', import.meta.url).pathname;
let dir: string;
let env: Record<string, string>;
let server: ChildProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-workers-'));
  env = {
    TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
    TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
    TOKENHUB_LOG_LEVEL: 'info',
  };
  const created = await runCommand(
    process.execPath,
    [bin, 'admin', 'create-user', 'alice', '--email', 'alice@example.com', '--password-stdin'],
    { env, input: 'a long password\n', timeoutMs: 20_000 },
  );
  expect(created.code).toBe(0);
});
afterAll(async () => {
  // A failed assertion must not leave the cluster running.
  if (server && server.exitCode === null) server.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
});

/** One request on a connection of its own, so the cluster's round robin spreads them over workers. */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('tokenhub serve --workers', () => {
  it('serves from two workers and flushes each one’s last-used buffer on SIGTERM', async () => {
    const cluster = spawn(process.execPath, [bin, 'serve', '--workers', '2'], {
      env: { ...process.env, ...env, TOKENHUB_PORT: '0', TOKENHUB_LAST_USED_FLUSH_INTERVAL_MS: '60000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = cluster;
    let output = '';
    cluster.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const address = await new Promise<string>((resolve, reject) => {
      cluster.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        const workersListening = output.match(/"msg":"tokenhub listening"/g)?.length ?? 0;
        if (workersListening === 2 && output.includes('"msg":"tokenhub workers started"')) {
          const match = /"address":"(http:\/\/[^"]+)"/.exec(output);
          if (match?.[1]) resolve(match[1]);
        }
      });
      cluster.on('exit', () => reject(new Error(`serve exited early: ${output}`)));
    });
    const exited = new Promise<number | null>((resolve) => cluster.on('exit', resolve));
    const listening = output.split('\n').filter((line) => line.includes('"msg":"tokenhub listening"'));
    expect(listening.map((line) => (JSON.parse(line) as { worker: number }).worker).sort()).toEqual([1, 2]);
    const workerPids = readFileSync(`/proc/${cluster.pid}/task/${cluster.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/);
    expect(workerPids).toHaveLength(2);
    for (const pid of workerPids) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      for (const flag of workerHeapFlags) expect(argv).toContain(flag);
    }

    const login = await fetch(`${address}/v2/users/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'a long password' }),
    });
    const { token: session } = (await login.json()) as { token: string };
    const pats: Array<{ uuid: string; token: string }> = [];
    for (const label of ['ci-1', 'ci-2']) {
      const created = await fetch(`${address}/v2/access-tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` },
        body: JSON.stringify({ token_label: label, scopes: ['repo:read'] }),
      });
      pats.push((await created.json()) as { uuid: string; token: string });
    }
    // New connections alternate between the workers (round robin), so each token's uses are
    // buffered in one or both workers; only the shutdown flush writes them (the interval is 60 s).
    for (let i = 0; i < 8; i++) {
      for (const pat of pats) {
        const res = await get(`${address}/token?service=tokenhub-registry`, {
          authorization: `Basic ${Buffer.from(`alice:${pat.token}`).toString('base64')}`,
          'user-agent': `docker/28 (${i})`,
        });
        expect(res.status).toBe(200);
      }
    }

    cluster.kill('SIGTERM');
    expect(await exited).toBe(0);
    const shutdowns = output.split('\n').filter((line) => line.includes('"msg":"shutting down"'));
    expect(new Set(shutdowns.map((line) => (JSON.parse(line) as { pid: number }).pid)).size).toBe(2);
    expect(output).toContain('"msg":"stopping workers"');
    const db = new Database(join(dir, 'tokenhub.db'), { readonly: true });
    const rows = db
      .prepare('select id, last_used_at, last_used_ua from access_tokens where id in (?, ?)')
      .all(pats[0]?.uuid, pats[1]?.uuid);
    db.close();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ last_used_at: expect.any(String), last_used_ua: 'docker/28 (7)' });
    }
  });

  it('sizes the heap of workers, keeping each flag the operator chose', () => {
    expect(workerExecArgv(['--enable-source-maps'])).toEqual([
      '--enable-source-maps',
      '--max-semi-space-size=16',
      '--max-old-space-size=512',
    ]);
    expect(workerExecArgv(['--max-semi-space-size=64'])).toEqual([
      '--max-semi-space-size=64',
      '--max-old-space-size=512',
    ]);
    expect(workerExecArgv([], '--max_old_space_size=2048 --trace-gc')).toEqual(['--max-semi-space-size=16']);
  });

  it('starts `npm start` with the same heap flags, so that one process (--workers 1) has them too', () => {
    const start: string = JSON.parse(readFileSync(packageJson, 'utf8')).scripts.start;
    for (const flag of workerHeapFlags) expect(start.split(' ')).toContain(flag);
  });

  it('refuses a worker count that is not a whole number from 1 to 256 (usage error, exit 2)', async () => {
    const res = await runCommand(process.execPath, [bin, 'serve', '--workers', '0'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('a whole number from 1 to 256');
  });
});

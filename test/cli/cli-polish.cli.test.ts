/**
 * The CLI's words: a usage error is one line and a hint (not the whole help), server messages name
 * the flags typed, a server that is not there or not HTTP gets a plain sentence, and the token
 * edits (`rename`, `set-scope`) use the console's level names.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { type CliServer, startCliServer } from './cli-harness.ts';

vi.setConfig({ testTimeout: 60_000 });

let s: CliServer;
let notHttp: Server;
let notHttpUrl: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  s = await startCliServer();
  const password = await s.t.signUp('alice');
  await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
    input: password,
  });
  // A TCP port that answers something other than HTTP (an SSH banner, say).
  notHttp = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.end('SSH-2.0-OpenSSH_9.2\r\n');
  });
  await new Promise<void>((resolve) => notHttp.listen(0, '127.0.0.1', resolve));
  const address = notHttp.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  notHttpUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => notHttp?.close(resolve));
  await s?.close();
});

describe('usage errors', () => {
  it('print one line and a hint, not the whole help', async () => {
    const res = await s.tokenhub(['token', 'create', '--scope', 'root']);
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: option '--scope <level>' argument 'root' is invalid/);
    expect(lines[1]).toBe("(add --help for the command's usage and examples)");
    expect(res.stderr).not.toContain('Options:');
  });
});

describe('server messages', () => {
  it('name the flag the user typed, not the API field', async () => {
    const res = await s.tokenhub(['token', 'create', '--description', 'far', '--expires', '2099-01-01']);
    expect(res).toMatchObject({ code: 1, stderr: 'tokenhub: --expires must be at most one year ahead\n' });
  });

  it('connection refused and a non-HTTP port are plain sentences', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const refused = await s.tokenhub(['login', '--server', nobody, '--username', 'a', '--password-stdin'], {
      input: 'x',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^tokenhub: cannot connect to .*: nothing is listening at 127\.0\.0\.1:\d+\. Is tokenhub running/,
    );
    const garbage = await s.tokenhub(
      ['login', '--server', notHttpUrl, '--username', 'a', '--password-stdin'],
      {
        input: 'x',
      },
    );
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toBe(
      `tokenhub: ${notHttpUrl} did not answer with HTTP: is ${new URL(notHttpUrl).host} the tokenhub address (and the right port)?\n`,
    );
    expect(garbage.stderr).not.toMatch(/UND_ERR|HPE_/);
  });
});

describe('token rename and set-scope', () => {
  it('change the description and the level with the console words', async () => {
    const created = JSON.parse(
      (
        await s.tokenhub([
          'token',
          'create',
          '--description',
          'old name',
          '--scope',
          'read',
          '--format',
          'json',
        ])
      ).stdout,
    ) as { uuid: string };
    const renamed = await s.tokenhub(['token', 'rename', created.uuid, 'new name']);
    expect(renamed).toMatchObject({ code: 0, stdout: `${created.uuid} is now called new name\n` });
    const scoped = await s.tokenhub(['token', 'set-scope', created.uuid, 'write']);
    expect(scoped).toMatchObject({ code: 0, stdout: `${created.uuid} (new name) now has Read & Write\n` });
    const bad = await s.tokenhub(['token', 'set-scope', created.uuid, 'root']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown level root: choose public-read, read, write or admin');
  });
});

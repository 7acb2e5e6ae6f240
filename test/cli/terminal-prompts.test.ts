/**
 * The prompts of the user commands on a real terminal: `script` (util-linux) gives the CLI a
 * pseudo-terminal, the test types into it. Covers the password prompt when a token session is
 * refused for token management, the 2FA code of `login --password-stdin`, and `rm`'s confirmation.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { totpCode } from '../../src/core/totp.ts';
import { hasBinary } from '../support/clients.ts';
import { bin, type CliServer, startCliServer } from './cli-harness.ts';

vi.setConfig({ testTimeout: 60_000 });

const scriptPresent = hasBinary('script');
if (!scriptPresent)
  console.warn('\n!!! SKIPPING terminal prompt tests: `script` (util-linux) is not installed !!!\n');

const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * Runs `shellCommand` on a pseudo-terminal; each `[pattern, answer]` waits for `pattern` in the
 * terminal output, then types `answer` and Enter.
 */
function onTerminal(
  shellCommand: string,
  env: Record<string, string | undefined>,
  steps: readonly (readonly [RegExp, string])[],
): Promise<{ code: number; output: string }> {
  const child = spawn('script', ['-qefc', shellCommand, '/dev/null'], {
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let step = 0;
  const advance = () => {
    const next = steps[step];
    if (!next?.[0].test(output)) return;
    step++;
    child.stdin.write(`${next[1]}\r`);
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    advance();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code: code ?? 1, output });
    });
  });
}

describe.skipIf(!scriptPresent)('prompts on a terminal', () => {
  let s: CliServer;
  let password: string;
  const cli = (args: string) => `${quote(process.execPath)} ${quote(bin)} ${args}`;

  beforeAll(async () => {
    s = await startCliServer();
    password = await s.t.signUp('alice');
  });
  afterAll(async () => s?.close());

  it('a token sign-in asks for the password when token management needs it; the password is not echoed', async () => {
    const pat = await s.t.createPat(await s.t.login('alice', password), { token_label: 'laptop' });
    const login = await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
      input: pat.token,
    });
    expect(login.code).toBe(0);
    const ls = await onTerminal(cli('token ls'), s.env, [[/Password for alice on http:\S+: $/, password]]);
    expect(ls.code).toBe(0);
    expect(ls.output).toContain('laptop');
    expect(ls.output).not.toContain(password);
  });

  it('rm asks for confirmation; only yes deletes', async () => {
    const { uuid } = await s.t.createPat(await s.t.login('alice', password), { token_label: 'doomed' });
    const session = await s.tokenhub(
      ['login', '--server', s.url, '--username', 'alice', '--password-stdin'],
      {
        input: password,
      },
    );
    expect(session.code).toBe(0);
    const kept = await onTerminal(cli(`token rm ${uuid}`), s.env, [[/\[y\/N\] /, 'n']]);
    expect(kept).toMatchObject({ code: 1, output: expect.stringContaining('tokenhub: nothing deleted') });
    const gone = await onTerminal(cli(`token rm ${uuid}`), s.env, [[/\[y\/N\] /, 'y']]);
    expect(gone).toMatchObject({ code: 0, output: expect.stringContaining(`deleted ${uuid}`) });
  });

  it('login --password-stdin asks for the two-factor code on the terminal', async () => {
    await s.t.signUp('dave');
    const jwt = await s.t.login('dave', password);
    const { secret } = (await s.t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    const code = () => totpCode(secret, s.t.clock.now());
    const enable = await s.t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: code() },
    });
    expect(enable.statusCode).toBe(200);
    s.t.clock.advanceSeconds(30); // a code is never accepted twice
    const command = `printf %s ${quote(password)} | ${cli(`login --server ${s.url} --username dave --password-stdin`)}`;
    const res = await onTerminal(command, s.env, [[/Two-factor code \(or a recovery code\): /, code()]]);
    expect(res.output).toContain(`Logged in to ${s.url} as dave (a password sign-in kept on the server`);
    expect(res.code).toBe(0);
  });
});

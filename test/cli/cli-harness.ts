/**
 * For the user-command suites: an in-process tokenhub listening on a loopback port (manual clock,
 * as in app-harness.ts), a temp HOME with its own XDG config, docker config and containers auth
 * file, and `tokenhub` run as a child process (`<node> bin/tokenhub.js …`, this Node unless told
 * otherwise) with TZ=UTC and none of the developer's TOKENHUB_* settings.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { type CommandResult, runCommand } from '../support/clients.ts';

export const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;
export const helperBin = new URL('../../bin/docker-credential-tokenhub.js', import.meta.url).pathname;

/** The system's Node when it is too old to strip types itself (Debian's 20): the bins relaunch. */
export const olderNode = '/usr/bin/node';

/** Whether `node` is older than 22.12, the first Node that strips types. */
export function isOlderNode(node: string): boolean {
  if (!existsSync(node)) return false;
  const printed = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
  const [major = 0, minor = 0] = printed.split('.').map(Number);
  return major < 22 || (major === 22 && minor < 12);
}

/**
 * The Nodes the user-command suites run the bins under: this one (24), and the system's older one
 * when the machine has it (the README supports starting the CLI from Node 20).
 */
export const cliNodes: ReadonlyArray<{ name: string; path: string }> = [
  { name: `Node ${process.versions.node}`, path: process.execPath },
  ...(isOlderNode(olderNode) ? [{ name: `the system's older Node (${olderNode})`, path: olderNode }] : []),
];

export type ChildEnv = Record<string, string | undefined>;

export interface CliServer {
  t: TestApp;
  url: string;
  dir: string;
  env: ChildEnv;
  /** Runs `tokenhub <args>` to completion. */
  tokenhub(args: readonly string[], options?: { input?: string; env?: ChildEnv }): Promise<CommandResult>;
  /** Runs `docker-credential-tokenhub <action>` with `input` on stdin. */
  helper(action: string, input?: string, env?: ChildEnv): Promise<CommandResult>;
  /** Starts `tokenhub <args>` and leaves it running (device sign-in). */
  spawnTokenhub(args: readonly string[], env?: ChildEnv): RunningCli;
  close(): Promise<void>;
}

export interface RunningCli {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the first match of `pattern` in stderr. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  done: Promise<CommandResult>;
}

/** Environment of a CLI run in `dir`; every override the developer may have set is cleared. */
export function isolatedEnv(dir: string): ChildEnv {
  return {
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, 'config'),
    DOCKER_CONFIG: join(dir, 'docker'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
    REGISTRY_AUTH_FILE: undefined,
    TOKENHUB_SERVER: undefined,
    TOKENHUB_TOKEN: undefined,
    TOKENHUB_USERNAME: undefined,
    TOKENHUB_DATABASE_URL: undefined,
    TOKENHUB_ID_TOKEN: undefined,
    TOKENHUB_OIDC_CONNECTION_ID: undefined,
    ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    TZ: 'UTC',
  };
}

export function spawnCli(
  file: string,
  args: readonly string[],
  env: ChildEnv,
  node: string = process.execPath,
): RunningCli {
  const child = spawn(node, [file, ...args], {
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  child.stdin.end();
  const done = new Promise<CommandResult>((resolve) => {
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
  return {
    child,
    done,
    waitForStderr(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stderr);
          if (!match) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} in stderr within ${timeoutMs} ms: ${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

export async function startCliServer(
  options: { env?: Record<string, string>; start?: string; node?: string } = {},
): Promise<CliServer> {
  const node = options.node ?? process.execPath;
  const dir = await mkdtemp(join(tmpdir(), 'tokenhub-user-cli-'));
  const t = await createTestApp({
    ...(options.start ? { start: options.start } : {}),
    env: { TOKENHUB_LOG_LEVEL: 'warn', TOKENHUB_DEVICE_POLL_INTERVAL_SECONDS: '1', ...options.env },
  });
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const env = isolatedEnv(dir);
  return {
    t,
    url,
    dir,
    env,
    tokenhub: (args, o = {}) =>
      runCommand(node, [bin, ...args], {
        env: { ...env, ...o.env },
        input: o.input,
        timeoutMs: 20_000,
      }),
    helper: (action, input, extra) =>
      runCommand(node, [helperBin, action], {
        env: { ...env, ...extra },
        input,
        timeoutMs: 20_000,
      }),
    spawnTokenhub: (args, extra) => spawnCli(bin, args, { ...env, ...extra }, node),
    async close() {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Approves (or denies) a device sign-in as `username`, the way the web console does. */
export async function decideDeviceSignIn(
  t: TestApp,
  username: string,
  password: string,
  userCode: string,
  decision: 'approve' | 'deny' = 'approve',
): Promise<void> {
  const res = await t.inject({
    method: 'POST',
    url: '/v2/device/verify',
    jwt: await t.login(username, password),
    body: { user_code: userCode, action: decision },
  });
  if (res.statusCode !== 200) throw new Error(`device verify failed: ${res.statusCode} ${res.body}`);
}

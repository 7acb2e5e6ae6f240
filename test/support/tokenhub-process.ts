/**
 * tokenhub as real processes, for the multi-process suites: `bin/tokenhub.js serve --workers N`
 * on a free loopback port, with the settings an operator would give (`TOKENHUB_*` variables).
 * A node is ready when every worker logged `tokenhub listening` and `/healthz` answers. Its log
 * lines (pino JSON on stdout) are kept for assertions; `stop` sends a signal and resolves with the
 * exit code; `kill` SIGKILLs the primary and every worker, as a power cut would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { workerHeapFlags } from '../../src/cli/admin/serve-cluster.ts';
import { freePort } from './free-port.ts';

const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;
const repositoryRoot = new URL('../..', import.meta.url).pathname;

export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TokenhubNode {
  url: string;
  port: number;
  /** The primary (or the one process with `workers: 1`). */
  pid: number;
  /** The workers' pids (children of the primary); `[pid]` for one process. */
  workerPids(): number[];
  /** Everything written on stdout and stderr so far. */
  output(): string;
  /** The JSON log lines so far (other lines skipped). */
  logs(): LogLine[];
  /** Resolves when a log line satisfies `match` (already written ones count). */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Sends `signal` and waits for the exit (SIGKILL to the whole tree after `timeoutMs`). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<NodeExit>;
  /** SIGKILL to the primary and every worker at once; resolves when the primary is gone. */
  kill(): Promise<void>;
  exited: Promise<NodeExit>;
}

export type LogLine = Record<string, unknown> & { msg?: string; pid?: number; level?: number };

export interface StartOptions {
  env: Record<string, string>;
  workers: number;
  /** Defaults to a free port. */
  port?: number;
  /** Resolve as soon as the process runs, without waiting for it to listen. */
  noWait?: boolean;
  timeoutMs?: number;
}

/** The workers (children) of `pid`, from /proc. */
export function childPids(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? [] : text.split(/\s+/).map(Number);
  } catch {
    return [];
  }
}

/** Resident memory of a process in MiB (`VmRSS`), 0 when it is gone. */
export function rssMiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every node started by this test file, killed (with its workers) if the file's process exits first. */
const started = new Set<TokenhubNode>();
process.once('exit', () => {
  for (const node of started) {
    for (const pid of [node.pid, ...node.workerPids()]) killQuietly(pid, 'SIGKILL');
  }
});

export async function startNode(options: StartOptions): Promise<TokenhubNode> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    process.execPath,
    [...workerHeapFlags, bin, 'serve', '--workers', String(options.workers)],
    {
      cwd: repositoryRoot,
      env: {
        ...process.env,
        TOKENHUB_HOST: '127.0.0.1',
        TOKENHUB_PORT: String(port),
        TOKENHUB_LOG_LEVEL: 'info',
        // The suites sign up many accounts from loopback; the sign-up throttle has its own test
        // (test/security/sign-in-limits.security.test.ts). A suite may set it again.
        TOKENHUB_RATE_LIMIT_SIGNUPS_PER_IP: '0',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const lines: LogLine[] = [];
  let partial = '';
  const waiters = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  const take = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    partial += text;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.startsWith('{')) continue;
      try {
        const line = JSON.parse(part) as LogLine;
        lines.push(line);
        for (const waiter of waiters) {
          if (waiter.match(line)) {
            waiters.delete(waiter);
            waiter.resolve(line);
          }
        }
      } catch {
        // not a log line
      }
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const exited = new Promise<NodeExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid ?? 0;
  let workersSeen: number[] = [];
  const workerPids = () => {
    if (options.workers === 1) return [pid];
    const now = childPids(pid);
    if (now.length > 0) workersSeen = now;
    return now.length > 0 ? now : workersSeen;
  };

  const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 30_000) => {
    const found = lines.find(match);
    if (found) return Promise.resolve(found);
    return new Promise<LogLine>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no such log line in ${timeoutMs} ms; output:\n${output.slice(-4000)}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  const node: TokenhubNode = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    workerPids,
    output: () => output,
    logs: () => lines,
    waitForLog,
    async stop(signal = 'SIGTERM', timeoutMs = 40_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      const tree = [pid, ...workerPids()];
      child.kill(signal);
      const killer = setTimeout(() => {
        for (const each of tree) killQuietly(each, 'SIGKILL');
      }, timeoutMs);
      const result = await exited;
      clearTimeout(killer);
      return result;
    },
    async kill() {
      for (const each of [pid, ...workerPids()]) killQuietly(each, 'SIGKILL');
      await exited;
    },
    exited,
  };
  started.add(node);
  void exited.then(() => started.delete(node));
  if (options.noWait) return node;
  const ready = waitUntilServing(node, options.workers, options.timeoutMs ?? 90_000);
  const early = exited.then((exit) => {
    throw new Error(`tokenhub exited (${JSON.stringify(exit)}) before it served:\n${output.slice(-4000)}`);
  });
  try {
    await Promise.race([ready, early]);
  } catch (error) {
    await node.stop('SIGKILL', 1000);
    throw error;
  }
  return node;
}

/** Every worker logged that it listens (counted by pid), and `/healthz` answers 200. */
export async function waitUntilServing(node: TokenhubNode, workers: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const listening = new Set(
      node
        .logs()
        .filter((line) => line.msg === 'tokenhub listening')
        .map((line) => line.pid),
    );
    if (listening.size >= workers) {
      const health = await call(node.url, { path: '/healthz', timeoutMs: 2000 });
      if (health.status === 200) return;
    }
    await sleep(100);
  }
  throw new Error(`tokenhub did not serve in ${timeoutMs} ms:\n${node.output().slice(-4000)}`);
}

function killQuietly(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON; a URLSearchParams as a form. */
  body?: unknown;
  bearer?: string;
  /** Basic credentials. */
  basic?: { username: string; password: string };
  timeoutMs?: number;
}

export interface CallResult {
  /** 0 when there was no HTTP answer (`error` says why: reset, refused, timeout). */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read by each test as it needs.
  json: any;
  error?: string;
  ms: number;
}

/**
 * One HTTP request on a connection of its own (no keep-alive), so the kernel spreads requests over
 * the workers the way it spreads clients. Never rejects: a reset or a timeout is `status: 0`.
 */
export function call(baseUrl: string, options: CallOptions): Promise<CallResult> {
  const started = performance.now();
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.body instanceof URLSearchParams) {
    payload = options.body.toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.basic) {
    const raw = `${options.basic.username}:${options.basic.password}`;
    headers.authorization = `Basic ${Buffer.from(raw).toString('base64')}`;
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: Omit<CallResult, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, ms: performance.now() - started });
    };
    const req = request(
      `${baseUrl}${options.path}`,
      { method: options.method ?? 'GET', headers, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('error', (error) =>
          finish({ status: 0, headers: {}, text, json: undefined, error: error.message }),
        );
        response.on('end', () => {
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          finish({ status: response.statusCode ?? 0, headers: response.headers, text, json });
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error('client timeout'));
      finish({ status: 0, headers: {}, text: '', json: undefined, error: 'client timeout' });
    }, options.timeoutMs ?? 30_000);
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ status: 0, headers: {}, text: '', json: undefined, error: error.code ?? error.message }),
    );
    req.end(payload);
  });
}

/** Statuses counted: `{201: 10, 409: 20}`; a request with no answer counts as `0`. */
export function statusCounts(results: readonly CallResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const result of results) counts[result.status] = (counts[result.status] ?? 0) + 1;
  return counts;
}

/** The answers that are server errors or no answer at all, for a readable assertion message. */
export function serverErrors(results: readonly CallResult[]): string[] {
  return results
    .filter((result) => result.status === 0 || result.status >= 500)
    .map((result) => `${result.status} ${result.error ?? result.text.slice(0, 200)}`);
}

/**
 * For `describe.skipIf(!servicesFor(...))`: true when the suite's services are configured
 * (`TOKENHUB_TEST_PG_URL`, `TOKENHUB_TEST_REDIS_URL`). When one is missing the suite is skipped
 * and says so loudly, except in CI (`CI` set), where it must run: there it throws.
 */
export function servicesFor(suite: string, needs: ReadonlyArray<'postgres' | 'redis'>): boolean {
  const variables = { postgres: 'TOKENHUB_TEST_PG_URL', redis: 'TOKENHUB_TEST_REDIS_URL' } as const;
  const missing = needs.map((need) => variables[need]).filter((name) => !process.env[name]);
  if (missing.length === 0) return true;
  const message = `[${suite}] SKIPPED: set ${missing.join(' and ')} to run it`;
  if (process.env.CI) throw new Error(`${message}; CI must run this suite`);
  console.warn(`\n!!! ${message} !!!\n`);
  return false;
}

/** Sends `signal` to one process; refuses anything but a real pid (0 or -1 would hit a whole group). */
export function signalProcess(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 1) throw new Error(`not a process id: ${pid}`);
  process.kill(pid, signal);
}

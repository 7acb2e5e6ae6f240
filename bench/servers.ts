/**
 * Starting and stopping the processes under test: tokenhub (`node bin/tokenhub.js serve` with the
 * node flags of `npm start`, settings from the environment as an operator would give them), the
 * hello-world baseline and the oidc-provider peer. Each prints its address on stdout; `start`
 * waits for it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { workerHeapFlags } from '../src/cli/admin/serve-cluster.ts';

export interface RunningServer {
  pid: number;
  url: string;
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`); resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const repositoryRoot = new URL('..', import.meta.url).pathname;

function start(
  args: string[],
  env: Record<string, string>,
  ready: (output: string) => string | undefined,
  root = repositoryRoot,
  timeoutMs = 60_000,
): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      // Keep only the tail: a long run must not hold every log line.
      if (output.length > 200_000) output = output.slice(-100_000);
      const url = ready(output);
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => {
        output = (output + more).slice(-100_000);
      });
      resolve({
        pid: child.pid ?? 0,
        url,
        output: () => output,
        async stop(graceMs = 20_000) {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const code = await exited;
          clearTimeout(killer);
          return code;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk).slice(-100_000);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** The node flags of `npm start` (package.json), so that one process runs as it would there. */
const startFlags = workerHeapFlags;

/**
 * tokenhub with `workers` processes (`serve --workers N`; one process is `TOKENHUB_WORKERS=1`, which
 * a build from before the option also runs); ready once every worker logged that it listens.
 * @param options.root another checkout to run instead of this one (before/after comparisons).
 */
export function startTokenhub(
  env: Record<string, string>,
  options: { workers: number; nodeFlags?: string[]; root?: string },
): Promise<RunningServer> {
  const workers = options.workers > 1 ? ['--workers', String(options.workers)] : [];
  return start(
    [...startFlags, ...(options.nodeFlags ?? []), 'bin/tokenhub.js', 'serve', ...workers],
    { ...env, TOKENHUB_WORKERS: String(options.workers) },
    (output) => {
      const addresses = [
        ...output.matchAll(
          /"msg":"tokenhub listening"[^\n]*?"address":"([^"]+)"|"address":"([^"]+)"[^\n]*"msg":"tokenhub listening"/g,
        ),
      ];
      if (addresses.length < options.workers) return undefined;
      const match = addresses[0];
      return match?.[1] ?? match?.[2];
    },
    options.root,
  );
}

/** `bench/hello-world.ts` or `bench/oidc-peer.ts`: ready at `listening <url>`. */
export function startScript(script: string, nodeFlags: string[] = []): Promise<RunningServer> {
  return start([...nodeFlags, script], {}, (output) => /^listening (\S+)$/m.exec(output)?.[1]);
}

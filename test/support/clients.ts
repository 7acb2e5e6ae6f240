import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Real clients for the integration and end-to-end suites (PROTOCOLS.md §3): skopeo for push and
 * pull, the docker CLI for `docker login` (which needs no daemon). Each call resolves with the exit
 * code and output instead of rejecting, so a test can assert on a refusal as easily as on success.
 */

export type CommandResult = { code: number; stdout: string; stderr: string };

export type RunOptions = {
  /** Merged over `process.env`. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Killed (SIGKILL) after this many milliseconds; the result then has code 124. Default 30 000. */
  timeoutMs?: number;
};

/** Absolute path of the executable `name` on `PATH` (like `which`), or undefined; starts no process. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** True when an executable called `name` is on `PATH`. */
export function hasBinary(name: string): boolean {
  return findBinary(name) !== undefined;
}

/**
 * For `describe.skipIf(!requireBinaries([...]))`: true when every binary is on `PATH`. A missing
 * binary throws when `CI` is set, so CI fails instead of silently skipping the suite; locally it
 * warns loudly and returns false.
 */
export function requireBinaries(names: readonly string[]): boolean {
  const missing = names.filter((name) => !hasBinary(name));
  if (missing.length === 0) return true;
  const message = `missing binaries: ${missing.join(', ')} (apt-get install -y docker-registry skopeo; see PROTOCOLS.md §3)`;
  if (process.env.CI) throw new Error(`${message}; CI must run this suite`);
  console.warn(`\n!!! SKIPPING SUITE: ${message} !!!\n`);
  return false;
}

/** Runs a command without a shell. Never rejects for a non-zero exit, only if it cannot start. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) stderr += `\n[killed after ${options.timeoutMs ?? 30_000} ms]`;
      resolve({ code: timedOut ? 124 : (code ?? 1), stdout, stderr });
    });
    // A command that exits without reading stdin makes the write fail with EPIPE; its exit code tells.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** `skopeo <args>`; pass `--tls-verify=false` yourself, skopeo needs it even on loopback. */
export function skopeo(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return runCommand('skopeo', args, options);
}

/**
 * `docker login <registryHost> -u <username> --password-stdin` with `DOCKER_CONFIG` pointing at
 * `dockerConfigDir`, so the user's own credentials are never read or written. Success prints
 * `Login Succeeded`.
 */
export function dockerLogin(options: {
  registryHost: string;
  username: string;
  secret: string;
  dockerConfigDir: string;
  timeoutMs?: number;
}): Promise<CommandResult> {
  return runCommand('docker', ['login', options.registryHost, '-u', options.username, '--password-stdin'], {
    env: { DOCKER_CONFIG: options.dockerConfigDir },
    input: options.secret,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}

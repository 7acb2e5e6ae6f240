/**
 * A helper server of the tests as a process of its own (the SMTP receiver, the OIDC issuer):
 * started with Node on a script that prints `ready …` once it listens, given 15 s to do so, killed
 * if the test process exits first, stopped with SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Runs `script` with `args` and resolves once it printed `ready `.
 * @param what names the server in errors ("the SMTP receiver").
 * @throws Error with the process's output when it exits first or is not ready within 15 s.
 */
export function startReadyProcess(
  script: string,
  args: readonly string[],
  what: string,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within 15 s:\n${output}`));
    }, 15_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('ready ')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      running.delete(child);
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
}

/** SIGTERM, and waits for the exit; nothing when it has already exited. */
export async function stopReadyProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

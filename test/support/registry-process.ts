import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findBinary } from './clients.ts';
import { freePort } from './free-port.ts';

/**
 * A private instance of the real CNCF registry (Debian's `docker-registry`, distribution 2.8) with
 * token authentication, for integration and end-to-end suites (PROTOCOLS.md §3). Each instance has
 * its own port, temp dir and filesystem storage; the system service on :5000 is never used.
 */

export type RegistryAuthOptions = {
  /** Token endpoint URL the registry sends clients to (`WWW-Authenticate: Bearer realm=…`). */
  realm: string;
  /** `aud` the registry requires, and the `service` it names in challenges. */
  service: string;
  /** `iss` the registry requires. */
  issuer: string;
  /** PEM bundle of the X.509 certificates whose keys may sign tokens. */
  rootCertBundlePath: string;
  /** Listen on this port (one try) instead of a free one. */
  port?: number;
  /** `storage.delete.enabled`: true unless false (a registry that refuses deletes with 405). */
  deletesEnabled?: boolean;
  /** Deliver notifications (`notifications.endpoints`) to `url` with `Authorization: Bearer <secret>`. */
  notifications?: { url: string; secret: string };
};

export type RunningRegistry = {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Path of the generated config.yml, for diagnostics. */
  configPath: string;
  /** Kills the registry (SIGTERM, SIGKILL after 3 s) and removes its temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Everything the registry wrote to stdout and stderr so far; at `info` it says why a token was refused. */
  logs(): string;
};

const startTimeoutMs = 10_000;
const portAttempts = 3;

/** Registries still running when the test worker exits are killed, so none outlives a crashed suite. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts the registry and resolves once `GET /v2/` answers 401 (the token challenge).
 *
 * @throws Error with the registry's output when it is not installed, exits, or is not ready in 10 s.
 */
export async function startRegistry(options: RegistryAuthOptions): Promise<RunningRegistry> {
  const binary = findBinary('docker-registry');
  if (binary === undefined)
    throw new Error('docker-registry is not installed (apt-get install -y docker-registry)');
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= portAttempts; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'tokenhub-registry-'));
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(binary, dir, port, options);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      lastError = error as Error;
      if (options.port !== undefined || !lastError.message.includes('address already in use'))
        throw lastError;
    }
  }
  throw lastError ?? new Error('the registry did not start');
}

async function startOnce(
  binary: string,
  dir: string,
  port: number,
  options: RegistryAuthOptions,
): Promise<RunningRegistry> {
  const configPath = join(dir, 'config.yml');
  await writeFile(configPath, registryConfig(dir, port, options));

  // REGISTRY_* variables override config.yml; none may leak in from the developer's shell.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')),
  );
  const child = spawn(binary, ['serve', configPath], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(killer);
      }
      await rm(dir, { recursive: true, force: true });
    }
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  while (true) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`docker-registry exited before it was ready:\n${output}`);
    }
    const status = await fetch(`${url}/v2/`).then(
      (response) => response.status,
      () => undefined,
    );
    if (status === 401) break;
    if (status !== undefined) {
      await stop();
      throw new Error(`docker-registry answered GET /v2/ with ${status}, expected 401:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry was not ready within ${startTimeoutMs} ms:\n${output}`);
    }
    await sleep(25);
  }

  return { url, port, configPath, stop, logs: () => output };
}

/** config.yml; strings are JSON-quoted, which YAML reads as double-quoted scalars. */
function registryConfig(dir: string, port: number, auth: RegistryAuthOptions): string {
  const q = (value: string) => JSON.stringify(value);
  return `version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: ${q(join(dir, 'storage'))}
  delete:
    enabled: ${auth.deletesEnabled !== false}
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${q(`127.0.0.1:${port}`)}
  secret: ${q(randomBytes(24).toString('hex'))}
auth:
  token:
    realm: ${q(auth.realm)}
    service: ${q(auth.service)}
    issuer: ${q(auth.issuer)}
    rootcertbundle: ${q(auth.rootCertBundlePath)}
${auth.notifications ? notificationsConfig(auth.notifications) : ''}`;
}

/** Every event delivered at once (threshold 1), retried quickly, with the shared secret. */
function notificationsConfig({ url, secret }: { url: string; secret: string }): string {
  const q = (value: string) => JSON.stringify(value);
  return `notifications:
  events:
    includereferences: true
  endpoints:
    - name: tokenhub
      url: ${q(url)}
      headers:
        Authorization: [${q(`Bearer ${secret}`)}]
      timeout: 2s
      threshold: 1
      backoff: 200ms
`;
}

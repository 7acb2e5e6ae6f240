/**
 * tokenhub (in process, listening on a free loopback port, clock starting now because the real
 * registry checks `exp`/`nbf` against real time) plus the real registry trusting its certificate
 * bundle, plus skopeo helpers that push and pull a small OCI image. Used by the end-to-end suites.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from './app-harness.ts';
import { type CommandResult, skopeo } from './clients.ts';
import { freePort } from './free-port.ts';
import { buildOciLayout, type OciLayout } from './oci-image.ts';
import { type RunningRegistry, startRegistry } from './registry-process.ts';

export interface RegistryStack {
  t: TestApp;
  dir: string;
  tokenhubUrl: string;
  registry: RunningRegistry;
  registryHost: string;
  bundlePath: string;
  layout: OciLayout;
  layoutDir: string;
  /** Rewrites the bundle from `GET /v2/registry/certs.pem` and restarts the registry (empty storage). */
  restartRegistry(): Promise<void>;
  push(creds: string | undefined, repo: string): Promise<CommandResult>;
  pull(creds: string | undefined, repo: string, into: string): Promise<CommandResult>;
  inspectRaw(creds: string | undefined, repo: string): Promise<CommandResult>;
  /** A registry JWT straight from `GET /token`. */
  registryToken(username: string, secret: string, scope: string): Promise<string>;
  stop(): Promise<void>;
}

export const sha256 = (bytes: string | Buffer) =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The secret the registry's notifications carry in a stack started `withNotifications`. */
export const notifySecret = 'test-notify-secret-0123456789';

/**
 * @param options.withNotifications tokenhub reads tags from the registry (`TOKENHUB_REGISTRY_URL`)
 *   and the registry delivers its notifications to tokenhub (`TOKENHUB_REGISTRY_NOTIFY_SECRET`).
 * @param options.env more tokenhub settings (the OIDC suites allow their loopback issuer).
 * @param options.deletesEnabled false starts a registry that refuses deletes (`storage.delete`).
 */
export async function startRegistryStack(
  options: { withNotifications?: boolean; env?: Record<string, string>; deletesEnabled?: boolean } = {},
): Promise<RegistryStack> {
  const dir = await mkdtemp(join(tmpdir(), 'tokenhub-e2e-'));
  const bundlePath = join(dir, 'bundle.pem');
  const registryPort = options.withNotifications ? await freePort() : undefined;
  const env: Record<string, string> = { TOKENHUB_LOG_LEVEL: 'info', ...options.env };
  if (registryPort !== undefined) {
    env.TOKENHUB_REGISTRY_URL = `http://127.0.0.1:${registryPort}`;
    env.TOKENHUB_REGISTRY_NOTIFY_SECRET = notifySecret;
  }
  const t = await createTestApp({ start: new Date().toISOString(), env });
  const tokenhubUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const layoutDir = join(dir, 'layout');
  const layout = await buildOciLayout(layoutDir, { tag: '1', payload: `hello from tokenhub ${Date.now()}` });

  const stack: RegistryStack = {
    t,
    dir,
    tokenhubUrl,
    bundlePath,
    layout,
    layoutDir,
    registry: undefined as unknown as RunningRegistry,
    registryHost: '',
    async restartRegistry() {
      const res = await fetch(`${tokenhubUrl}/v2/registry/certs.pem`);
      await writeFile(bundlePath, await res.text());
      await stack.registry?.stop();
      stack.registry = await startRegistry({
        realm: `${tokenhubUrl}/token`,
        service: t.config.registryService,
        issuer: t.config.registryIssuer,
        rootCertBundlePath: bundlePath,
        deletesEnabled: options.deletesEnabled !== false,
        ...(registryPort === undefined
          ? {}
          : {
              port: registryPort,
              notifications: { url: `${tokenhubUrl}/v2/registry/notifications`, secret: notifySecret },
            }),
      });
      stack.registryHost = `127.0.0.1:${stack.registry.port}`;
    },
    push: (creds, repo) =>
      skopeo([
        'copy',
        '--dest-tls-verify=false',
        ...(creds ? ['--dest-creds', creds] : ['--dest-no-creds']),
        `oci:${layoutDir}:1`,
        `docker://${stack.registryHost}/${repo}:1`,
      ]),
    pull: (creds, repo, into) =>
      skopeo([
        'copy',
        '--src-tls-verify=false',
        ...(creds ? ['--src-creds', creds] : ['--src-no-creds']),
        `docker://${stack.registryHost}/${repo}:1`,
        `oci:${into}:1`,
      ]),
    inspectRaw: (creds, repo) =>
      skopeo([
        'inspect',
        '--raw',
        '--tls-verify=false',
        ...(creds ? ['--creds', creds] : ['--no-creds']),
        `docker://${stack.registryHost}/${repo}:1`,
      ]),
    async registryToken(username, secret, scope) {
      const res = await fetch(
        `${tokenhubUrl}/token?service=${t.config.registryService}&scope=${encodeURIComponent(scope)}`,
        { headers: { authorization: `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}` } },
      );
      return ((await res.json()) as { token: string }).token;
    },
    async stop() {
      await stack.registry?.stop();
      await t.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await stack.restartRegistry();
  return stack;
}

import type { KeyObject } from 'node:crypto';
import { randomUUID, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RegistryClaims, RegistryJwtSigner } from '../../src/registry/jwt-signer.ts';
import { createRegistryJwtSigner } from '../../src/registry/jwt-signer.ts';
import { parseScopes } from '../../src/registry/scope.ts';
import type { LoadedSigningKey } from '../../src/registry/signing-key.ts';
import { createSigningKey, loadSigningKey } from '../../src/registry/signing-key.ts';
import { dockerLogin, hasBinary, requireBinaries, skopeo } from '../support/clients.ts';
import type { OciLayout } from '../support/oci-image.ts';
import { buildOciLayout } from '../support/oci-image.ts';
import type { RunningRegistry } from '../support/registry-process.ts';
import { startRegistry } from '../support/registry-process.ts';

/**
 * Proves the signing pieces (libtrust key id, certificate, ES256 signer) against the real
 * distribution 2.8 registry and skopeo, without the rest of tokenhub: the realm is a tiny in-test
 * token server that grants `alice/app` pull and push to anyone.
 */

const issuer = 'tokenhub-test';
const service = 'tokenhub-registry';
const ready = requireBinaries(['docker-registry', 'skopeo']);

type Signer = { key: LoadedSigningKey; jwt: RegistryJwtSigner };
type TokenRequest = { path: string; scopes: string[]; authorization: string | undefined };

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function claims(overrides: Partial<RegistryClaims> = {}): RegistryClaims {
  const now = nowSeconds();
  return {
    iss: issuer,
    sub: 'alice',
    aud: service,
    exp: now + 300,
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    access: [],
    ...overrides,
  };
}

/** A JWT shaped freely, for the shapes `createRegistryJwtSigner` deliberately cannot make. */
function handMadeJwt(
  key: { privateKey: KeyObject; keyId: string },
  payload: Record<string, unknown>,
  dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363',
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'ES256', typ: 'JWT', kid: key.keyId })}.${encode(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding });
  return `${input}.${signature.toString('base64url')}`;
}

async function statusOfV2(registry: RunningRegistry, token: string): Promise<number> {
  const response = await fetch(`${registry.url}/v2/`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

/** Token shapes 2.8 refuses; `overrides` runs at test time so the times are fresh. */
const refusals: Array<{
  label: string;
  overrides: () => Record<string, unknown>;
  dsaEncoding?: 'der';
  reason: string;
}> = [
  {
    label: 'aud as an array (2.8 accepts only a string)',
    overrides: () => ({ aud: [service] }),
    reason: 'cannot unmarshal array',
  },
  { label: 'a DER signature', overrides: () => ({}), dsaEncoding: 'der', reason: 'should be 64' },
  {
    label: 'another issuer',
    overrides: () => ({ iss: 'someone-else' }),
    reason: 'token from untrusted issuer',
  },
  {
    label: 'another audience',
    overrides: () => ({ aud: 'other-registry' }),
    reason: 'token intended for another audience',
  },
  {
    label: 'exp beyond the 60 s leeway',
    overrides: () => ({ exp: nowSeconds() - 120 }),
    reason: 'token not to be used after',
  },
  {
    label: 'nbf beyond the 60 s leeway',
    overrides: () => ({ nbf: nowSeconds() + 120 }),
    reason: 'token not to be used before',
  },
  {
    label: 'no exp (read as 0)',
    overrides: () => ({ exp: undefined }),
    reason: 'token not to be used after 1970-01-01',
  },
];

/**
 * Waits until the registry has logged `fragment` since `from` (an offset into its logs): the reason
 * it gives for a 401 at log level info, so a refusal is proven to be for the expected cause.
 */
async function expectLogged(registry: RunningRegistry, from: number, fragment: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!registry.logs().slice(from).includes(fragment)) {
    if (Date.now() > deadline) {
      expect.fail(`registry never logged ${JSON.stringify(fragment)}; logs:\n${registry.logs().slice(from)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!ready)('registry token signing against the real registry (distribution 2.8)', () => {
  let dir: string;
  let signerA: Signer;
  let signerB: Signer;
  let outsider: Signer;
  let tokenServer: Server;
  let tokenServerUrl: string;
  const tokenRequests: TokenRequest[] = [];
  /** Trusts key A only; its realm signs with A. */
  let registry: RunningRegistry;
  /** After rotation: trusts A and B; its realm signs with the new key B. */
  let rotated: RunningRegistry;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenhub-signing-e2e-'));
    const now = new Date();
    const [a, b, x] = await Promise.all(
      ['key A', 'key B', 'outsider'].map((name) => createSigningKey({ commonName: `tokenhub ${name}`, now })),
    );
    if (a === undefined || b === undefined || x === undefined) throw new Error('expected three keys');
    const toSigner = (material: typeof a): Signer => {
      const key = loadSigningKey(material.privateKeyPem, material.certificatePem);
      return { key, jwt: createRegistryJwtSigner(key) };
    };
    signerA = toSigner(a);
    signerB = toSigner(b);
    outsider = toSigner(x);
    const bundleA = join(dir, 'bundle-a.pem');
    const bundleAB = join(dir, 'bundle-ab.pem');
    await writeFile(bundleA, a.certificatePem);
    await writeFile(bundleAB, a.certificatePem + b.certificatePem);

    // The realm: GET /<a|b>/token answers every request with a pull+push grant on alice/app.
    tokenServer = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://realm');
      tokenRequests.push({
        path: url.pathname,
        scopes: url.searchParams.getAll('scope'),
        authorization: request.headers.authorization,
      });
      const signer = url.pathname === '/b/token' ? signerB : signerA;
      const token = signer.jwt.sign(
        claims({
          sub: url.searchParams.get('account') ?? '',
          access: [{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }],
        }),
      );
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }),
      );
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    const address = tokenServer.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    tokenServerUrl = `http://127.0.0.1:${address.port}`;

    [registry, rotated] = await Promise.all([
      startRegistry({ realm: `${tokenServerUrl}/a/token`, service, issuer, rootCertBundlePath: bundleA }),
      startRegistry({ realm: `${tokenServerUrl}/b/token`, service, issuer, rootCertBundlePath: bundleAB }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([registry?.stop(), rotated?.stop()]);
    await new Promise((resolve) => tokenServer?.close(resolve));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  afterEach((context) => {
    if (context.task.result?.state === 'fail') {
      console.error(`registry logs:\n${registry?.logs()}\nrotated registry logs:\n${rotated?.logs()}`);
    }
  });

  describe('GET /v2/ with a bearer token', () => {
    it('challenges without a token, naming realm and service', async () => {
      const response = await fetch(`${registry.url}/v2/`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer realm="${tokenServerUrl}/a/token",service="${service}"`,
      );
    });

    it('accepts a token with an empty grant (how docker login checks credentials)', async () => {
      expect(await statusOfV2(registry, signerA.jwt.sign(claims()))).toBe(200);
    });

    it('refuses a token signed by a key whose certificate is not in the bundle', async () => {
      const from = registry.logs().length;
      expect(await statusOfV2(registry, outsider.jwt.sign(claims()))).toBe(401);
      await expectLogged(
        registry,
        from,
        `token signed by untrusted key with ID: \\"${outsider.key.keyId}\\"`,
      );
    });

    it('allows 60 s of leeway on exp and nbf', async () => {
      const now = nowSeconds();
      expect(await statusOfV2(registry, signerA.jwt.sign(claims({ exp: now - 30 })))).toBe(200);
      expect(await statusOfV2(registry, signerA.jwt.sign(claims({ nbf: now + 30 })))).toBe(200);
    });

    // `reason` is the registry's own log message for the refusal (registry/auth/token/token.go, 2.8.2).
    it.each(refusals)('refuses $label', async ({ overrides, dsaEncoding, reason }) => {
      const from = registry.logs().length;
      const token = handMadeJwt(signerA.key, { ...claims(), ...overrides() }, dsaEncoding);
      expect(await statusOfV2(registry, token)).toBe(401);
      await expectLogged(registry, from, reason);
    });
  });

  describe('push and inspect with skopeo through the realm', () => {
    let layout: OciLayout;
    let layoutDir: string;

    beforeAll(async () => {
      layoutDir = join(dir, 'layout');
      layout = await buildOciLayout(layoutDir, { tag: '1', payload: 'hello from tokenhub\n' });
    });

    it('copies an image to alice/app and reads its digest back', async () => {
      const target = `docker://127.0.0.1:${registry.port}/alice/app:1`;
      tokenRequests.length = 0;
      const copy = await skopeo([
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds',
        'x:y',
        `oci:${layoutDir}:1`,
        target,
      ]);
      expect(copy, copy.stderr).toMatchObject({ code: 0 });

      const inspect = await skopeo(['inspect', '--tls-verify=false', '--creds', 'x:y', target]);
      expect(inspect, inspect.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(inspect.stdout)).toMatchObject({
        Digest: layout.manifestDigest,
        Layers: [layout.layerDigest],
      });

      // What skopeo asked the realm for, in the grammar scope.ts parses (PROTOCOLS.md §2).
      expect(tokenRequests.length).toBeGreaterThan(0);
      expect(tokenRequests.every((request) => request.authorization === `Basic ${btoa('x:y')}`)).toBe(true);
      const requested = parseScopes(tokenRequests.flatMap((request) => request.scopes));
      expect(requested).toEqual([{ type: 'repository', name: 'alice/app', actions: ['pull', 'push'] }]);
    });

    it('is refused a repository the grant does not name', async () => {
      const copy = await skopeo([
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds',
        'x:y',
        `oci:${layoutDir}:1`,
        `docker://127.0.0.1:${registry.port}/bob/app:1`,
      ]);
      expect(copy.code).not.toBe(0);
      expect(copy.stderr).toMatch(/unauthorized|authentication required|denied/i);
    });

    it.skipIf(!hasBinary('docker'))('lets the docker CLI log in (no daemon needed)', async () => {
      const dockerConfigDir = join(dir, 'docker-config');
      const login = await dockerLogin({
        registryHost: `127.0.0.1:${registry.port}`,
        username: 'alice',
        secret: 'not-checked-here',
        dockerConfigDir,
      });
      expect(login, login.stderr).toMatchObject({ code: 0 });
      expect(login.stdout).toContain('Login Succeeded');
    });
  });

  describe('key rotation', () => {
    it('a registry that trusts only the old certificate refuses the new key', async () => {
      const from = registry.logs().length;
      expect(await statusOfV2(registry, signerB.jwt.sign(claims()))).toBe(401);
      await expectLogged(registry, from, `untrusted key with ID: \\"${signerB.key.keyId}\\"`);
    });

    it('a bundle with both certificates accepts tokens from either key, and no other', async () => {
      expect(await statusOfV2(rotated, signerA.jwt.sign(claims()))).toBe(200);
      expect(await statusOfV2(rotated, signerB.jwt.sign(claims()))).toBe(200);
      expect(await statusOfV2(rotated, outsider.jwt.sign(claims()))).toBe(401);
    });

    it('skopeo pushes with tokens signed by the new key', async () => {
      const layoutDir = join(dir, 'layout-rotated');
      const layout = await buildOciLayout(layoutDir, { tag: '2', payload: 'signed by the new key\n' });
      const target = `docker://127.0.0.1:${rotated.port}/alice/app:2`;
      const copy = await skopeo([
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds',
        'x:y',
        `oci:${layoutDir}:2`,
        target,
      ]);
      expect(copy, copy.stderr).toMatchObject({ code: 0 });
      const inspect = await skopeo(['inspect', '--tls-verify=false', '--creds', 'x:y', target]);
      expect(JSON.parse(inspect.stdout)).toMatchObject({ Digest: layout.manifestDigest });
    });
  });
});

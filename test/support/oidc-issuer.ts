/**
 * The tests' OpenID provider (oidc-issuer-main.ts) as its own process: discovery and a key set
 * (RSA, P-256 and Ed25519 keys) at `http://127.0.0.1:<port>`, and identity tokens with the claims
 * a test chooses, signed by the provider. `rotateKeys` restarts it on the same port with new keys,
 * as an issuer rotating its keys looks to tokenhub: tokens name a `kid` it has not seen.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { freePort } from './free-port.ts';
import { startReadyProcess, stopReadyProcess } from './ready-process.ts';

/**
 * tokenhub settings for talking to this issuer: plain http on loopback, a loopback address, and
 * the key set fetched again at once for an unknown `kid` (no cooldown).
 */
export const oidcTestEnv = {
  TOKENHUB_OIDC_ALLOW_HTTP_LOOPBACK: 'true',
  TOKENHUB_OIDC_ALLOW_PRIVATE_ADDRESSES: 'true',
  TOKENHUB_OIDC_KEYS_REFRESH_COOLDOWN_SECONDS: '0',
};

export interface OidcIssuer {
  /** `http://127.0.0.1:<port>`: the issuer (`iss`) and where discovery is. */
  url: string;
  /** The private keys it signs with now (their `kid`s are in its key set). */
  keys(): JWK[];
  /**
   * Registers a CI job whose tokens carry `claims` (a `null` value removes a claim the provider
   * would add) and asks for its identity token for `audience`.
   */
  idToken(claims: Record<string, unknown>, options: { audience: string; alg?: string }): Promise<string>;
  /** Restarts with new keys on the same port; tokens signed before no longer verify. */
  rotateKeys(): Promise<void>;
  stop(): Promise<void>;
}

const main = join(dirname(fileURLToPath(import.meta.url)), 'oidc-issuer-main.ts');

async function newKeys(): Promise<JWK[]> {
  const make = async (alg: string, options: { crv?: string } = {}) => {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...options });
    return { ...(await exportJWK(privateKey)), kid: randomUUID(), use: 'sig', alg };
  };
  return [
    await make('RS256'),
    await make('PS256'),
    await make('ES256'),
    await make('EdDSA', { crv: 'Ed25519' }),
  ];
}

function startProcess(port: number, keysPath: string): Promise<ChildProcess> {
  return startReadyProcess(main, [String(port), keysPath], 'the OIDC issuer');
}

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const dir = await mkdtemp(join(tmpdir(), 'tokenhub-oidc-issuer-'));
  const keysPath = join(dir, 'keys.json');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let keys = await newKeys();
  await writeFile(keysPath, JSON.stringify({ keys }));
  let child = await startProcess(port, keysPath);

  const post = async (path: string, init: RequestInit) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', ...init });
    const body = (await res.json()) as Record<string, string>;
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };

  return {
    url,
    keys: () => keys,
    async idToken(claims, { audience, alg }) {
      const client = await post('/reg', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_post',
          ci_claims: claims,
          ...(alg ? { ci_alg: alg } : {}),
        }),
      });
      const token = await post('/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: client.client_id ?? '',
          client_secret: client.client_secret ?? '',
          resource: audience,
        }),
      });
      return token.access_token ?? '';
    },
    async rotateKeys() {
      await stopReadyProcess(child);
      keys = await newKeys();
      await writeFile(keysPath, JSON.stringify({ keys }));
      child = await startProcess(port, keysPath);
    },
    async stop() {
      await stopReadyProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

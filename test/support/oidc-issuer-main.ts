/**
 * A real OpenID provider for the tests, run as its own process by oidc-issuer.ts: oidc-provider
 * serves discovery and the key set at `http://127.0.0.1:<port>` and signs the tokens.
 *
 * A CI job is a client registered dynamically (`POST /reg`) whose `ci_claims` metadata holds the
 * claims its tokens carry (GitHub Actions' or GitLab's: `sub`, `repository`, `ref`, …, and `iat`,
 * `exp`, `nbf`, `aud` when a test wants them wrong) and `ci_alg` the signing algorithm. The
 * client credentials grant with `resource=<audience>` then answers a JWT signed with the
 * provider's keys, the way a CI platform answers a job's request for an identity token.
 *
 * Usage: node oidc-issuer-main.ts <port> <keys.json>; prints `ready <issuer>` once listening.
 */

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const [portText, keysPath] = process.argv.slice(2);
if (!portText || !keysPath) throw new Error('usage: oidc-issuer-main.ts <port> <keys.json>');
const port = Number(portText);
const issuer = `http://127.0.0.1:${port}`;
const { keys } = JSON.parse(readFileSync(keysPath, 'utf8')) as { keys: Record<string, unknown>[] };

type CiMetadata = { ci_claims?: Record<string, unknown>; ci_alg?: string };
const ciMetadata = (client: unknown): CiMetadata =>
  ((client as { metadata(): CiMetadata } | undefined)?.metadata() ?? {}) as CiMetadata;

const provider = new Provider(issuer, {
  jwks: { keys },
  clients: [],
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx: unknown, resource: string, client: unknown) => {
        const alg = ciMetadata(client).ci_alg ?? 'RS256';
        return {
          scope: '',
          audience: resource,
          accessTokenTTL: 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: alg.startsWith('HS') ? { alg, key: Buffer.alloc(32, 7) } : { alg } },
        };
      },
    },
  },
  extraClientMetadata: { properties: ['ci_claims', 'ci_alg'], validator: () => undefined },
  formats: {
    customizers: {
      jwt: (_ctx: unknown, token: { client?: unknown }, jwt: { payload: Record<string, unknown> }) => {
        const claims = ciMetadata(token.client).ci_claims ?? {};
        // The provider's own claims of a client credentials token are not in a CI's identity token.
        delete jwt.payload.client_id;
        delete jwt.payload.scope;
        Object.assign(jwt.payload, claims);
        for (const [name, value] of Object.entries(claims)) if (value === null) delete jwt.payload[name];
      },
    },
  },
} as ConstructorParameters<typeof Provider>[1]);

createServer(provider.callback()).listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});

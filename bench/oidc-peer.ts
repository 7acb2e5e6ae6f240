/**
 * The peer: oidc-provider's token endpoint (panva/node-oidc-provider) doing what `/token` does,
 * the OAuth way. One confidential client authenticates with HTTP Basic (`client_secret_basic`) and
 * asks for `grant_type=client_credentials&scope=repository:pull&resource=urn:tokenhub:registry`;
 * the resource indicator (`features.resourceIndicators`) resolves to a resource server whose
 * access tokens are JWTs (`accessTokenFormat: 'jwt'`) signed ES256 with a P-256 key, 300 s
 * lifetime: a fresh signed JWT per request, as tokenhub issues. Nothing is stored per token (JWT
 * access tokens are not written to the adapter). Prints `listening <url>`; SIGTERM stops it.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { peerClient, peerResource } from './peer-client.ts';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-es256', alg: 'ES256', use: 'sig' };

const server = createServer();
server.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const port = (server.address() as { port: number }).port;
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: peerClient.id,
      client_secret: peerClient.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
      scope: 'repository:pull repository:push',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['repository:pull', 'repository:push'],
  ttl: { ClientCredentials: 300 },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => peerResource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'repository:pull repository:push',
        audience: 'tokenhub-registry',
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
server.on('request', provider.callback());
process.stdout.write(`listening ${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));

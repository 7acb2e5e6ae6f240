/**
 * Bad input at the exchange and at `/token`: malformed and huge tokens, and issuers whose
 * documents are too large, slow, silent, redirecting, not JSON, for another issuer, or at a
 * private address. Each is a clear refusal (401 with the reason, also in the failure log), never
 * a 500, and never later than the fetch deadline (500 ms here) allows.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { oidcTestEnv } from '../support/oidc-issuer.ts';

const deadlineMs = 500;
const audience = 'http://tokenhub.test';
let t: TestApp;
let server: Server;
let base: string;
let jwt: string;
let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let publicJwk: JWK;

/** Issuers under one server, each misbehaving in its own way: `${base}/<name>`. */
function issuerServer(): Server {
  const discovery = (name: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ issuer: `${base}/${name}`, jwks_uri: `${base}/${name}/jwks`, ...extra });
  const trickle = (res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), 100);
    res.on('close', () => clearInterval(timer));
  };
  return createServer((req, res) => {
    const [, name = '', ...rest] = (req.url ?? '').split('/');
    const isJwks = rest.join('/') === 'jwks';
    const json = (body: string) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    const jwks = () =>
      json(JSON.stringify({ keys: [{ ...publicJwk, kid: 'k1', alg: 'RS256', use: 'sig' }] }));
    switch (name) {
      case 'good':
        return isJwks ? jwks() : json(discovery(name));
      case 'big':
        return json(JSON.stringify({ issuer: `${base}/big`, padding: 'x'.repeat(1024 * 1024) }));
      case 'bigchunked':
        res.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 300; i++) res.write('x'.repeat(1024));
        return res.end();
      case 'slow':
        return trickle(res);
      case 'silent':
        return undefined;
      case 'redirect':
        return res
          .writeHead(302, { location: 'https://elsewhere.example/.well-known/openid-configuration' })
          .end();
      case 'notjson':
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
      case 'wrongissuer':
        return json(JSON.stringify({ issuer: 'https://impostor.example', jwks_uri: `${base}/good/jwks` }));
      case 'nojwks':
        return json(JSON.stringify({ issuer: `${base}/nojwks` }));
      case 'notfound':
        return res.writeHead(404).end();
      case 'httpjwks':
        return json(discovery(name, { jwks_uri: 'http://issuer.example/jwks' }));
      case 'bigjwks':
        return isJwks
          ? json(JSON.stringify({ keys: [], padding: 'x'.repeat(1024 * 1024) }))
          : json(discovery(name));
      case 'slowjwks':
        return isJwks ? trickle(res) : json(discovery(name));
      case 'redirectjwks':
        return isJwks ? res.writeHead(301, { location: `${base}/good/jwks` }).end() : json(discovery(name));
      case 'garbagejwks':
        return isJwks ? json('{"keys": "none"}') : json(discovery(name));
      default:
        return res.writeHead(404).end();
    }
  });
}

beforeAll(async () => {
  server = issuerServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  publicJwk = await exportJWK(pair.publicKey);
  t = await createTestApp({
    env: { ...oidcTestEnv, TOKENHUB_OIDC_FETCH_TIMEOUT_MS: String(deadlineMs) },
    start: new Date().toISOString(),
  });
  jwt = await t.login('alice', await t.signUp('alice'));
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await t?.close();
});

async function connectionFor(issuer: string, app = t, session = jwt): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v2/users/me/oidc-connections',
    jwt: session,
    body: {
      label: 'bad',
      issuer,
      rulesets: [
        {
          subject: 'job:*',
          resources: [{ type: 'TYPE_REPO', path: 'alice/*', scopes: ['scope-image-pull'] }],
        },
      ],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

function token(issuer: string, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'job:1', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(signingKey);
}

async function refused(connectionId: string, idToken: string, app = t) {
  const started = performance.now();
  const res = await app.inject({
    method: 'POST',
    url: '/v2/oidc/token',
    body: { connection_id: connectionId, id_token: idToken },
  });
  const elapsed = performance.now() - started;
  expect(res.statusCode, res.body).toBe(401);
  expect(elapsed).toBeLessThan(deadlineMs + 1000);
  return res.json().message as string;
}

describe('issuer documents', () => {
  it('a well-behaved issuer passes (the baseline of this file)', async () => {
    const id = await connectionFor(`${base}/good`);
    const res = await t.inject({
      method: 'POST',
      url: '/v2/oidc/token',
      body: { connection_id: id, id_token: await token(`${base}/good`) },
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it.each([
    ['big', /discovery document.*: is \d+ bytes, larger than 262144|is larger than 262144 bytes/],
    ['bigchunked', /is larger than 262144 bytes/],
    ['slow', /no complete answer within 500 ms/],
    ['silent', /no complete answer within 500 ms/],
    [
      'redirect',
      /answered 302 with a redirect to https:\/\/elsewhere\.example\/.*; redirects are not followed/,
    ],
    ['notjson', /is not JSON/],
    [
      'wrongissuer',
      /names issuer "https:\/\/impostor\.example", expected http:\/\/127\.0\.0\.1:\d+\/wrongissuer/,
    ],
    ['nojwks', /has no jwks_uri/],
    ['notfound', /answered HTTP 404, expected 200/],
    ['httpjwks', /http:\/\/issuer\.example is not https/],
    ['bigjwks', /is larger than 262144 bytes/],
    ['slowjwks', /within 500 ms/],
    ['redirectjwks', /answered 301 with a redirect/],
    ['garbagejwks', /key set/],
  ])('%s: refused with the reason, in time', async (name, reason) => {
    const issuer = `${base}/${name}`;
    const id = await connectionFor(issuer);
    const message = await refused(id, await token(issuer));
    expect(message).toMatch(reason);
    const log = await t.inject({ method: 'GET', url: `/v2/users/me/oidc-connections/${id}/failures`, jwt });
    expect(log.json().results[0].reason).toBe(message);
  });

  it('refuses documents from a private address unless the operator allows them, by address and by name', async () => {
    const strict = await createTestApp({
      env: { TOKENHUB_OIDC_ALLOW_HTTP_LOOPBACK: 'true', TOKENHUB_OIDC_FETCH_TIMEOUT_MS: String(deadlineMs) },
      start: new Date().toISOString(),
    });
    try {
      const session = await strict.login('alice', await strict.signUp('alice'));
      const byAddress = await connectionFor(`${base}/good`, strict, session);
      expect(await refused(byAddress, await token(`${base}/good`), strict)).toMatch(
        /^could not read the issuer's keys: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a private address/,
      );
      const named = base.replace('127.0.0.1', 'localhost');
      const byName = await connectionFor(`${named}/good`, strict, session);
      expect(await refused(byName, await token(`${named}/good`), strict)).toMatch(
        /localhost resolves to (127\.0\.0\.1|::1), a private address \(TOKENHUB_OIDC_ALLOW_PRIVATE_ADDRESSES is off\)/,
      );
    } finally {
      await strict.close();
    }
  });
});

describe('malformed and huge tokens', () => {
  let id: string;
  beforeAll(async () => {
    id = await connectionFor(`${base}/good`);
  });
  const part = (value: unknown) =>
    Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

  it.each([
    ['plain text', 'not a token', /^not a signed JWT/],
    ['two parts', `${part({ alg: 'RS256' })}.${part({})}`, /^not a signed JWT/],
    ['a header that is not JSON', `${part('{{{')}.${part({})}.c2ln`, /^not a signed JWT/],
    [
      'a payload that is not an object',
      `${part({ alg: 'RS256' })}.${part('[1,2]')}.c2ln`,
      /^not a signed JWT/,
    ],
    [
      'an encrypted token',
      `${part({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`,
      /^token is encrypted \(JWE\)/,
    ],
    [
      'a header without alg',
      `${part({ typ: 'JWT' })}.${part({ iss: 'x' })}.c2ln`,
      /^algorithm undefined is not accepted/,
    ],
    [
      'a token of 20 KiB',
      `${part({ alg: 'RS256' })}.${'A'.repeat(20 * 1024)}.c2ln`,
      /^token is \d+ bytes, at most 16384 are accepted$/,
    ],
  ])('%s: 401 with the reason', async (_what, idToken, reason) => {
    expect(await refused(id, idToken)).toMatch(reason);
  });

  it('a request body over 64 KiB: 413, not a 500', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/oidc/token',
      body: { connection_id: id, id_token: 'x'.repeat(70_000) },
    });
    expect(res.statusCode).toBe(413);
  });

  it('a missing or mistyped field: 400 naming it', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/oidc/token',
      body: { connection_id: 'nope', id_token: 5 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/connection_id|id_token/);
  });

  it('at /token, a JWT-shaped password that no connection takes is a wrong password', async () => {
    for (const secret of [
      `${part({ alg: 'RS256' })}.${part({ iss: 5 })}.c2ln`,
      `${part({ alg: 'RS256' })}.${part({ iss: 'https://unknown.example' })}.c2ln`,
    ]) {
      const res = await t.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry&scope=repository:alice/app:pull',
        headers: { authorization: `Basic ${Buffer.from(`alice:${secret}`).toString('base64')}` },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().details).toBe('incorrect username or password');
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { insertRepositoryIfAbsent } from '../../src/storage/image-repository.repository.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

let t: TestApp;
let password: string;
const pats: Record<string, string> = {};
const service = 'tokenhub-registry';

const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

async function getToken(query: string, authorization?: string) {
  return t.inject({
    method: 'GET',
    url: `/token?service=${service}${query}`,
    ...(authorization ? { headers: { authorization } } : {}),
  });
}

function claimsOf(jwt: string) {
  const [header, payload] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString()),
    claims: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
  };
}

async function grantFor(scope: string, authorization?: string) {
  const res = await getToken(`&scope=${encodeURIComponent(scope)}`, authorization);
  expect(res.statusCode).toBe(200);
  return claimsOf(res.json().token).claims.access;
}

async function addRepository(namespace: string, name: string, isPrivate: boolean) {
  const now = t.clock.now().toISOString();
  await insertRepositoryIfAbsent(t.database.db, {
    id: newId(),
    namespace,
    name,
    isPrivate: isPrivate,
    description: '',
    createdAt: now,
    updatedAt: now,
    createdBy: null,
  });
}

beforeAll(async () => {
  t = await createTestApp();
  password = await t.signUp('alice');
  await t.signUp('bobby');
  await t.signUp('rooty');
  await t.database.db.updateTable('users').set({ is_admin: 1 }).where('username', '=', 'rooty').execute();
  const jwt = await t.login('alice', password);
  for (const scope of ['repo:public_read', 'repo:read', 'repo:write', 'repo:admin']) {
    pats[scope] = (await t.createPat(jwt, { scopes: [scope] })).token;
  }
  await addRepository('alice', 'private', true);
  await addRepository('alice', 'public', false);
});
afterAll(async () => t.close());

describe('GET /token', () => {
  it('answers docker login (no scope) with an empty grant and the documented fields', async () => {
    const res = await getToken(
      '&account=alice&client_id=docker&offline_token=true',
      basic('alice', password),
    );
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token).toBe(body.access_token);
    expect(body.expires_in).toBe(300);
    expect(body.issued_at).toBe('2026-03-01T12:00:00.000Z');
    expect(body.refresh_token).toBeUndefined();
    const { header, claims } = claimsOf(body.token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(header.kid).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    expect(claims).toMatchObject({ iss: 'tokenhub', aud: service, sub: 'alice', access: [] });
    expect(claims.exp - claims.iat).toBe(300);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toEqual(expect.any(String));
  });

  it.each([
    ['password', () => password, ['delete', 'pull', 'push'], ['pull'], ['delete', 'pull', 'push']],
    [
      'repo:admin',
      () => pats['repo:admin'],
      ['delete', 'pull', 'push'],
      ['pull'],
      ['delete', 'pull', 'push'],
    ],
    ['repo:write', () => pats['repo:write'], ['pull', 'push'], ['pull'], ['pull', 'push']],
    ['repo:read', () => pats['repo:read'], ['pull'], ['pull'], ['pull']],
    ['repo:public_read', () => pats['repo:public_read'], [], ['pull'], []],
  ])(
    'grants %s exactly its level on own private, other public and own new repositories',
    async (_l, secret, own, pub, fresh) => {
      const auth = basic('alice', secret() ?? '');
      expect(await grantFor('repository:alice/private:pull,push,delete', auth)).toEqual([
        { type: 'repository', name: 'alice/private', actions: own },
      ]);
      expect(await grantFor('repository:alice/public:pull,push,delete', auth)).toEqual([
        { type: 'repository', name: 'alice/public', actions: pub.length && own.length ? own : pub },
      ]);
      expect(await grantFor('repository:alice/new-one:*', auth)).toEqual([
        { type: 'repository', name: 'alice/new-one', actions: fresh },
      ]);
    },
  );

  it('gives anonymous callers pull on public repositories only', async () => {
    expect(await grantFor('repository:alice/public:pull,push')).toEqual([
      { type: 'repository', name: 'alice/public', actions: ['pull'] },
    ]);
    expect(await grantFor('repository:alice/private:pull')).toEqual([
      { type: 'repository', name: 'alice/private', actions: [] },
    ]);
    const anon = await getToken('&scope=repository:alice/public:pull');
    expect(claimsOf(anon.json().token).claims.sub).toBe('');
  });

  it('gives another account nothing on a private repository and pull on a public one', async () => {
    const auth = basic('bobby', password);
    expect(await grantFor('repository:alice/private:pull', auth)).toEqual([
      { type: 'repository', name: 'alice/private', actions: [] },
    ]);
    expect(await grantFor('repository:alice/public:pull,push', auth)).toEqual([
      { type: 'repository', name: 'alice/public', actions: ['pull'] },
    ]);
  });

  it('answers one entry per resource for repeated scopes (cross-repository mounts)', async () => {
    const res = await getToken(
      '&scope=repository:alice/private:pull&scope=repository:alice/public:pull&scope=repository:alice/private:push',
      basic('alice', pats['repo:write'] ?? ''),
    );
    expect(claimsOf(res.json().token).claims.access).toEqual([
      { type: 'repository', name: 'alice/private', actions: ['pull', 'push'] },
      { type: 'repository', name: 'alice/public', actions: ['pull'] },
    ]);
  });

  it('keeps host:port names verbatim and emits repository(plugin) as repository', async () => {
    expect(await grantFor('repository:localhost:5000/alice/private:pull', basic('alice', password))).toEqual([
      { type: 'repository', name: 'localhost:5000/alice/private', actions: [] },
    ]);
    expect(await grantFor('repository(plugin):alice/private:pull', basic('alice', password))).toEqual([
      { type: 'repository', name: 'alice/private', actions: ['pull'] },
    ]);
  });

  it('grants the catalog to instance administrators only', async () => {
    expect(await grantFor('registry:catalog:*', basic('rooty', password))).toEqual([
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
    expect(await grantFor('registry:catalog:*', basic('alice', password))).toEqual([
      { type: 'registry', name: 'catalog', actions: [] },
    ]);
    expect(await grantFor('registry:catalog:*')).toEqual([
      { type: 'registry', name: 'catalog', actions: [] },
    ]);
  });

  it('creates a repository on the first push grant, private by default', async () => {
    await grantFor('repository:alice/created:push,pull', basic('alice', pats['repo:write'] ?? ''));
    const repo = await t.database.db
      .selectFrom('repositories')
      .selectAll()
      .where('name', '=', 'created')
      .executeTakeFirst();
    expect(repo).toMatchObject({ namespace: 'alice', is_private: 1 });
    await grantFor('repository:alice/never-created:pull', basic('alice', pats['repo:write'] ?? ''));
    expect(
      await t.database.db
        .selectFrom('repositories')
        .selectAll()
        .where('name', '=', 'never-created')
        .executeTakeFirst(),
    ).toBeUndefined();
  });

  it.each([
    ['a wrong password', basic('alice', 'wrong'), 'incorrect username or password'],
    ['an unknown user', basic('nobody', 'wrong'), 'incorrect username or password'],
    ['a PAT of another user', basic('bobby', pats['repo:read'] ?? 'x'), 'incorrect username or password'],
    ['a malformed header', 'Basic !!!', 'malformed Basic credentials'],
    [
      'a header without a colon',
      `Basic ${Buffer.from('alice').toString('base64')}`,
      'malformed Basic credentials',
    ],
  ])('refuses %s with 401 and a JSON message', async (_name, authorization, message) => {
    const res = await getToken('&scope=repository:alice/private:pull', authorization);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ details: message, errors: [{ code: 'UNAUTHORIZED', message }] });
  });

  it.each([
    ['&scope=repository:alice/Upper:pull', /malformed scope/],
    ['&scope=repository:alice/app:fly', /malformed scope/],
    ['&scope=nonsense', /malformed scope/],
    ['&scope=', /malformed scope/],
    [`&scope=${'repository:a/b:pull&scope='.repeat(33)}repository:a/b:pull`, /at most 32 scopes/],
  ])('refuses %s with 400 and a JSON message', async (query, message) => {
    const res = await getToken(query, basic('alice', password));
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toMatch(message);
  });

  it('reports bad credentials before a malformed scope (401, not 400)', async () => {
    const res = await getToken('&scope=repository:alice/Upper:pull', basic('alice', 'wrong'));
    expect(res.statusCode).toBe(401);
    expect(res.json().details).toBe('incorrect username or password');
  });

  it('refuses another service with 400', async () => {
    const res = await t.inject({ method: 'GET', url: '/token?service=other-registry' });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toMatch(/unknown service "other-registry"/);
  });
});

describe('POST /token (OAuth form)', () => {
  const form = (fields: Record<string, string>) =>
    t.inject({
      method: 'POST',
      url: '/token',
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('answers the password grant with space-separated scopes, and a refresh token only for offline access', async () => {
    const res = await form({
      grant_type: 'password',
      service,
      client_id: 'containerd',
      username: 'alice',
      password: pats['repo:write'] ?? '',
      scope: 'repository:alice/private:pull,push repository:alice/public:pull',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.scope).toBe('repository:alice/private:pull,push repository:alice/public:pull');
    expect(body.refresh_token).toBeUndefined();
    expect(claimsOf(body.access_token).claims.access).toEqual([
      { type: 'repository', name: 'alice/private', actions: ['pull', 'push'] },
      { type: 'repository', name: 'alice/public', actions: ['pull'] },
    ]);
  });

  it('refresh tokens work until the PAT that created them is deleted', async () => {
    const jwt = await t.login('alice', password);
    const pat = await t.createPat(jwt, { scopes: ['repo:read'] });
    const first = await form({
      grant_type: 'password',
      service,
      client_id: 'containerd',
      access_type: 'offline',
      username: 'alice',
      password: pat.token,
    });
    const refreshToken = first.json().refresh_token as string;
    expect(refreshToken).toEqual(expect.any(String));
    expect(refreshToken).not.toContain(pat.token);
    const refreshed = await form({
      grant_type: 'refresh_token',
      service,
      client_id: 'containerd',
      refresh_token: refreshToken,
      scope: 'repository:alice/private:pull,push',
    });
    expect(refreshed.statusCode).toBe(200);
    expect(claimsOf(refreshed.json().access_token).claims.access).toEqual([
      { type: 'repository', name: 'alice/private', actions: ['pull'] },
    ]);
    await t.inject({ method: 'DELETE', url: `/v2/access-tokens/${pat.uuid}`, jwt });
    const revoked = await form({ grant_type: 'refresh_token', service, refresh_token: refreshToken });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().details).toBe('the refresh token was revoked');
  });

  it('password refresh tokens end with a password change', async () => {
    await t.signUp('carol', 'carol password');
    const first = await form({
      grant_type: 'password',
      service,
      access_type: 'offline',
      username: 'carol',
      password: 'carol password',
    });
    const refreshToken = first.json().refresh_token as string;
    t.clock.advanceSeconds(1);
    await t.inject({
      method: 'PUT',
      url: '/v2/users/me/password',
      jwt: await t.login('carol', 'carol password'),
      body: { current_password: 'carol password', new_password: 'carol password 2' },
    });
    expect(
      (await form({ grant_type: 'refresh_token', service, refresh_token: refreshToken })).statusCode,
    ).toBe(401);
  });

  it.each([
    [{ grant_type: 'client_credentials', service }, 400],
    [{ grant_type: 'password', service, username: 'alice' }, 400],
    [{ grant_type: 'refresh_token', service }, 400],
    [{ grant_type: 'refresh_token', service, refresh_token: 'garbage' }, 401],
    [{ grant_type: 'password', service, username: 'alice', password: 'wrong' }, 401],
    [{ grant_type: 'password', service: 'elsewhere', username: 'alice', password }, 400],
  ])('refuses %j with %i', async (fields, status) => {
    const res = await form(fields as Record<string, string>);
    expect(res.statusCode).toBe(status);
    expect(res.json().details).toEqual(expect.any(String));
  });
});

describe('GET /v2/registry/certs.pem', () => {
  it('serves the certificate bundle of the signing key', async () => {
    const res = await t.inject({ method: 'GET', url: '/v2/registry/certs.pem' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/x-pem-file');
    expect(res.body).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
    expect(res.body).not.toContain('PRIVATE KEY');
  });
});

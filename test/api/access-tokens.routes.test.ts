import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashTokenSecret, parseTokenSecret } from '../../src/core/token-secret.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { runSharedSecuritySuite } from '../support/security-suite.ts';

let t: TestApp;
let aliceJwt: string;
let bobJwt: string;
let alicePassword: string;

beforeAll(async () => {
  t = await createTestApp();
  alicePassword = await t.signUp('alice');
  await t.signUp('bobby');
  aliceJwt = await t.login('alice', alicePassword);
  bobJwt = await t.login('bobby', alicePassword);
});
afterAll(async () => t.close());

describe('POST /v2/access-tokens', () => {
  it('creates a token and shows its secret once', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt: aliceJwt,
      body: { token_label: 'laptop', scopes: ['repo:write'], expires_at: '2026-06-01T00:00:00Z' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      token_label: 'laptop',
      scopes: ['repo:write'],
      generated_by: 'manual',
      is_active: true,
      status: 'active',
      last_used: null,
      expires_at: '2026-06-01T00:00:00.000Z',
      creator_ip: '127.0.0.1',
      creator_ua: 'tokenhub-tests/1.0',
      created_at: '2026-03-01T12:00:00.000Z',
    });
    expect(parseTokenSecret('thub_', body.token)).toBe('pat');
    expect(body.token_hint).toBe(`${body.token.slice(0, 13)}…`);

    const again = await t.inject({ method: 'GET', url: `/v2/access-tokens/${body.uuid}`, jwt: aliceJwt });
    expect(again.statusCode).toBe(200);
    expect(again.json().token).toBe('');

    // Only the hash is stored.
    const row = await t.database.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('id', '=', body.uuid)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashTokenSecret(body.token));
    expect(JSON.stringify(row)).not.toContain(body.token);
  });

  it('defaults to public read-only and keeps the highest of several levels', async () => {
    expect((await t.createPat(aliceJwt, { scopes: undefined })).scopes).toEqual(['repo:public_read']);
    expect((await t.createPat(aliceJwt, { scopes: ['repo:read', 'repo:admin'] })).scopes).toEqual([
      'repo:admin',
    ]);
  });

  it.each([
    [{ token_label: '' }, 'token_label'],
    [{ token_label: '   ' }, 'token_label'],
    [{ token_label: 'x'.repeat(101) }, 'token_label'],
    [{ token_label: 5 }, 'token_label'],
    [{ token_label: null }, 'token_label'],
    [{ token_label: 'ok', scopes: ['repo:root'] }, 'scopes'],
    [{ token_label: 'ok', scopes: 'repo:read' }, 'scopes'],
    [{ token_label: 'ok', expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
    [{ token_label: 'ok', expires_at: '2028-01-01T00:00:00Z' }, 'expires_at'],
    [{ token_label: 'ok', expires_at: 'tomorrow' }, 'expires_at'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const res = await t.inject({ method: 'POST', url: '/v2/access-tokens', jwt: aliceJwt, body });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().fields)).toContain(field);
    expect(res.json().text).toEqual(expect.any(String));
  });

  it('refuses malformed JSON and the wrong content type with 4xx, never 500', async () => {
    const bad = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt: aliceJwt,
      body: '{"token_label": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/not valid JSON/);
    const text = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt: aliceJwt,
      body: 'token_label=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.statusCode).toBe(400);
    const xml = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt: aliceJwt,
      body: '<token/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().message).toMatch(/content type/);
  });

  it('accepts a label of exactly 100 characters, counting characters not bytes', async () => {
    expect((await t.createPat(aliceJwt, { token_label: 'é'.repeat(100) })).token_label).toBe('é'.repeat(100));
  });
});

describe('GET /v2/access-tokens', () => {
  let fresh: TestApp;
  let jwt: string;
  beforeAll(async () => {
    fresh = await createTestApp();
    jwt = await fresh.login('carol', await fresh.signUp('carol'));
    for (let i = 0; i < 12; i++) {
      fresh.clock.advanceSeconds(1);
      await fresh.createPat(jwt, { token_label: `token ${i}` });
    }
  });
  afterAll(async () => fresh.close());

  it('pages newest first with full next/previous URLs and counts', async () => {
    const first = await fresh.inject({ method: 'GET', url: '/v2/access-tokens?page=1&page_size=5', jwt });
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body.count).toBe(12);
    expect(body.active_count).toBe(12);
    expect(body.results.map((r: { token_label: string }) => r.token_label)).toEqual([
      'token 11',
      'token 10',
      'token 9',
      'token 8',
      'token 7',
    ]);
    expect(body.results.every((r: { token: string }) => r.token === '')).toBe(true);
    expect(body.next).toBe('http://tokenhub.test/v2/access-tokens?page=2&page_size=5');
    expect(body.previous).toBeNull();
    const last = (
      await fresh.inject({ method: 'GET', url: '/v2/access-tokens?page=3&page_size=5', jwt })
    ).json();
    expect(last.results).toHaveLength(2);
    expect(last.next).toBeNull();
    expect(last.previous).toBe('http://tokenhub.test/v2/access-tokens?page=2&page_size=5');
  });

  it('caps huge page sizes and refuses nonsense', async () => {
    const huge = await fresh.inject({ method: 'GET', url: '/v2/access-tokens?page_size=100000', jwt });
    expect(huge.statusCode).toBe(200);
    expect(huge.json().results).toHaveLength(12);
    expect((await fresh.inject({ method: 'GET', url: '/v2/access-tokens?page=0', jwt })).statusCode).toBe(
      400,
    );
    expect(
      (await fresh.inject({ method: 'GET', url: '/v2/access-tokens?page_size=abc', jwt })).statusCode,
    ).toBe(400);
  });

  it('counts inactive tokens apart', async () => {
    const list = (await fresh.inject({ method: 'GET', url: '/v2/access-tokens', jwt })).json();
    await fresh.inject({
      method: 'PATCH',
      url: `/v2/access-tokens/${list.results[0].uuid}`,
      jwt,
      body: { is_active: false },
    });
    const after = (await fresh.inject({ method: 'GET', url: '/v2/access-tokens', jwt })).json();
    expect(after.count).toBe(12);
    expect(after.active_count).toBe(11);
  });

  it('shows only the caller’s tokens', async () => {
    const daveJwt = await fresh.login('dave', await fresh.signUp('dave'));
    const list = (await fresh.inject({ method: 'GET', url: '/v2/access-tokens', jwt: daveJwt })).json();
    expect(list).toMatchObject({ count: 0, active_count: 0, results: [], next: null, previous: null });
  });
});

describe('PATCH /v2/access-tokens/{uuid}', () => {
  it('renames, deactivates, reactivates and changes the level', async () => {
    const pat = await t.createPat(aliceJwt, { token_label: 'before', scopes: ['repo:read'] });
    const url = `/v2/access-tokens/${pat.uuid}`;
    const renamed = await t.inject({ method: 'PATCH', url, jwt: aliceJwt, body: { token_label: 'after' } });
    expect(renamed.json()).toMatchObject({ token_label: 'after', is_active: true, token: '' });
    const off = await t.inject({ method: 'PATCH', url, jwt: aliceJwt, body: { is_active: false } });
    expect(off.json()).toMatchObject({ is_active: false, status: 'inactive' });
    const refused = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: pat.token },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().detail).toBe('token is inactive');
    const on = await t.inject({
      method: 'PATCH',
      url,
      jwt: aliceJwt,
      body: { is_active: true, scopes: ['repo:admin'] },
    });
    expect(on.json()).toMatchObject({ is_active: true, scopes: ['repo:admin'], status: 'active' });
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/v2/auth/token',
          body: { identifier: 'alice', secret: pat.token },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('never changes the expiry and refuses changes to an expired token', async () => {
    const pat = await t.createPat(aliceJwt, { expires_at: '2026-03-02T12:00:00Z' });
    const url = `/v2/access-tokens/${pat.uuid}`;
    const ignored = await t.inject({
      method: 'PATCH',
      url,
      jwt: aliceJwt,
      body: { token_label: 'x', expires_at: '2026-12-01T00:00:00Z' },
    });
    expect(ignored.statusCode).toBe(200);
    expect(ignored.json().expires_at).toBe('2026-03-02T12:00:00.000Z');
    const before = t.clock.now();
    t.clock.advanceSeconds(2 * 86_400);
    try {
      const jwt = await t.login('alice', alicePassword);
      const listed = await t.inject({ method: 'GET', url, jwt });
      expect(listed.json().status).toBe('expired');
      const res = await t.inject({ method: 'PATCH', url, jwt, body: { token_label: 'y' } });
      expect(res.statusCode).toBe(409);
      const login = await t.inject({
        method: 'POST',
        url: '/v2/auth/token',
        body: { identifier: 'alice', secret: pat.token },
      });
      expect(login.statusCode).toBe(401);
      expect(login.json().detail).toBe('token expired');
      expect((await t.inject({ method: 'DELETE', url, jwt })).statusCode).toBe(204);
    } finally {
      t.clock.set(before);
    }
  });

  it('answers 404 for another account’s token and 400 for a non-uuid id', async () => {
    const pat = await t.createPat(aliceJwt);
    const res = await t.inject({
      method: 'PATCH',
      url: `/v2/access-tokens/${pat.uuid}`,
      jwt: bobJwt,
      body: { is_active: false },
    });
    expect(res.statusCode).toBe(404);
    expect(
      (await t.inject({ method: 'GET', url: `/v2/access-tokens/${pat.uuid}`, jwt: bobJwt })).statusCode,
    ).toBe(404);
    expect(
      (await t.inject({ method: 'DELETE', url: `/v2/access-tokens/${pat.uuid}`, jwt: bobJwt })).statusCode,
    ).toBe(404);
    expect((await t.inject({ method: 'GET', url: '/v2/access-tokens/42', jwt: aliceJwt })).statusCode).toBe(
      400,
    );
    const still = await t.inject({ method: 'GET', url: `/v2/access-tokens/${pat.uuid}`, jwt: aliceJwt });
    expect(still.json().is_active).toBe(true);
  });
});

describe('DELETE and bulk delete', () => {
  it('deletes a token: it is gone from the list and refused at login', async () => {
    const pat = await t.createPat(aliceJwt);
    const res = await t.inject({ method: 'DELETE', url: `/v2/access-tokens/${pat.uuid}`, jwt: aliceJwt });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(
      (await t.inject({ method: 'GET', url: `/v2/access-tokens/${pat.uuid}`, jwt: aliceJwt })).statusCode,
    ).toBe(404);
    const login = await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'alice', secret: pat.token },
    });
    expect(login.statusCode).toBe(401);
    expect(login.json().detail).toBe('incorrect username or password');
  });

  it('bulk-deletes all or nothing', async () => {
    const a = await t.createPat(aliceJwt);
    const b = await t.createPat(aliceJwt);
    const bobs = await t.createPat(bobJwt);
    const refused = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens/bulk-delete',
      jwt: aliceJwt,
      body: { uuids: [a.uuid, bobs.uuid] },
    });
    expect(refused.statusCode).toBe(404);
    expect(
      (await t.inject({ method: 'GET', url: `/v2/access-tokens/${a.uuid}`, jwt: aliceJwt })).statusCode,
    ).toBe(200);
    expect(
      (await t.inject({ method: 'GET', url: `/v2/access-tokens/${bobs.uuid}`, jwt: bobJwt })).statusCode,
    ).toBe(200);

    const done = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens/bulk-delete',
      jwt: aliceJwt,
      body: { uuids: [a.uuid, b.uuid, a.uuid] },
    });
    expect(done.statusCode).toBe(204);
    for (const id of [a.uuid, b.uuid]) {
      expect(
        (await t.inject({ method: 'GET', url: `/v2/access-tokens/${id}`, jwt: aliceJwt })).statusCode,
      ).toBe(404);
    }
    const empty = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens/bulk-delete',
      jwt: aliceJwt,
      body: { uuids: [] },
    });
    expect(empty.statusCode).toBe(400);
  });
});

describe('audit events', () => {
  it('records create, update and delete with actor, IP and user agent, never the secret', async () => {
    const pat = await t.createPat(aliceJwt, { token_label: 'audited' });
    await t.inject({
      method: 'PATCH',
      url: `/v2/access-tokens/${pat.uuid}`,
      jwt: aliceJwt,
      body: { token_label: 'audited2' },
    });
    await t.inject({ method: 'DELETE', url: `/v2/access-tokens/${pat.uuid}`, jwt: aliceJwt });
    const events = await t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('data', 'like', `%${pat.uuid}%`)
      .orderBy('created_at')
      .execute();
    expect(events.map((e) => e.action).sort()).toEqual([
      'account.access_token.create',
      'account.access_token.delete',
      'account.access_token.update',
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ actor_name: 'alice', ip: '127.0.0.1', user_agent: 'tokenhub-tests/1.0' });
      expect(JSON.stringify(event)).not.toContain(pat.token);
    }
  });
});

const fixture = () => ({ t, username: 'alice', password: alicePassword });
describe('shared security suite', () => {
  runSharedSecuritySuite(fixture, { method: 'GET', url: '/v2/access-tokens', allows: ['password'] });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/access-tokens',
    body: { token_label: 'x' },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'POST',
    url: '/v2/access-tokens/bulk-delete',
    body: { uuids: ['00000000-0000-4000-8000-000000000000'] },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'GET',
    url: '/v2/access-tokens/00000000-0000-4000-8000-000000000000',
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'PATCH',
    url: '/v2/access-tokens/00000000-0000-4000-8000-000000000000',
    body: { is_active: false },
    allows: ['password'],
  });
  runSharedSecuritySuite(fixture, {
    method: 'DELETE',
    url: '/v2/access-tokens/00000000-0000-4000-8000-000000000000',
    allows: ['password'],
  });
});

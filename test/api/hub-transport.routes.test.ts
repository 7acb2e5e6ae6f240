/**
 * How Docker's clients talk to Docker Hub, at the HTTP level: every route with or without a trailing
 * slash, a JSON content type with no body read as no body, hub-tool's `/v2/api_tokens` paths and a
 * token created without a label (docs/api.md, "Compatibility").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

let t: TestApp;
let jwt: string;

beforeAll(async () => {
  t = await createTestApp();
  jwt = await t.login('alice', await t.signUp('alice'));
});
afterAll(async () => t.close());

const json = { 'content-type': 'application/json' };

describe('trailing slashes', () => {
  it('answers the login and the token routes with a trailing slash', async () => {
    const login = await t.inject({
      method: 'POST',
      url: '/v2/users/login/',
      body: { username: 'alice', password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().token).toEqual(expect.any(String));
    const list = await t.inject({ method: 'GET', url: '/v2/access-tokens/?page=1&page_size=5', jwt });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ count: 0, results: [] });
  });

  it('still answers 404 for a path no route has', async () => {
    const res = await t.inject({ method: 'GET', url: '/v2/nothing-here/', jwt });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ message: 'not found' });
  });
});

describe('a JSON content type with no body', () => {
  it('deletes a token (hub-tool token rm)', async () => {
    const { uuid } = await t.createPat(jwt);
    const res = await t.inject({
      method: 'DELETE',
      url: `/v2/api_tokens/${uuid}`,
      jwt,
      headers: json,
      body: '',
    });
    expect(res.statusCode).toBe(204);
  });

  it('reads as no body, so a route that needs one answers a validation error naming the body', async () => {
    const res = await t.inject({ method: 'POST', url: '/v2/access-tokens', jwt, headers: json, body: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ fields: { body: [expect.stringContaining('object')] } });
  });

  it('still refuses malformed JSON', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      headers: json,
      body: '{"a"',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('the request body is not valid JSON');
  });

  it('refuses prototype poisoning as Fastify does', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      headers: json,
      body: '{"token_label":"x","__proto__":{"admin":true}}',
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('/v2/api_tokens (hub-tool) and a token without a label', () => {
  it('creates a token with a generated label, lists, reads, renames and deactivates it', async () => {
    const created = await t.inject({
      method: 'POST',
      url: '/v2/api_tokens',
      jwt,
      body: { is_active: false },
    });
    expect(created.statusCode).toBe(201);
    const token = created.json();
    expect(token.token_label).toBe('Access token of 2026-03-01 12:00 UTC');
    expect(token.scopes).toEqual(['repo:public_read']);

    const list = await t.inject({ method: 'GET', url: '/v2/api_tokens?page_size=100&page=1', jwt });
    expect(list.json().results.map((r: { uuid: string }) => r.uuid)).toContain(token.uuid);
    expect(list.json().next).toBeNull();

    const patched = await t.inject({
      method: 'PATCH',
      url: `/v2/api_tokens/${token.uuid}`,
      jwt,
      body: { token_label: 'ci', is_active: false },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ token_label: 'ci', is_active: false });
    const read = await t.inject({ method: 'GET', url: `/v2/api_tokens/${token.uuid}/`, jwt });
    expect(read.json()).toMatchObject({ token_label: 'ci', token: '' });
  });

  it('refuses a label over 100 characters in the schema, as /openapi.json says', async () => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/access-tokens',
      jwt,
      body: { token_label: 'x'.repeat(101) },
    });
    expect(res.statusCode).toBe(400);
    const doc = (await t.inject({ method: 'GET', url: '/openapi.json' })).json();
    const schema = doc.paths['/v2/access-tokens'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.token_label).toMatchObject({ minLength: 1, maxLength: 100 });
    expect(schema.required ?? []).not.toContain('token_label');
  });
});

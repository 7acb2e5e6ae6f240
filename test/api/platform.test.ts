/**
 * Cross-cutting behaviour: health, the OpenAPI document, unknown routes, and that no secret or
 * password hash ever reaches a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('platform routes', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await t.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('describes every route in /openapi.json from the same schemas', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const expected of [
      'POST /v2/users',
      'GET /v2/users/me',
      'PUT /v2/users/me/password',
      'POST /v2/users/login',
      'POST /v2/auth/token',
      'POST /v2/access-tokens',
      'GET /v2/access-tokens',
      'GET /v2/access-tokens/{uuid}',
      'PATCH /v2/access-tokens/{uuid}',
      'DELETE /v2/access-tokens/{uuid}',
      'POST /v2/access-tokens/bulk-delete',
      'GET /healthz',
      'GET /readyz',
    ]) {
      expect(operations).toContain(expected);
    }
    const create = doc.paths['/v2/access-tokens'].post;
    expect(create.requestBody.content['application/json'].schema.properties.token_label).toBeDefined();
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await t.inject({ method: 'GET', url: '/v2/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toBe('not found');
  });
});

describe('logs', () => {
  it('never contain a secret, a password or a password hash', async () => {
    const password = await t.signUp('logger1');
    const jwt = await t.login('logger1', password);
    const pat = await t.createPat(jwt, { scopes: ['repo:admin'] });
    await t.inject({
      method: 'POST',
      url: '/v2/users/login',
      body: { username: 'logger1', password: pat.token },
    });
    await t.inject({
      method: 'POST',
      url: '/v2/auth/token',
      body: { identifier: 'logger1', secret: 'wrong-password' },
    });
    await t.inject({ method: 'GET', url: '/v2/access-tokens', jwt: pat.token });
    const user = await t.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'logger1')
      .executeTakeFirstOrThrow();
    const log = t.logLines.join('');
    expect(t.logLines.length).toBeGreaterThan(5);
    for (const secret of [pat.token, password, 'wrong-password', user.password_hash, jwt]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe('GET /metrics', () => {
  it('counts requests per route pattern, never per raw URL', async () => {
    const password = await t.signUp('metrics1');
    const jwt = await t.login('metrics1', password);
    await t.inject({ method: 'GET', url: '/v2/access-tokens/00000000-0000-4000-8000-000000000000', jwt });
    const res = await t.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain(
      'tokenhub_http_requests_total{method="GET",route="/v2/access-tokens/:uuid",status="404"} 1',
    );
    expect(res.body).toMatch(
      /tokenhub_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v2\/auth\/token"\}/,
    );
    expect(res.body).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(res.body).toContain('tokenhub_process_cpu_user_seconds_total');
  });
});

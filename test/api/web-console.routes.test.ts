/**
 * Serving the web console: hashed assets, the SPA fallback for console paths, the page that says
 * to build it, and that API paths are never answered with HTML.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/api/app.ts';
import { isReservedPath, webConsoleRoutes } from '../../src/api/routes/web-console.routes.ts';
import type { ServiceContext } from '../../src/services/shared/context.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

let dir: string;
const indexHtml =
  '<!doctype html><html><head><title>t</title></head><body><div id="root"></div></body></html>';

async function consoleApp(options: { dir: string; signup?: 'open' | 'closed'; registryUrl?: string }) {
  const app = Fastify();
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ detail: `no route for ${request.url}`, message: 'not found' }),
  );
  app.get('/token', async () => ({ token: 'x' }));
  app.get('/v2/users/me', async () => ({ username: 'alice' }));
  const ctx = {
    config: { signup: options.signup ?? 'open', registryUrl: options.registryUrl },
  } as unknown as ServiceContext;
  await app.register(async (scope) =>
    webConsoleRoutes(scope as unknown as App, { ctx }, { dir: options.dir }),
  );
  return app;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), indexHtml);
  await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(dir, 'assets', 'index-abc123.css'), 'body{}');
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('web console routes', () => {
  it('writes the registry host into the page when TOKENHUB_REGISTRY_URL is set, else nothing', async () => {
    const withRegistry = await consoleApp({ dir, registryUrl: 'https://registry.example.com:5000' });
    expect((await withRegistry.inject({ method: 'GET', url: '/' })).body).toContain(
      '<meta name="tokenhub-registry" content="registry.example.com:5000" />',
    );
    const without = await consoleApp({ dir });
    expect((await without.inject({ method: 'GET', url: '/' })).body).not.toContain('tokenhub-registry');
  });

  it('answers console paths with index.html, the sign-up setting and security headers', async () => {
    const app = await consoleApp({ dir, signup: 'closed' });
    for (const url of ['/', '/settings/tokens', '/orgs/acme/tokens', '/device?user_code=BCDF-GHJK']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('<div id="root">');
      expect(res.body).toContain('<meta name="tokenhub-signup" content="closed" />');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves hashed assets as immutable files with their content type', async () => {
    const app = await consoleApp({ dir });
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await app.inject({ method: 'GET', url: '/assets/index-abc123.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers a missing file, and any escape from the directory, with the JSON 404', async () => {
    const app = await consoleApp({ dir });
    for (const url of [
      '/assets/missing.js',
      '/../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/%2e%2e/x.js',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().message).toBe('not found');
    }
  });

  it('never shadows API and protocol paths', async () => {
    const app = await consoleApp({ dir });
    expect((await app.inject({ method: 'GET', url: '/token' })).json()).toEqual({ token: 'x' });
    expect((await app.inject({ method: 'GET', url: '/v2/users/me' })).json()).toEqual({ username: 'alice' });
    for (const url of [
      '/v2/nothing',
      '/v2',
      '/token/x',
      '/oauth/device',
      '/healthz',
      '/metrics',
      '/openapi.json',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/json');
    }
    expect(isReservedPath('/V2/users')).toBe(true);
    expect(isReservedPath('/tokens')).toBe(false);
    expect(isReservedPath('/settings/tokens')).toBe(false);
  });

  it('says how to build the console when dist/web is missing', async () => {
    const app = await consoleApp({ dir: join(dir, 'not-built') });
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('npm run build:web');
  });
});

describe('web console in the tokenhub app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('is registered last: API routes, health and the OpenAPI document keep their answers', async () => {
    expect((await t.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.inject({ method: 'GET', url: '/openapi.json' })).json().openapi).toBe('3.1.0');
    const missing = await t.inject({ method: 'GET', url: '/v2/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('not found');
    const page = await t.inject({ method: 'GET', url: '/settings/tokens' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('leaves the console route out of the OpenAPI document', async () => {
    const doc = (await t.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).not.toContain('/*');
  });
});

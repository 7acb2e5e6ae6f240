/** `GET /v2/instance`: the registry host clients print in `docker login <host>`, public. */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app-harness.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('GET /v2/instance', () => {
  it('names the registry host of TOKENHUB_REGISTRY_URL, without signing in', async () => {
    t = await createTestApp({ env: { TOKENHUB_REGISTRY_URL: 'http://registry.internal:5000/' } });
    const res = await t.inject({ method: 'GET', url: '/v2/instance' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ registry_host: 'registry.internal:5000' });
  });

  it('answers null when no registry URL is configured', async () => {
    t = await createTestApp();
    expect((await t.inject({ method: 'GET', url: '/v2/instance' })).json()).toEqual({ registry_host: null });
  });
});

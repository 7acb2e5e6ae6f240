/**
 * A registry that refuses deletes (`storage.delete.enabled: false`, distribution's default): the
 * Hub API's tag delete answers 409 with what to change, and the tag stays, pullable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app-harness.ts';
import { requireBinaries } from '../support/clients.ts';
import { type RegistryStack, startRegistryStack } from '../support/registry-stack.ts';

const binariesPresent = requireBinaries(['docker-registry', 'skopeo']);

describe.skipIf(!binariesPresent)('tag delete against a registry that refuses deletes', () => {
  let stack: RegistryStack;
  let t: TestApp;
  let jwt: string;
  let creds: string;

  beforeAll(async () => {
    stack = await startRegistryStack({ withNotifications: true, deletesEnabled: false });
    t = stack.t;
    jwt = await t.login('alice', await t.signUp('alice'));
    creds = `alice:${(await t.createPat(jwt, { scopes: ['repo:admin'] })).token}`;
  });
  afterAll(async () => stack?.stop());

  it('answers 409 naming the registry setting, and the tag is still there', async () => {
    const pushed = await stack.push(creds, 'alice/kept');
    expect(pushed.code, pushed.stderr).toBe(0);
    const refused = await t.inject({ method: 'DELETE', url: '/v2/repositories/alice/kept/tags/1/', jwt });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain('storage.delete.enabled: true');
    const tag = await t.inject({ method: 'GET', url: '/v2/repositories/alice/kept/tags/1/', jwt });
    expect(tag.statusCode).toBe(200);
    expect(tag.json().digest).toBe(stack.layout.manifestDigest);
    expect((await stack.inspectRaw(creds, 'alice/kept')).code).toBe(0);
  });
});

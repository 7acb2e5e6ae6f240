/**
 * Fine-grained personal tokens, address allowlists and token policies end to end, with the real
 * registry and skopeo: what the registry lets a client do is what `/token` granted, and the
 * refusals tokenhub gives at `/token` reach the client's error output.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember } from '../../src/services/orgs/org-member.service.ts';
import { findOrganizationByName } from '../../src/storage/organization.repository.ts';
import type { TestApp } from '../support/app-harness.ts';
import { requireBinaries } from '../support/clients.ts';
import { fixtureMeta, setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { type RegistryStack, startRegistryStack } from '../support/registry-stack.ts';

const binariesPresent = requireBinaries(['docker-registry', 'skopeo']);
const repo = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });

describe.skipIf(!binariesPresent)('fine-grained tokens with the real registry and skopeo', () => {
  let stack: RegistryStack;
  let t: TestApp;
  let password: string;
  let aliceJwt: string;

  const ok = async (call: Promise<{ code: number; stderr: string }>) => {
    const result = await call;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  };
  const refused = async (call: Promise<{ code: number; stderr: string }>, saying?: string) => {
    const result = await call;
    expect(result.code).not.toBe(0);
    if (saying) expect(result.stderr).toContain(saying);
  };
  const pat = async (jwt: string, body: Record<string, unknown>) => (await t.createPat(jwt, body)).token;
  const inDays = (days: number) => new Date(t.clock.now().getTime() + days * 86_400_000).toISOString();

  beforeAll(async () => {
    stack = await startRegistryStack();
    t = stack.t;
    password = await t.signUp('alice');
    await t.signUp('carol');
    aliceJwt = await t.login('alice', password);
    await setUpOrg(t, 'acme', { owner: 'alice', members: [] });
    await setOrgTier(t, 'acme', 'team');
    await ok(stack.push(`alice:${password}`, 'acme/api'));
    await ok(stack.push(`alice:${password}`, 'alice/other'));
  }, 60_000);
  afterAll(async () => stack?.stop());

  it('a PAT limited to alice/app pushes there and is denied on alice/other and acme/api', async () => {
    const token = await pat(aliceJwt, {
      scopes: undefined,
      resources: [repo('alice/app', 'scope-image-push')],
    });
    await ok(stack.push(`alice:${token}`, 'alice/app'));
    await ok(stack.pull(`alice:${token}`, 'alice/app', join(stack.dir, 'app-pull')));
    await refused(stack.push(`alice:${token}`, 'alice/other'));
    await refused(stack.inspectRaw(`alice:${token}`, 'alice/other'));
    await refused(stack.push(`alice:${token}`, 'acme/api'));
  });

  it('a PAT with acme/* pull pulls but cannot push', async () => {
    const token = await pat(aliceJwt, { scopes: undefined, resources: [repo('acme/*', 'scope-image-pull')] });
    await ok(stack.inspectRaw(`alice:${token}`, 'acme/api'));
    await refused(stack.push(`alice:${token}`, 'acme/api'));
    await refused(stack.push(`alice:${token}`, 'acme/new'));
  });

  it('an allowlist without loopback refuses the test client, one with 127.0.0.0/8 accepts it', async () => {
    const elsewhere = await pat(aliceJwt, { scopes: ['repo:write'], allowed_cidrs: ['10.0.0.0/8'] });
    await refused(stack.inspectRaw(`alice:${elsewhere}`, 'alice/other'), 'may not be used from address');
    const loopback = await pat(aliceJwt, { scopes: ['repo:write'], allowed_cidrs: ['127.0.0.0/8', '::1'] });
    await ok(stack.inspectRaw(`alice:${loopback}`, 'alice/other'));
  });

  it('a policy of 30 days refuses a 90-day token on the organization’s repositories, naming the policy', async () => {
    const long = await pat(aliceJwt, { scopes: ['repo:write'], expires_at: inDays(90) });
    const short = await pat(aliceJwt, { scopes: ['repo:write'], expires_at: inDays(30) });
    await ok(stack.inspectRaw(`alice:${long}`, 'acme/api'));
    const set = await t.inject({
      method: 'PATCH',
      url: '/v2/orgs/acme/settings/tokens',
      jwt: aliceJwt,
      body: { pat_max_lifetime_days: 30 },
    });
    expect(set.statusCode).toBe(200);
    await refused(stack.inspectRaw(`alice:${long}`, 'acme/api'), 'token policy of organization acme');
    await ok(stack.inspectRaw(`alice:${short}`, 'acme/api'));
    // Outside the organization the policy does not apply.
    await ok(stack.inspectRaw(`alice:${long}`, 'alice/other'));
    await t.inject({
      method: 'PATCH',
      url: '/v2/orgs/acme/settings/tokens',
      jwt: aliceJwt,
      body: { pat_max_lifetime_days: null },
    });
  });

  it('leaving the organization removes access at the next request', async () => {
    const org = await findOrganizationByName(t.database.db, 'acme');
    if (!org) throw new Error('no acme');
    await addMember(t.app.services, org, 'carol', 'owner', { id: null, name: 'operator' }, fixtureMeta);
    const carolJwt = await t.login('carol', password);
    const token = await pat(carolJwt, { scopes: undefined, resources: [repo('acme/*', 'scope-image-push')] });
    await ok(stack.inspectRaw(`carol:${token}`, 'acme/api'));
    const left = await t.inject({ method: 'DELETE', url: '/v2/orgs/acme/members/carol', jwt: carolJwt });
    expect(left.statusCode).toBe(204);
    await refused(stack.inspectRaw(`carol:${token}`, 'acme/api'));
  });
});

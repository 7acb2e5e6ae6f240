/**
 * Companies and the Editor role end to end with the real registry and skopeo: a company owner who
 * is no member of an organization of the company creates an OAT there that pushes, while the
 * company owner's own PAT cannot pull that organization's private repository; taking the
 * organization out of the company ends the company owner's management at once; an editor pushes
 * and deletes in the organization where a member cannot; the last company owner cannot leave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app-harness.ts';
import { requireBinaries, skopeo } from '../support/clients.ts';
import { setOrgTier } from '../support/org-fixtures.ts';
import { type RegistryStack, startRegistryStack } from '../support/registry-stack.ts';

const binariesPresent = requireBinaries(['docker-registry', 'skopeo']);

describe.skipIf(!binariesPresent)('companies and editors with the real registry', () => {
  let stack: RegistryStack;
  let t: TestApp;
  let password: string;
  const jwts: Record<string, string> = {};
  const pats: Record<string, string> = {};

  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    as: string,
    body?: unknown,
  ) => t.inject({ method, url, jwt: jwts[as], body });
  const api = async (method: 'POST' | 'PUT' | 'DELETE', url: string, as: string, body?: unknown) => {
    const res = await call(method, url, as, body);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res;
  };
  const ok = async (run: Promise<{ code: number; stderr: string }>) => {
    const result = await run;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  };
  const refused = async (run: Promise<{ code: number }>) => expect((await run).code).not.toBe(0);
  const deleteImage = (creds: string, repo: string) =>
    skopeo(['delete', '--tls-verify=false', '--creds', creds, `docker://${stack.registryHost}/${repo}:1`]);

  beforeAll(async () => {
    stack = await startRegistryStack();
    t = stack.t;
    password = await t.signUp('alice');
    for (const name of ['carol', 'eddie', 'molly']) await t.signUp(name, password);
    for (const name of ['alice', 'carol', 'eddie', 'molly']) {
      jwts[name] = await t.login(name, password);
      pats[name] = (await t.createPat(jwts[name] ?? '', { scopes: ['repo:admin'] })).token;
    }
    // alice owns acme (Business) and the company megacorp holding it; carol co-owns megacorp only.
    await api('POST', '/v2/orgs', 'alice', { name: 'acme' });
    await setOrgTier(t, 'acme', 'business');
    await api('POST', '/v2/companies', 'alice', { name: 'megacorp' });
    await api('PUT', '/v2/companies/megacorp/orgs/acme', 'alice');
    await api('POST', '/v2/companies/megacorp/owners', 'alice', { owner: 'carol@example.com' });
    // eddie joins acme as an editor, molly as a plain member.
    for (const [name, role] of [
      ['eddie', 'editor'],
      ['molly', 'member'],
    ] as const) {
      const sent = await api('POST', '/v2/orgs/acme/invites', 'alice', { invitee: name, role });
      await api('POST', `/v2/invites/${sent.json().id}/accept`, name);
    }
    await ok(stack.push(`alice:${password}`, 'acme/secret'));
  }, 60_000);
  afterAll(async () => stack?.stop());

  it("a company owner's OAT pushes to the organization; the company owner's own PAT cannot pull it", async () => {
    const created = await api('POST', '/v2/orgs/acme/access-tokens', 'carol', {
      label: 'made by the company owner',
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-push'] }],
    });
    const oat = created.json().token as string;
    await ok(stack.push(`acme:${oat}`, 'acme/from-company'));
    await ok(stack.inspectRaw(`acme:${oat}`, 'acme/secret'));
    await refused(stack.inspectRaw(`carol:${pats.carol}`, 'acme/secret'));
    await refused(stack.push(`carol:${pats.carol}`, 'acme/carols'));
  });

  it("taking the organization out of the company ends the company owner's management at once", async () => {
    expect((await call('GET', '/v2/orgs/acme/access-tokens', 'carol')).statusCode).toBe(200);
    await api('DELETE', '/v2/companies/megacorp/orgs/acme', 'alice');
    expect((await call('GET', '/v2/orgs/acme/access-tokens', 'carol')).statusCode).toBe(403);
    const late = await call('POST', '/v2/orgs/acme/access-tokens', 'carol', {
      label: 'too late',
      resources: [{ type: 'TYPE_REPO', path: 'acme/*', scopes: ['scope-image-push'] }],
    });
    expect(late.statusCode).toBe(403);
  });

  it('an editor pushes and deletes in the organization; a member cannot', async () => {
    await ok(stack.push(`eddie:${pats.eddie}`, 'acme/edited'));
    await ok(stack.inspectRaw(`eddie:${pats.eddie}`, 'acme/secret'));
    await refused(stack.push(`molly:${pats.molly}`, 'acme/molly'));
    await refused(deleteImage(`molly:${pats.molly}`, 'acme/edited'));
    await ok(stack.inspectRaw(`eddie:${pats.eddie}`, 'acme/edited'));
    await ok(deleteImage(`eddie:${pats.eddie}`, 'acme/edited'));
    await refused(stack.inspectRaw(`eddie:${pats.eddie}`, 'acme/edited'));
  });

  it('the last company owner cannot leave', async () => {
    await api('DELETE', '/v2/companies/megacorp/owners/carol', 'carol');
    const last = await call('DELETE', '/v2/companies/megacorp/owners/alice', 'alice');
    expect(last.statusCode).toBe(409);
    expect(last.json().errinfo).toEqual({ code: 'LAST_COMPANY_OWNER' });
    const owners = await call('GET', '/v2/companies/megacorp/owners', 'alice');
    expect(owners.json().results.map((o: { username: string }) => o.username)).toEqual(['alice']);
  });
});

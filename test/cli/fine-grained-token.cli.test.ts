/**
 * The CLI's fine-grained tokens, allowlists and token policies, as child processes against a real
 * tokenhub server: `token create --repo … --allow …`, `token inspect`, `org token create --allow`,
 * `org token-policy`.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AccessTokenObject } from '../../src/api/contract/access-tokens.contract.ts';
import type { OrgTokenPolicyObject } from '../../src/api/contract/token-policy.contract.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { type CliServer, startCliServer } from './cli-harness.ts';

vi.setConfig({ testTimeout: 60_000 });

let s: CliServer;

beforeAll(async () => {
  s = await startCliServer({ start: '2026-03-01T12:00:00.000Z' });
  const password = await s.t.signUp('alice');
  await setUpOrg(s.t, 'acme', { owner: 'alice', members: [] });
  await setOrgTier(s.t, 'acme', 'team');
  const res = await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
    input: password,
  });
  expect(res.code).toBe(0);
});
afterAll(async () => s?.close());

describe('tokenhub token create --repo --allow', () => {
  it('creates a fine-grained token limited to its networks, and inspect shows both', async () => {
    const res = await s.tokenhub([
      'token',
      'create',
      '--description',
      'deploy',
      '--repo',
      'acme/api:push',
      '--repo',
      'alice/*:pull',
      '--allow',
      '10.0.0.0/8',
      '--allow',
      '2001:db8::/32',
      '--format',
      'json',
    ]);
    expect(res.stderr).toBe('');
    const token = JSON.parse(res.stdout) as AccessTokenObject;
    expect(token.resources).toEqual([
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
      { type: 'TYPE_REPO', path: 'alice/*', scopes: ['scope-image-pull'] },
    ]);
    expect(token.scopes).toEqual(['repo:admin']);
    expect(token.allowed_cidrs).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    const inspect = await s.tokenhub(['token', 'inspect', token.uuid]);
    expect(inspect.stdout).toContain('acme/api:push; alice/*:pull');
    expect(inspect.stdout).toContain('10.0.0.0/8, 2001:db8::/32');
  });

  it('refuses a malformed --repo or --allow before asking the server, and shows the server’s refusal', async () => {
    const badRepo = await s.tokenhub(['token', 'create', '--description', 'x', '--repo', 'api:push']);
    expect(badRepo.code).not.toBe(0);
    expect(badRepo.stderr).toContain('NAMESPACE/REPOSITORY:ACTION');
    const badAllow = await s.tokenhub(['token', 'create', '--description', 'x', '--allow', 'intranet']);
    expect(badAllow.code).not.toBe(0);
    expect(badAllow.stderr).toContain('IPv4 or IPv6');
    const foreign = await s.tokenhub(['token', 'create', '--description', 'x', '--repo', 'bobby/app:pull']);
    expect(foreign.code).not.toBe(0);
    expect(foreign.stderr).toContain('namespace bobby is neither yours nor an organization you belong to');
  });
});

describe('tokenhub org token-policy and org token create --allow', () => {
  it('sets and shows the policy; a token breaking it is refused naming it', async () => {
    const set = await s.tokenhub([
      'org',
      'token-policy',
      'acme',
      '--pat-max-days',
      '30',
      '--require-fine-grained',
      '--format',
      'json',
    ]);
    expect(set.stderr).toBe('');
    expect(JSON.parse(set.stdout) as OrgTokenPolicyObject).toMatchObject({
      pat_max_lifetime_days: 30,
      require_fine_grained_pats: true,
      oat_max_lifetime_days: null,
    });
    const shown = await s.tokenhub(['org', 'token-policy', 'acme']);
    expect(shown.stdout).toContain('30 days');
    const refused = await s.tokenhub([
      'token',
      'create',
      '--description',
      'long',
      '--repo',
      'acme/api:pull',
      '--expires',
      '90d',
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('the token policy of organization acme');
    const oat = await s.tokenhub([
      'org',
      'token',
      'create',
      'acme',
      '--label',
      'ci',
      '--repo',
      'acme/api:pull',
      '--allow',
      '192.0.2.0/24',
      '--format',
      'json',
    ]);
    expect(oat.stderr).toBe('');
    expect(JSON.parse(oat.stdout).allowed_cidrs).toEqual(['192.0.2.0/24']);
  });
});

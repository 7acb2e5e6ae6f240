/**
 * Keyless CI end to end: a real OpenID provider (its own process) signs a job's identity token,
 * and with only that token and a connection id the job logs in with the docker CLI and pushes with
 * skopeo to the real registry — exactly where the matching rulesets allow, nowhere else. Both
 * doors: the exchanged `thub_oidc_…` token and the identity token itself as the password, and
 * `tokenhub oidc login` as a job runs it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bin, isolatedEnv } from '../cli/cli-harness.ts';
import type { TestApp } from '../support/app-harness.ts';
import { githubClaims } from '../support/ci-claims.ts';
import { dockerLogin, hasBinary, requireBinaries, runCommand, skopeo } from '../support/clients.ts';
import { type OidcIssuer, oidcTestEnv, startOidcIssuer } from '../support/oidc-issuer.ts';
import { setOrgTier } from '../support/org-fixtures.ts';
import { type RegistryStack, startRegistryStack } from '../support/registry-stack.ts';

const binariesPresent = requireBinaries(['docker-registry', 'skopeo']);
const repo = (path: string, ...scopes: string[]) => ({ type: 'TYPE_REPO', path, scopes });

describe.skipIf(!binariesPresent)('OIDC connections with the real registry, skopeo and docker login', () => {
  let stack: RegistryStack;
  let t: TestApp;
  let issuer: OidcIssuer;
  let ownerJwt: string;
  let connectionId: string;
  let dockerDir: string;
  const audience = 'http://tokenhub.test';

  const ok = async (call: Promise<{ code: number; stderr: string }>) => {
    const result = await call;
    expect(result.code, result.stderr).toBe(0);
  };
  const denied = async (call: Promise<{ code: number; stderr: string }>) => {
    const result = await call;
    expect(result.code).not.toBe(0);
    return result.stderr;
  };
  const idToken = (claims = githubClaims({ repository: 'acme/api' }), aud = audience) =>
    issuer.idToken(claims, { audience: aud });
  const exchange = async (token: string) => {
    const res = await t.inject({
      method: 'POST',
      url: '/v2/oidc/token',
      body: { connection_id: connectionId, id_token: token },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ token: string; username: string }>().token;
  };
  const failures = async () => {
    const url = `/v2/orgs/acme/oidc-connections/${connectionId}/failures`;
    const res = await t.inject({ method: 'GET', url, jwt: ownerJwt });
    return res.json<{ results: Array<{ reason: string }> }>().results.map((f) => f.reason);
  };

  beforeAll(async () => {
    [stack, issuer] = await Promise.all([startRegistryStack({ env: oidcTestEnv }), startOidcIssuer()]);
    t = stack.t;
    const password = await t.signUp('alice');
    ownerJwt = await t.login('alice', password);
    expect(
      (await t.inject({ method: 'POST', url: '/v2/orgs', jwt: ownerJwt, body: { name: 'acme' } })).statusCode,
    ).toBe(201);
    await setOrgTier(t, 'acme', 'team');
    await ok(stack.push(`alice:${password}`, 'acme/web'));
    const res = await t.inject({
      method: 'POST',
      url: '/v2/orgs/acme/oidc-connections',
      jwt: ownerJwt,
      body: {
        label: 'GitHub Actions',
        issuer: issuer.url,
        rulesets: [
          {
            label: 'main pushes api',
            subject: 'repo:acme/api:ref:refs/heads/main',
            resources: [repo('acme/api', 'scope-image-push')],
          },
          {
            label: 'every job pulls web',
            subject: 'repo:acme/*',
            resources: [repo('acme/web', 'scope-image-pull')],
          },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    connectionId = res.json().id;
    dockerDir = await mkdtemp(join(tmpdir(), 'tokenhub-oidc-docker-'));
  });
  afterAll(async () => {
    await issuer?.stop();
    await stack?.stop();
    if (dockerDir) await rm(dockerDir, { recursive: true, force: true });
  });
  beforeEach(() => t.clock.set(new Date()));

  it.skipIf(!hasBinary('docker'))(
    'docker login succeeds with an exchanged token and with the identity token itself',
    async () => {
      for (const secret of [await exchange(await idToken()), await idToken()]) {
        const result = await dockerLogin({
          registryHost: stack.registryHost,
          username: 'acme',
          secret,
          dockerConfigDir: dockerDir,
        });
        expect(result.stdout + result.stderr).toContain('Login Succeeded');
      }
    },
  );

  it('main branch: pushes acme/api, pulls acme/web (two rulesets merged), and nothing else', async () => {
    const token = await exchange(await idToken());
    await ok(stack.push(`acme:${token}`, 'acme/api'));
    const into = join(stack.dir, 'pulled-web');
    await ok(stack.pull(`acme:${token}`, 'acme/web', into));
    expect(await denied(stack.push(`acme:${token}`, 'acme/web'))).toMatch(
      /denied|unauthorized|authentication required/i,
    );
    await denied(stack.push(`acme:${token}`, 'acme/other'));
    await denied(stack.push(`acme:${token}`, 'alice/api'));
  });

  it('a pull request matches the pull-only ruleset: pulls acme/web, cannot push acme/api', async () => {
    const token = await exchange(
      await idToken(githubClaims({ repository: 'acme/api', event: 'pull_request' })),
    );
    await ok(stack.pull(`acme:${token}`, 'acme/web', join(stack.dir, 'pulled-pr')));
    await denied(stack.push(`acme:${token}`, 'acme/api'));
  });

  it('the identity token as the password pushes where the rulesets allow', async () => {
    const token = await idToken();
    await ok(stack.push(`acme:${token}`, 'acme/api'));
    await denied(stack.push(`acme:${token}`, 'acme/web'));
  });

  it('a CI job with only its identity token and the connection id: tokenhub oidc login, then skopeo pushes', async () => {
    const jobDir = await mkdtemp(join(tmpdir(), 'tokenhub-oidc-job-'));
    try {
      const tokenFile = join(jobDir, 'id-token');
      await writeFile(tokenFile, await idToken());
      const env = { ...isolatedEnv(jobDir), TOKENHUB_OIDC_CONNECTION_ID: connectionId };
      const login = await runCommand(
        process.execPath,
        [
          bin,
          'oidc',
          'login',
          '--server',
          stack.tokenhubUrl,
          '--token-file',
          tokenFile,
          '--registry',
          stack.registryHost,
        ],
        { env },
      );
      expect(login.code, login.stderr).toBe(0);
      const authfile = join(jobDir, 'docker', 'config.json');
      const push = (name: string) =>
        skopeo([
          'copy',
          '--dest-tls-verify=false',
          '--dest-authfile',
          authfile,
          `oci:${stack.layoutDir}:1`,
          `docker://${stack.registryHost}/${name}:1`,
        ]);
      await ok(push('acme/api'));
      await denied(push('acme/web'));
    } finally {
      await rm(jobDir, { recursive: true, force: true });
    }
  });

  it('a token for another audience is refused, with the reason in the failure log', async () => {
    const stderr = await denied(
      stack.push(`acme:${await idToken(undefined, 'https://other.example')}`, 'acme/api'),
    );
    expect(stderr).toContain('audience was');
    expect((await failures())[0]).toBe('audience was "https://other.example", expected http://tokenhub.test');
  });

  it('deactivating the connection refuses its exchanged tokens at once; deleting it too', async () => {
    const token = await exchange(await idToken());
    await ok(stack.push(`acme:${token}`, 'acme/api'));
    const url = `/v2/orgs/acme/oidc-connections/${connectionId}`;
    await t.inject({ method: 'PATCH', url, jwt: ownerJwt, body: { is_active: false } });
    expect(await denied(stack.push(`acme:${token}`, 'acme/api'))).toContain('is inactive');
    expect(await denied(stack.push(`acme:${await idToken()}`, 'acme/api'))).toContain('connection inactive');
    await t.inject({ method: 'PATCH', url, jwt: ownerJwt, body: { is_active: true } });
    await ok(stack.push(`acme:${token}`, 'acme/api'));
    expect((await t.inject({ method: 'DELETE', url, jwt: ownerJwt })).statusCode).toBe(204);
    await denied(stack.push(`acme:${token}`, 'acme/api'));
  });
});

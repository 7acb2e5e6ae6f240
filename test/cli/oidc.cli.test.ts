/**
 * The OIDC commands as a person and a CI job run them, against a listening tokenhub and the tests'
 * OpenID provider: `tokenhub org oidc …` and `tokenhub oidc …` manage connections;
 * `tokenhub oidc login` reads an identity token (file, variable, standard input, GitHub Actions'
 * token service), exchanges it and writes the docker login.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { githubClaims, gitlabClaims } from '../support/ci-claims.ts';
import { type OidcIssuer, oidcTestEnv, startOidcIssuer } from '../support/oidc-issuer.ts';
import { setOrgTier, setUpOrg } from '../support/org-fixtures.ts';
import { type CliServer, startCliServer } from './cli-harness.ts';

let s: CliServer;
let issuer: OidcIssuer;
const audience = 'http://tokenhub.test';

beforeAll(async () => {
  [s, issuer] = await Promise.all([
    startCliServer({ env: oidcTestEnv, start: new Date().toISOString() }),
    startOidcIssuer(),
  ]);
  const password = await s.t.signUp('alice');
  await setUpOrg(s.t, 'acme', { members: [] });
  await setOrgTier(s.t, 'acme', 'team');
  const login = await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
    input: `${password}\n`,
  });
  expect(login.code, login.stderr).toBe(0);
});
afterAll(async () => {
  await issuer?.stop();
  await s?.close();
});
beforeEach(() => s.t.clock.set(new Date()));

async function createOrgConnection(...extra: string[]): Promise<string> {
  const res = await s.tokenhub([
    'org',
    'oidc',
    'create',
    'acme',
    '--label',
    'github',
    '--issuer',
    issuer.url,
    '--format',
    'json',
    '--rule',
    'repo:acme/api:ref:refs/heads/main=api:push,web:pull',
    ...extra,
  ]);
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout).id;
}

describe('tokenhub org oidc', () => {
  it('creates, lists, deactivates, activates, shows failures and deletes', async () => {
    const created = await s.tokenhub([
      'org',
      'oidc',
      'create',
      'acme',
      '--label',
      'github',
      '--issuer',
      issuer.url,
      '--ttl',
      '10m',
      '--rule',
      'repo:acme/api:ref:refs/heads/main=api:push,web:pull',
      '--rule',
      'repo:acme/*=acme/*:pull',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('repo:acme/api:ref:refs/heads/main → acme/api:push, acme/web:pull');
    expect(created.stdout).toMatch(/Token lifetime: +600 s/);
    const id = /tokenhub oidc login --connection (\S+)/.exec(created.stdout)?.[1] ?? '';
    expect((await s.tokenhub(['org', 'oidc', 'ls', 'acme'])).stdout).toContain(id);
    expect((await s.tokenhub(['org', 'oidc', 'deactivate', 'acme', id])).stdout).toBe(
      `${id} (github) is inactive\n`,
    );
    await s.tokenhub(['oidc', 'login', '--connection', id, '--print-token', '--token-env', 'JOB_TOKEN'], {
      env: {
        TOKENHUB_SERVER: s.url,
        JOB_TOKEN: await issuer.idToken(githubClaims({ repository: 'acme/api' }), { audience }),
      },
    });
    const failures = await s.tokenhub(['org', 'oidc', 'failures', 'acme', id]);
    expect(failures.stdout).toContain('connection inactive');
    expect((await s.tokenhub(['org', 'oidc', 'activate', 'acme', id])).stdout).toBe(
      `${id} (github) is active\n`,
    );
    expect((await s.tokenhub(['org', 'oidc', 'rm', 'acme', id, '--yes'])).stdout).toBe(`deleted ${id}\n`);
  }, 60_000);

  it('reads rulesets with claim conditions from a file, and refuses a bad --rule as a usage error', async () => {
    const file = join(s.dir, 'rulesets.json');
    await writeFile(
      file,
      JSON.stringify([
        {
          label: 'protected main',
          subject: 'project_path:acme/api:*',
          claims: { ref_protected: 'true' },
          resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] }],
        },
      ]),
    );
    const both = await s.tokenhub([
      'org',
      'oidc',
      'create',
      'acme',
      '--label',
      'x',
      '--issuer',
      issuer.url,
      '--rules-file',
      file,
      '--rule',
      'x=api:pull',
    ]);
    expect(both).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give --rule or --rules-file, not both'),
    });
    const ok = await s.tokenhub([
      'org',
      'oidc',
      'create',
      'acme',
      '--label',
      'gitlab',
      '--issuer',
      issuer.url,
      '--rules-file',
      file,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('project_path:acme/api:* → acme/api:push; ref_protected=true');
    const bad = await s.tokenhub([
      'org',
      'oidc',
      'create',
      'acme',
      '--label',
      'x',
      '--issuer',
      issuer.url,
      '--rule',
      'no-resources',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Use SUB_PATTERN=REPOSITORY:ACTION');
  });
});

describe('tokenhub oidc (your own connections)', () => {
  it('creates a connection for your namespace, delete included', async () => {
    const res = await s.tokenhub([
      'oidc',
      'create',
      '--label',
      'mine',
      '--issuer',
      issuer.url,
      '--rule',
      'repo:alice/*=app:push,app:delete',
      '--format',
      'json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      owner: 'alice',
      rulesets: [{ resources: [{ path: 'alice/app', scopes: ['scope-image-delete', 'scope-image-push'] }] }],
    });
  });
});

describe('tokenhub oidc login', () => {
  let id: string;
  beforeAll(async () => {
    id = await createOrgConnection();
  });
  const run = (args: string[], env: Record<string, string | undefined> = {}, input?: string) =>
    s.tokenhub(['oidc', 'login', ...args], {
      env: { TOKENHUB_SERVER: s.url, ...env },
      ...(input ? { input } : {}),
    });
  const jobToken = () => issuer.idToken(githubClaims({ repository: 'acme/api' }), { audience });

  it('from a file: exchanges the token and writes the docker login for each registry', async () => {
    const file = join(s.dir, 'id-token');
    await writeFile(file, `${await jobToken()}\n`);
    const res = await run([
      '--connection',
      id,
      '--token-file',
      file,
      '--registry',
      'registry.example.com:5000',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /^Logged in to registry\.example\.com:5000 as acme until .* \(acme\/api: push; acme\/web: pull\)\n$/,
    );
    const config = JSON.parse(await readFile(join(s.dir, 'docker', 'config.json'), 'utf8'));
    const [username, token] = Buffer.from(config.auths['registry.example.com:5000'].auth, 'base64')
      .toString()
      .split(':');
    expect(username).toBe('acme');
    expect(token).toMatch(/^thub_oidc_/);
  });

  it('from $TOKENHUB_ID_TOKEN and $TOKENHUB_OIDC_CONNECTION_ID (GitLab id_tokens), printing only the token', async () => {
    const gitlab = await s.tokenhub([
      'org',
      'oidc',
      'create',
      'acme',
      '--label',
      'gitlab',
      '--issuer',
      issuer.url,
      '--format',
      'json',
      '--rule',
      'project_path:acme/*=api:pull',
    ]);
    const res = await run(['--print-token'], {
      TOKENHUB_OIDC_CONNECTION_ID: JSON.parse(gitlab.stdout).id,
      TOKENHUB_ID_TOKEN: await issuer.idToken(gitlabClaims({ project: 'acme/api' }), { audience }),
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^thub_oidc_\w+\n$/);
  });

  it("from GitHub Actions' token service, asking for the audience", async () => {
    let asked: URL | undefined;
    const token = await jobToken();
    const service: Server = createServer((req, res) => {
      asked = new URL(req.url ?? '/', 'http://x');
      const authorized = req.headers.authorization === 'bearer request-token';
      res
        .writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ value: token }));
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    try {
      const port = (service.address() as AddressInfo).port;
      const res = await run(['--connection', id, '--print-token', '--audience', audience], {
        ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      });
      expect(res.code, res.stderr).toBe(0);
      expect(asked?.searchParams.get('audience')).toBe(audience);
      expect(asked?.searchParams.get('api-version')).toBe('2.0');
    } finally {
      service.close();
    }
  });

  it('a refused token exits 1 with the reason; missing pieces are usage errors', async () => {
    const other = await issuer.idToken(githubClaims({ repository: 'acme/api', event: 'pull_request' }), {
      audience,
    });
    const refused = await run(['--connection', id, '--token-stdin', '--print-token'], {}, other);
    expect(refused).toMatchObject({
      code: 1,
      stderr: 'tokenhub: no ruleset matched sub `repo:acme/api:pull_request`\n',
    });
    expect((await run(['--print-token', '--token-env', 'X'], { X: 'a' })).stderr).toContain(
      'which connection?',
    );
    const none = await run(['--connection', id, '--print-token']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no identity token');
    expect((await run(['--connection', id, '--token-env', 'X'], { X: 'a' })).stderr).toContain(
      '--registry HOST',
    );
  });
});

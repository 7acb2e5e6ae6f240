/**
 * `tokenhub org token|member|group|invite …` and `tokenhub repo …` as child processes against a
 * real tokenhub server: resources built from `--repo`/`--public-read`/`--scope`, an organization
 * access token used through TOKENHUB_TOKEN, invites, groups, and repository visibility.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { setOrgTier } from '../support/org-fixtures.ts';
import { type CliServer, startCliServer } from './cli-harness.ts';

// Every step is a child process (~0.5 s each); a slow CI machine needs room.
vi.setConfig({ testTimeout: 60_000 });

let s: CliServer;
let password: string;
const json = <T>(stdout: string) => JSON.parse(stdout) as T;

interface Oat {
  id: string;
  label: string;
  status: string;
  token?: string;
  resources: { type: string; path: string; scopes: string[] }[];
}

beforeAll(async () => {
  s = await startCliServer();
  password = await s.t.signUp('alice');
  await s.t.signUp('bobby');
  const jwt = await s.t.login('alice', password);
  expect(
    (await s.t.inject({ method: 'POST', url: '/v2/orgs', jwt, body: { name: 'acme' } })).statusCode,
  ).toBe(201);
  for (const [name, isPrivate] of [
    ['app', true],
    ['site', false],
  ] as const) {
    const res = await s.t.inject({
      method: 'POST',
      url: '/v2/namespaces/alice/repositories',
      jwt,
      body: { name, is_private: isPrivate, description: `the ${name}` },
    });
    expect(res.statusCode).toBe(201);
  }
  const login = await s.tokenhub(['login', '--server', s.url, '--username', 'alice', '--password-stdin'], {
    input: password,
  });
  expect(login.code).toBe(0);
});
afterAll(async () => s?.close());

describe('tokenhub org token', () => {
  const createArgs = [
    'org',
    'token',
    'create',
    'acme',
    '--label',
    'ci',
    '--description',
    'build pipeline',
    '--repo',
    'acme/api:push',
    '--repo',
    'web:pull',
    '--public-read',
    '--scope',
    'member-read',
    '--expires',
    '2026-06-30',
  ];

  it('needs a Team organization: the API says so', async () => {
    const free = await s.tokenhub(createArgs);
    await setOrgTier(s.t, 'acme', 'team');
    expect(free).toMatchObject({
      code: 1,
      stderr:
        'tokenhub: organization access tokens need a Team or Business organization; acme is on the free tier\n',
    });
  });

  it('create, ls, inspect, update, deactivate and rm', async () => {
    const created = json<Oat>((await s.tokenhub([...createArgs, '--format', 'json'])).stdout);
    expect(created.token).toMatch(/^thub_oat_/);
    expect(created.resources).toEqual([
      { type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] },
      { type: 'TYPE_REPO', path: 'acme/web', scopes: ['scope-image-pull'] },
      { type: 'TYPE_REPO', path: '*/*/public', scopes: ['scope-image-pull'] },
      { type: 'TYPE_ORG', path: 'acme', scopes: ['scope-member-read'] },
    ]);

    const ls = await s.tokenhub(['org', 'token', 'ls', 'acme']);
    expect(ls.stdout.split('\n')[0]).toMatch(
      /^ID +LABEL +RESOURCES +STATUS +CREATED BY +CREATED +LAST USED +EXPIRES$/,
    );
    expect(ls.stdout).toContain(
      'ci      acme/api:push, acme/web:pull, public:pull, member-read   active   alice',
    );
    const inspect = await s.tokenhub(['org', 'token', 'inspect', 'acme', created.id]);
    expect(inspect.stdout).toContain('Description:   build pipeline\n');
    expect(inspect.stdout).toContain('Expires:       2026-06-30 00:00\n');

    // The token itself, as CI would use it: member-read lets it list members, nothing more.
    const asOat = { TOKENHUB_SERVER: s.url, TOKENHUB_TOKEN: created.token, TOKENHUB_USERNAME: 'acme' };
    const members = await s.tokenhub(['org', 'member', 'ls', 'acme', '--format', 'json'], { env: asOat });
    expect(json(members.stdout)).toEqual([expect.objectContaining({ username: 'alice', role: 'Owner' })]);
    expect((await s.tokenhub(['whoami'], { env: asOat })).stdout).toContain('Username:         acme\n');
    expect(await s.tokenhub(['org', 'token', 'ls', 'acme'], { env: asOat })).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^tokenhub: token issued from organization access token is not allowed/),
    });

    const updated = await s.tokenhub([
      'org',
      'token',
      'update',
      'acme',
      created.id,
      '--label',
      'ci-2',
      '--repo',
      'api:pull',
    ]);
    expect(updated.stdout).toContain('Label:         ci-2\n');
    expect(updated.stdout).toContain('Resources:     acme/api:pull\n');
    expect((await s.tokenhub(['org', 'token', 'update', 'acme', created.id])).code).toBe(2);

    expect((await s.tokenhub(['org', 'token', 'deactivate', 'acme', created.id])).stdout).toBe(
      `${created.id} (ci-2) is inactive\n`,
    );
    expect((await s.tokenhub(['org', 'token', 'rm', 'acme', created.id])).code).toBe(2);
    expect(await s.tokenhub(['org', 'token', 'rm', 'acme', created.id, '--yes'])).toMatchObject({
      code: 0,
      stdout: `deleted ${created.id}\n`,
    });
    expect(json((await s.tokenhub(['org', 'token', 'ls', 'acme', '--format', 'json'])).stdout)).toEqual([]);
  });

  it('rejects malformed resource flags as usage errors', async () => {
    const base = ['org', 'token', 'create', 'acme', '--label', 'x'];
    expect((await s.tokenhub([...base, '--repo', 'acme/api'])).code).toBe(2);
    expect((await s.tokenhub([...base, '--scope', 'everything'])).code).toBe(2);
    const none = await s.tokenhub(base);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give at least one --repo, --public-read or --scope');
  });
});

describe('tokenhub org member, invite and group', () => {
  it('invites bobby, who accepts; changes his role; removes him', async () => {
    const invited = await s.tokenhub(['org', 'member', 'add', 'acme', 'bobby']);
    expect(invited.stdout).toMatch(
      /^invited bobby to acme as member \(invite \S+\); they join when they accept\n$/,
    );
    const invites = json<{ id: string; invitee: string }[]>(
      (await s.tokenhub(['org', 'invite', 'ls', 'acme', '--format', 'json'])).stdout,
    );
    expect(invites).toEqual([
      expect.objectContaining({ invitee: 'bobby', role: 'member', invited_by: 'alice' }),
    ]);
    const bobby = await s.t.login('bobby', password);
    const accepted = await s.t.inject({
      method: 'POST',
      url: `/v2/invites/${invites[0]?.id}/accept`,
      jwt: bobby,
    });
    expect(accepted.statusCode).toBe(200);

    const table = (await s.tokenhub(['org', 'member', 'ls', 'acme'])).stdout;
    expect(table).toMatch(
      /^USERNAME +ROLE +EMAIL +GROUPS +JOINED\nalice +owner +alice@example.com +2026-03-01 12:00\n/,
    );
    expect((await s.tokenhub(['org', 'member', 'set-role', 'acme', 'bobby', 'owner'])).stdout).toBe(
      'bobby is now owner of acme\n',
    );
    expect(await s.tokenhub(['org', 'member', 'rm', 'acme', 'bobby', '--yes'])).toMatchObject({
      code: 0,
      stdout: 'removed bobby from acme\n',
    });
    expect(await s.tokenhub(['org', 'member', 'rm', 'acme', 'alice', '--yes'])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: an organization must keep at least one owner\n',
    });
  });

  it('creates and cancels an invite by email address', async () => {
    const created = await s.tokenhub([
      'org',
      'invite',
      'create',
      'acme',
      'new@example.com',
      '--role',
      'owner',
      '--format',
      'json',
    ]);
    const invite = json<{ id: string; role: string }>(created.stdout);
    expect(invite.role).toBe('owner');
    expect((await s.tokenhub(['org', 'invite', 'ls', 'acme'])).stdout).toContain(
      'new@example.com   owner   alice',
    );
    expect((await s.tokenhub(['org', 'invite', 'rm', 'acme', invite.id])).stdout).toBe(
      `cancelled invite ${invite.id}\n`,
    );
  });

  it('creates, lists and deletes groups', async () => {
    expect((await s.tokenhub(['org', 'group', 'create', 'acme', 'developers'])).stdout).toBe(
      'created group developers in acme\n',
    );
    expect((await s.tokenhub(['org', 'group', 'ls', 'acme'])).stdout).toBe(
      'NAME         MEMBERS   CREATED\ndevelopers   0         2026-03-01 12:00\n',
    );
    expect((await s.tokenhub(['org', 'group', 'create', 'acme', 'developers'])).stderr).toBe(
      'tokenhub: acme already has a group named developers\n',
    );
    expect((await s.tokenhub(['org', 'group', 'rm', 'acme', 'developers', '--yes'])).code).toBe(0);
  });
});

describe('tokenhub repo', () => {
  it('ls and inspect; signed out only public repositories show', async () => {
    const ls = await s.tokenhub(['repo', 'ls', 'alice']);
    expect(ls.stdout).toBe(
      'NAME         VISIBILITY   DESCRIPTION   UPDATED\n' +
        'alice/app    private      the app       2026-03-01 12:00\n' +
        'alice/site   public       the site      2026-03-01 12:00\n',
    );
    const signedOut = { XDG_CONFIG_HOME: join(s.dir, 'empty'), TOKENHUB_SERVER: s.url };
    const anonymous = json<{ name: string }[]>(
      (await s.tokenhub(['repo', 'ls', 'alice', '--format', 'json'], { env: signedOut })).stdout,
    );
    expect(anonymous.map((r) => r.name)).toEqual(['site']);
    expect((await s.tokenhub(['repo', 'inspect', 'alice/app'])).stdout).toContain('Visibility:    private\n');
    expect(await s.tokenhub(['repo', 'inspect', 'alice/app'], { env: signedOut })).toMatchObject({
      code: 1,
      stderr: 'tokenhub: repository not found: alice/app\n',
    });
    expect((await s.tokenhub(['repo', 'inspect', 'alice'])).code).toBe(2);
  });

  it('set-visibility', async () => {
    expect((await s.tokenhub(['repo', 'set-visibility', 'alice/app', 'public'])).stdout).toBe(
      'alice/app is now public\n',
    );
    const repo = json<{ is_private: boolean }>(
      (await s.tokenhub(['repo', 'inspect', 'alice/app', '--format', 'json'])).stdout,
    );
    expect(repo.is_private).toBe(false);
    expect((await s.tokenhub(['repo', 'set-visibility', 'alice/app', 'hidden'])).code).toBe(2);
  });
});

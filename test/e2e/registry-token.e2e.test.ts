/**
 * End to end with the real CNCF registry (Debian's docker-registry 2.8), skopeo and the docker CLI:
 * tokenhub listens on a free loopback port (in process, so the clock can be moved), the registry
 * trusts tokenhub's certificate bundle, and real clients log in, push, pull and delete with PATs of
 * every level (PROTOCOLS.md §2 and §3).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { totpCode } from '../../src/core/totp.ts';
import {
  activateNextKey,
  createNextKey,
  retirePreviousKeys,
} from '../../src/registry/signing-keys.service.ts';
import { insertRepositoryIfAbsent } from '../../src/storage/image-repository.repository.ts';
import type { TestApp } from '../support/app-harness.ts';
import { dockerLogin, requireBinaries, runCommand, skopeo } from '../support/clients.ts';
import { startRegistry } from '../support/registry-process.ts';
import { type RegistryStack, sha256, startRegistryStack } from '../support/registry-stack.ts';

const binariesPresent = requireBinaries(['docker-registry', 'skopeo']);
const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;

describe.skipIf(!binariesPresent)('registry token service with the real registry and clients', () => {
  let stack: RegistryStack;
  let t: TestApp;
  const secrets: Record<string, string> = {};
  let alicePassword: string;

  const image = (repo: string, tag = '1') => `docker://${stack.registryHost}/${repo}:${tag}`;
  const push = (creds: string | undefined, repo: string) => stack.push(creds, repo);
  const pull = (creds: string | undefined, repo: string, into: string) => stack.pull(creds, repo, into);
  const inspectRaw = (creds: string | undefined, repo: string) => stack.inspectRaw(creds, repo);
  const registryToken = (secret: string) => stack.registryToken('alice', secret, 'repository:alice/app:pull');

  async function makePat(user: string, password: string, scope: string, extra: Record<string, unknown> = {}) {
    return t.createPat(await t.login(user, password), { token_label: scope, scopes: [scope], ...extra });
  }

  beforeAll(async () => {
    stack = await startRegistryStack();
    t = stack.t;
    alicePassword = await t.signUp('alice');
    await t.signUp('bobby');
    for (const scope of ['repo:public_read', 'repo:read', 'repo:write', 'repo:admin']) {
      secrets[scope] = (await makePat('alice', alicePassword, scope)).token;
    }
    secrets.bob = (await makePat('bobby', alicePassword, 'repo:admin')).token;

    // alice/pub is public: pushed first, then made public.
    const now = new Date().toISOString();
    await insertRepositoryIfAbsent(t.database.db, {
      id: newId(),
      namespace: 'alice',
      name: 'pub',
      isPrivate: false,
      description: '',
      createdAt: now,
      updatedAt: now,
      createdBy: null,
    });
    expect((await push(`alice:${secrets['repo:write']}`, 'alice/pub')).code).toBe(0);
  }, 60_000);

  afterAll(async () => stack?.stop());

  it('docker login succeeds with a PAT and shows tokenhub’s message for a wrong secret', async (context) => {
    if (!requireBinaries(['docker'])) context.skip();
    const config = join(stack.dir, 'docker-ok');
    const ok = await dockerLogin({
      registryHost: stack.registryHost,
      username: 'alice',
      secret: secrets['repo:read'] ?? '',
      dockerConfigDir: config,
    });
    expect(ok.stdout + ok.stderr).toContain('Login Succeeded');
    expect(await readFile(join(config, 'config.json'), 'utf8')).toContain(stack.registryHost);
    const bad = await dockerLogin({
      registryHost: stack.registryHost,
      username: 'alice',
      secret: 'not-the-password',
      dockerConfigDir: join(stack.dir, 'docker-bad'),
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('incorrect username or password');
  });

  it('a repo:write PAT pushes alice/app:1; it pulls back byte-identical and lists tags', async () => {
    const pushed = await push(`alice:${secrets['repo:write']}`, 'alice/app');
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
    const raw = await inspectRaw(`alice:${secrets['repo:write']}`, 'alice/app');
    expect(raw.code).toBe(0);
    expect(sha256(raw.stdout)).toBe(stack.layout.manifestDigest);
    const into = join(stack.dir, 'pulled-app');
    expect((await pull(`alice:${secrets['repo:write']}`, 'alice/app', into)).code).toBe(0);
    const hex = stack.layout.layerDigest.slice('sha256:'.length);
    expect(await readFile(join(into, 'blobs', 'sha256', hex))).toEqual(
      await readFile(join(stack.layoutDir, 'blobs', 'sha256', hex)),
    );
    const tags = await skopeo([
      'list-tags',
      '--tls-verify=false',
      '--creds',
      `alice:${secrets['repo:write']}`,
      `docker://${stack.registryHost}/alice/app`,
    ]);
    expect(JSON.parse(tags.stdout).Tags).toEqual(['1']);
    // Created on first push, private by default.
    const repo = await t.database.db
      .selectFrom('repositories')
      .selectAll()
      .where('name', '=', 'app')
      .executeTakeFirst();
    expect(repo).toMatchObject({ namespace: 'alice', is_private: 1 });
  });

  it('repo:read pulls but cannot push', async () => {
    expect((await inspectRaw(`alice:${secrets['repo:read']}`, 'alice/app')).code).toBe(0);
    const denied = await push(`alice:${secrets['repo:read']}`, 'alice/other');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/denied|unauthorized|insufficient/i);
  });

  it('repo:public_read pulls public alice/pub but not private alice/app', async () => {
    expect((await inspectRaw(`alice:${secrets['repo:public_read']}`, 'alice/pub')).code).toBe(0);
    const denied = await inspectRaw(`alice:${secrets['repo:public_read']}`, 'alice/app');
    expect(denied.code).not.toBe(0);
  });

  it('anonymous clients pull public repositories only', async () => {
    expect((await inspectRaw(undefined, 'alice/pub')).code).toBe(0);
    expect((await inspectRaw(undefined, 'alice/app')).code).not.toBe(0);
    expect((await push(undefined, 'alice/anon')).code).not.toBe(0);
  });

  it('bob cannot pull alice’s private repository nor push to her namespace', async () => {
    expect((await inspectRaw(`bobby:${secrets.bob}`, 'alice/app')).code).not.toBe(0);
    expect((await push(`bobby:${secrets.bob}`, 'alice/app')).code).not.toBe(0);
    expect((await push(`bobby:${secrets.bob}`, 'bobby/app')).code).toBe(0);
  });

  it('the account password works at the registry too', async () => {
    expect((await inspectRaw(`alice:${alicePassword}`, 'alice/app')).code).toBe(0);
  });

  it('with two-factor sign-in on, the password is refused at the registry and a PAT still works', async () => {
    const password = await t.signUp('carol');
    const jwt = await t.login('carol', password);
    const pat = await t.createPat(jwt, { scopes: ['repo:write'] });
    expect((await push(`carol:${password}`, 'carol/app')).code).toBe(0);
    const { secret } = (await t.inject({ method: 'POST', url: '/v2/users/me/2fa/setup', jwt })).json();
    const enabled = await t.inject({
      method: 'POST',
      url: '/v2/users/me/2fa/enable',
      jwt,
      body: { code: totpCode(secret, t.clock.now()) },
    });
    expect(enabled.statusCode).toBe(200);
    const refused = await inspectRaw(`carol:${password}`, 'carol/app');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('use a personal access token');
    expect((await inspectRaw(`carol:${pat.token}`, 'carol/app')).code).toBe(0);
  });

  it('repo:admin deletes a manifest; repo:write may not', async () => {
    const notAllowed = await skopeo([
      'delete',
      '--tls-verify=false',
      '--creds',
      `alice:${secrets['repo:write']}`,
      image('alice/pub'),
    ]);
    expect(notAllowed.code).not.toBe(0);
    const deleted = await skopeo([
      'delete',
      '--tls-verify=false',
      '--creds',
      `alice:${secrets['repo:admin']}`,
      image('alice/pub'),
    ]);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    expect((await inspectRaw(`alice:${secrets['repo:admin']}`, 'alice/pub')).code).not.toBe(0);
  });

  it('deactivated, expired and deleted tokens are refused at /token at once', async () => {
    const jwt = await t.login('alice', alicePassword);
    const check = async (secret: string) => {
      const res = await fetch(
        `${stack.tokenhubUrl}/token?service=${t.config.registryService}&scope=repository:alice/app:pull`,
        {
          headers: { authorization: `Basic ${Buffer.from(`alice:${secret}`).toString('base64')}` },
        },
      );
      return { status: res.status, body: (await res.json()) as { details?: string } };
    };

    const deactivated = await makePat('alice', alicePassword, 'repo:read');
    expect((await inspectRaw(`alice:${deactivated.token}`, 'alice/app')).code).toBe(0);
    await t.inject({
      method: 'PATCH',
      url: `/v2/access-tokens/${deactivated.uuid}`,
      jwt,
      body: { is_active: false },
    });
    expect(await check(deactivated.token)).toEqual({
      status: 401,
      body: expect.objectContaining({ details: 'token is inactive' }),
    });
    expect((await inspectRaw(`alice:${deactivated.token}`, 'alice/app')).code).not.toBe(0);

    const deleted = await makePat('alice', alicePassword, 'repo:read');
    await t.inject({ method: 'DELETE', url: `/v2/access-tokens/${deleted.uuid}`, jwt });
    expect(await check(deleted.token)).toEqual({
      status: 401,
      body: expect.objectContaining({ details: 'incorrect username or password' }),
    });

    const expiring = await makePat('alice', alicePassword, 'repo:read', {
      expires_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString(),
    });
    expect((await check(expiring.token)).status).toBe(200);
    const before = t.clock.now();
    t.clock.advanceSeconds(3601);
    try {
      expect(await check(expiring.token)).toEqual({
        status: 401,
        body: expect.objectContaining({ details: 'token expired' }),
      });
    } finally {
      t.clock.set(before);
    }
  });

  it('records the last use of a token at the registry (buffered)', async () => {
    await t.app.services.lastUsed.flush();
    const row = await t.database.db
      .selectFrom('access_tokens')
      .select(['last_used_at', 'last_used_ip', 'last_used_ua'])
      .where('label', '=', 'repo:write')
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).not.toBeNull();
    expect(row.last_used_ip).toBe('127.0.0.1');
    expect(row.last_used_ua).toMatch(/skopeo|containers|Go-http-client/i);
  });

  it('a registry configured from `tokenhub admin registry-config` works as the README says', async () => {
    if (t.database.config.dialect !== 'sqlite') throw new Error('the e2e suite runs on SQLite');
    const cliBundle = join(stack.dir, 'cli-bundle.pem');
    const cli = await runCommand(process.execPath, [bin, 'admin', 'registry-config', '--bundle', cliBundle], {
      env: {
        TOKENHUB_DATABASE_URL: `sqlite:${t.database.config.path}`,
        TOKENHUB_PUBLIC_URL: stack.tokenhubUrl,
        // The signing keys are sealed with the instance key: the command needs the same one.
        TOKENHUB_SECRET_KEY: t.config.secretKey?.toString('base64') ?? '',
      },
    });
    expect(cli.code).toBe(0);
    const setting = (name: string) => new RegExp(`^    ${name}: (.+)$`, 'm').exec(cli.stdout)?.[1] ?? '';
    const configured = await startRegistry({
      realm: setting('realm'),
      service: setting('service'),
      issuer: setting('issuer'),
      rootCertBundlePath: setting('rootcertbundle'),
    });
    try {
      expect(setting('realm')).toBe(`${stack.tokenhubUrl}/token`);
      const inspect = await skopeo([
        'inspect',
        '--tls-verify=false',
        '--creds',
        `alice:${secrets['repo:write']}`,
        `docker://127.0.0.1:${configured.port}/alice/app:1`,
      ]);
      // Authentication passed: the fresh registry has no such image yet.
      expect(inspect.stderr).toMatch(/manifest unknown|not found/i);
      const pushed = await skopeo([
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds',
        `alice:${secrets['repo:write']}`,
        `oci:${stack.layoutDir}:1`,
        `docker://127.0.0.1:${configured.port}/alice/app:1`,
      ]);
      expect(pushed.code).toBe(0);
    } finally {
      await configured.stop();
    }
  });

  it('key rotation: tokens signed before and after both verify at a registry with both certificates', async () => {
    const oldToken = await registryToken(secrets['repo:read'] ?? '');
    const next = await createNextKey(t.database.db, t.clock, t.app.services.secretKey());
    await stack.restartRegistry();
    expect((await readFile(stack.bundlePath, 'utf8')).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    await activateNextKey(t.database.db, t.clock);
    await t.app.registrySigner.refresh();
    expect(t.app.registrySigner.current.keyId).toBe(next.keyId);

    // `GET /v2/` accepts any token the registry can verify (each restart starts with empty storage).
    const verifyWith = (token: string) =>
      fetch(`http://${stack.registryHost}/v2/`, { headers: { authorization: `Bearer ${token}` } });
    expect((await verifyWith(oldToken)).status).toBe(200);
    const newToken = await registryToken(secrets['repo:read'] ?? '');
    const header = JSON.parse(Buffer.from(newToken.split('.')[0] ?? '', 'base64url').toString());
    expect(header.kid).toBe(next.keyId);
    expect((await verifyWith(newToken)).status).toBe(200);
    expect((await push(`alice:${secrets['repo:write']}`, 'alice/rotated')).code).toBe(0);

    // Retiring the old key drops it from the bundle: a registry reloaded with it refuses old tokens.
    expect(await retirePreviousKeys(t.database.db, t.clock)).toBe(1);
    await stack.restartRegistry();
    expect((await verifyWith(oldToken)).status).toBe(401);
    expect((await verifyWith(newToken)).status).toBe(200);
  });
});

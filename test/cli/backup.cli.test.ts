/**
 * `tokenhub admin export` and `import`, as child processes: a backup of a SQLite instance restored
 * into PostgreSQL (or, without TOKENHUB_TEST_PG_URL, into a second SQLite file: said loudly) keeps
 * every token, session and signing key working.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp, createLogger } from '../../src/api/app.ts';
import { loadConfig } from '../../src/config.ts';
import { type Db, openDatabase } from '../../src/storage/database.ts';
import { createTestApp, type TestApp } from '../support/app-harness.ts';
import { runCommand } from '../support/clients.ts';
import { postgresUrl } from '../support/databases.ts';
import { setOrgTier } from '../support/org-fixtures.ts';

const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;
const secretKey = randomBytes(32).toString('base64');
if (!postgresUrl)
  console.warn(
    '[backup] SQLite → PostgreSQL round trip SKIPPED (no TOKENHUB_TEST_PG_URL): restoring into SQLite',
  );

let dir: string;
let source: TestApp;
let targetUrl: string;
let dropTarget: (() => Promise<void>) | undefined;
const secrets: { pat: string; oat: string; session: string } = { pat: '', oat: '', session: '' };

const tokenhub = (args: string[], databaseUrl: string) =>
  runCommand(process.execPath, [bin, ...args], {
    env: { TOKENHUB_DATABASE_URL: databaseUrl, TOKENHUB_SECRET_KEY: secretKey },
    timeoutMs: 30_000,
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-backup-'));
  source = await createTestApp({ env: { TOKENHUB_SECRET_KEY: secretKey } });
  const password = await source.signUp('alice');
  secrets.session = await source.login('alice', password);
  secrets.pat = (await source.createPat(secrets.session, { scopes: ['repo:write'] })).token;
  await source.inject({ method: 'POST', url: '/v2/orgs', jwt: secrets.session, body: { name: 'acme' } });
  await setOrgTier(source, 'acme', 'team');
  const oat = await source.inject({
    method: 'POST',
    url: '/v2/orgs/acme/access-tokens',
    jwt: secrets.session,
    body: { label: 'ci', resources: [{ type: 'TYPE_REPO', path: 'acme/api', scopes: ['scope-image-push'] }] },
  });
  secrets.oat = oat.json().token;
  await source.login('alice', secrets.pat);
  await source.app.services.lastUsed.flush();

  if (postgresUrl) {
    const name = `tokenhub_backup_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    targetUrl = url.toString();
    dropTarget = async () => {
      const cleanup = new pg.Client({ connectionString: postgresUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    };
  } else {
    targetUrl = `sqlite:${join(dir, 'restored.db')}`;
  }
});

afterAll(async () => {
  await source?.close();
  await dropTarget?.();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('admin export and import', () => {
  let target: { app: App; db: Db } | undefined;
  afterAll(async () => {
    await target?.app.close();
    await target?.db.destroy();
  });

  it('round-trips every token, session and signing key', async () => {
    const sourceConfig = source.database.config;
    if (sourceConfig.dialect !== 'sqlite') throw new Error('the source is SQLite');
    const file = join(dir, 'backup.json');
    const exported = await tokenhub(['admin', 'export', '--output', file], `sqlite:${sourceConfig.path}`);
    expect(exported.code).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);

    const imported = await tokenhub(['admin', 'import', file], targetUrl);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/^imported \d+ rows \(1 users, 2 tokens\)\n$/);
    expect((await tokenhub(['admin', 'import', file], targetUrl)).stderr).toContain('not empty');

    const config = loadConfig({
      TOKENHUB_DATABASE_URL: targetUrl,
      TOKENHUB_SECRET_KEY: secretKey,
      TOKENHUB_LOG_LEVEL: 'silent',
    });
    const db = openDatabase(config.database);
    target = { app: await buildApp({ config, db, logger: createLogger('silent'), clock: source.clock }), db };
    const login = (identifier: string, secret: string) =>
      target?.app.inject({ method: 'POST', url: '/v2/auth/token', payload: { identifier, secret } });
    expect((await login('alice', secrets.pat))?.statusCode).toBe(200);
    expect((await login('acme', secrets.oat))?.statusCode).toBe(200);
    expect((await login('alice', 'correct horse battery'))?.statusCode).toBe(200);
    const me = await target.app.inject({
      method: 'GET',
      url: '/v2/users/me',
      headers: { authorization: `Bearer ${secrets.session}` },
    });
    expect(me.json().username).toBe('alice');

    const kid = async (app: App) => {
      const res = await app.inject({
        method: 'GET',
        url: '/token?service=tokenhub-registry&scope=repository:alice/app:pull',
        headers: { authorization: `Basic ${Buffer.from(`alice:${secrets.pat}`).toString('base64')}` },
      });
      return JSON.parse(Buffer.from(res.json().token.split('.')[0], 'base64url').toString()).kid as string;
    };
    expect(await kid(target.app)).toBe(await kid(source.app));
    const tokens = await target.app.inject({
      method: 'GET',
      url: '/v2/access-tokens',
      headers: { authorization: `Bearer ${secrets.session}` },
    });
    expect(tokens.json().results[0].last_used).not.toBeNull();
  });

  it('refuses a file that is not a backup', async () => {
    const res = await tokenhub(['admin', 'import', bin], targetUrl);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^tokenhub: cannot read/);
  });
});

/**
 * The operator's recovery commands as child processes on a temp SQLite database:
 * `admin reset-password` prints a one-time link that a server over the same database honours
 * once (or sets a password from stdin), `admin disable-2fa` turns two-factor off, both audited;
 * `admin mail ls` lists the outbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type App, buildApp } from '../../src/api/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { runCommand } from '../support/clients.ts';
import { bin } from './cli-harness.ts';

vi.setConfig({ testTimeout: 60_000 });

let dir: string;
let env: Record<string, string>;
const tokenhub = (args: string[], input?: string) =>
  runCommand(process.execPath, [bin, ...args], { env, input, timeoutMs: 20_000 });

function query<T>(sql: string): T[] {
  const db = new Database(join(dir, 'tokenhub.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** A server over the same database, in process. */
async function withServer<T>(work: (app: App) => Promise<T>): Promise<T> {
  const config = loadConfig(env);
  const db = openDatabase(config.database);
  const app = await buildApp({ config, db, logger: pino({ level: 'silent' }) });
  try {
    return await work(app);
  } finally {
    await app.close();
    await db.destroy();
  }
}

const login = (app: App, password: string) =>
  app.inject({ method: 'POST', url: '/v2/auth/token', payload: { identifier: 'alice', secret: password } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-recovery-'));
  env = {
    TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`,
    TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
    TOKENHUB_PUBLIC_URL: 'https://hub.example',
  };
  const created = await tokenhub(
    ['admin', 'create-user', 'alice', '--email', 'alice@example.com', '--password-stdin'],
    'a long password',
  );
  expect(created.code).toBe(0);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('tokenhub admin reset-password', () => {
  it('prints a one-time link that sets a new password once', async () => {
    const res = await tokenhub(['admin', 'reset-password', 'Alice']);
    expect(res.code).toBe(0);
    const link = /https:\/\/hub\.example\/mail\/reset-password\?code=([A-Za-z0-9_-]{43})/.exec(res.stdout);
    expect(link, res.stdout).not.toBeNull();
    const code = link?.[1] ?? '';
    await withServer(async (app) => {
      const confirm = () =>
        app.inject({
          method: 'POST',
          url: '/v2/users/password-reset/confirm',
          payload: { code, new_password: 'the operator gave me this' },
        });
      expect((await confirm()).statusCode).toBe(204);
      expect((await confirm()).statusCode).toBe(400);
      expect((await login(app, 'a long password')).statusCode).toBe(401);
      expect((await login(app, 'the operator gave me this')).statusCode).toBe(200);
    });
    expect(
      query("select action, actor_name from audit_events where action like 'account.password.%'"),
    ).toEqual([{ action: 'account.password.reset', actor_name: 'alice' }]);
  });

  it('sets a password from stdin, audited as the operator', async () => {
    const res = await tokenhub(
      ['admin', 'reset-password', 'alice', '--password-stdin'],
      'set by the operator\n',
    );
    expect(res).toMatchObject({
      code: 0,
      stdout: 'password of alice set; every session of the account was ended\n',
    });
    await withServer(async (app) => expect((await login(app, 'set by the operator')).statusCode).toBe(200));
    expect(
      query("select actor_name from audit_events where action = 'account.password.admin_reset'"),
    ).toEqual([{ actor_name: 'operator' }]);
    const short = await tokenhub(['admin', 'reset-password', 'alice', '--password-stdin'], 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 8/);
    const unknown = await tokenhub(['admin', 'reset-password', 'nobody99']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'tokenhub: no user named nobody99\n' });
  });
});

describe('tokenhub admin disable-2fa', () => {
  it('turns two-factor sign-in off, audited; says so when it was off', async () => {
    const db = new Database(join(dir, 'tokenhub.db'));
    const [user] = db.prepare("select id from users where username = 'alice'").all() as { id: string }[];
    db.prepare(
      "insert into user_totp (user_id, secret_sealed, enabled_at, last_used_step) values (?, 'x', '2026-01-01T00:00:00.000Z', 0)",
    ).run(user?.id);
    db.close();
    expect(await tokenhub(['admin', 'disable-2fa', 'alice'])).toMatchObject({
      code: 0,
      stdout: 'two-factor sign-in of alice is now off\n',
    });
    expect(query('select * from user_totp')).toEqual([]);
    expect(query("select actor_name from audit_events where action = 'account.2fa.admin_disable'")).toEqual([
      { actor_name: 'operator' },
    ]);
    expect((await tokenhub(['admin', 'disable-2fa', 'alice'])).stdout).toBe(
      'two-factor sign-in of alice was not on\n',
    );
  });
});

describe('tokenhub admin mail ls', () => {
  it('lists the queue by state', async () => {
    const empty = await tokenhub(['admin', 'mail', 'ls']);
    expect(empty).toMatchObject({ code: 0, stdout: 'pending 0, sent 0, given_up 0\n' });
    const db = new Database(join(dir, 'tokenhub.db'));
    db.prepare(
      "insert into mail_outbox (id, kind, recipient, subject, text_body, html_body, state, attempts, next_attempt_at, last_error, created_at) values ('m1', 'password-reset', 'a@example.com', 's', 't', 'h', 'pending', 2, '2026-03-01T12:05:00.000Z', 'connect ECONNREFUSED 127.0.0.1:25', '2026-03-01T12:00:00.000Z')",
    ).run();
    db.close();
    const listed = await tokenhub(['admin', 'mail', 'ls', '--state', 'pending']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('pending 1, sent 0, given_up 0');
    expect(listed.stdout).toMatch(
      /pending\s+2\s+2026-03-01T12:05:00\.000Z\s+password-reset\s+a@example\.com\s+connect ECONNREFUSED/,
    );
    expect((await tokenhub(['admin', 'mail', 'ls', '--state', 'lost'])).code).toBe(2);
  });
});

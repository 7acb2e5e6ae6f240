/**
 * `tokenhub admin set-admin` as an operator runs it: a child process on a temp SQLite database;
 * the flag in the database, the audit event, idempotence, and the errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tokenhub-set-admin-'));
  env = { TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'tokenhub.db')}`, TOKENHUB_LOG_LEVEL: 'info' };
  const created = await tokenhub(
    ['admin', 'create-user', 'alice', '--email', 'alice@example.com', '--password-stdin'],
    'a long password',
  );
  expect(created.code).toBe(0);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('tokenhub admin set-admin', () => {
  it('grants and revokes the right, once each, with an audit event per change', async () => {
    expect(await tokenhub(['admin', 'set-admin', 'Alice'])).toEqual({
      code: 0,
      stdout: 'alice is now an instance administrator\n',
      stderr: '',
    });
    expect(query('select is_admin from users')).toEqual([{ is_admin: 1 }]);
    expect((await tokenhub(['admin', 'set-admin', 'alice'])).stdout).toBe(
      'alice already is an instance administrator\n',
    );
    expect((await tokenhub(['admin', 'set-admin', 'alice', '--revoke'])).stdout).toBe(
      'alice is no longer an instance administrator\n',
    );
    expect(query('select is_admin from users')).toEqual([{ is_admin: 0 }]);
    expect(
      query(
        "select actor_name, data from audit_events where action = 'account.admin.change' order by created_at",
      ),
    ).toEqual([
      { actor_name: 'operator', data: '{"is_admin":true}' },
      { actor_name: 'operator', data: '{"is_admin":false}' },
    ]);
  });

  it('an unknown user exits 1; a missing argument exits 2', async () => {
    expect(await tokenhub(['admin', 'set-admin', 'nobody99'])).toMatchObject({
      code: 1,
      stderr: 'tokenhub: no user named nobody99\n',
    });
    expect((await tokenhub(['admin', 'set-admin'])).code).toBe(2);
  });
});

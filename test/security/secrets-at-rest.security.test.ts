/**
 * Secrets at rest (docs/security.md): the SQLite data directory is created 0700 and the database,
 * WAL and SHM files kept 0600 (narrowed at start, with a log line); the registry signing private
 * key and the Hub session secret are stored sealed with the instance secret key, so a copy of the
 * database alone forges nothing; plaintext rows of an older install are sealed at start and keep
 * working. Both databases where a database is involved.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { createTestApp, defaultPassword } from '../support/app-harness.ts';
import { testDialects } from '../support/databases.ts';

const dir = mkdtempSync(join(tmpdir(), 'tokenhub-modes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('SQLite files', () => {
  it('7: a new data directory is 0700 and the database, WAL and SHM files 0600', async () => {
    const umask = process.umask(0o022);
    const path = join(dir, 'fresh', 'data', 'tokenhub.db');
    try {
      const db = openDatabase({ dialect: 'sqlite', path });
      await db.schema.createTable('probe').addColumn('id', 'integer').execute();
      expect(mode(join(dir, 'fresh', 'data'))).toBe(0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file), file).toBe(0o600);
      await db.destroy();
    } finally {
      process.umask(umask);
    }
  });

  it('7: an existing database readable by others is narrowed at start, with a log line', async () => {
    const path = join(dir, 'old.db');
    const first = openDatabase({ dialect: 'sqlite', path });
    await first.destroy();
    chmodSync(path, 0o644);
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const db = openDatabase({ dialect: 'sqlite', path }, { log });
    expect(mode(path)).toBe(0o600);
    expect(lines.join('')).toContain('mode is narrowed to owner-only');
    await db.destroy();
  });
});

describe.each(testDialects('security: sealed server keys'))('server keys on %s', (dialect) => {
  it('7: the signing key and the session secret are sealed; a copy of the database alone opens neither', async () => {
    const t = await createTestApp({ dialect });
    try {
      const rows = await t.database.db.selectFrom('server_keys').select(['purpose', 'private_key']).execute();
      expect(rows.map((row) => row.purpose).sort()).toEqual(['hub-session', 'registry-signing']);
      for (const row of rows) {
        expect(row.private_key.startsWith('v1.')).toBe(true);
        expect(row.private_key).not.toContain('PRIVATE KEY');
      }
    } finally {
      await t.close();
    }
  });

  it('7: plaintext keys of an older install are sealed at start, and sessions and signing keep working', async () => {
    const secretKey = randomBytes(32).toString('base64');
    const first = await createTestApp({ dialect, env: { TOKENHUB_SECRET_KEY: secretKey } });
    await first.signUp('alice');
    // As an install from before sealing stored them: the material in plaintext.
    const { openServerKey } = await import('../../src/services/shared/server-keys.ts');
    const key = Buffer.from(secretKey, 'base64');
    const rows = await first.database.db.selectFrom('server_keys').selectAll().execute();
    for (const row of rows) {
      const opened = openServerKey(key, {
        id: row.id,
        purpose: row.purpose as 'hub-session',
        state: 'active',
        privateKey: row.private_key,
        certificate: null,
        keyId: null,
        createdAt: row.created_at,
        activatedAt: null,
        retiredAt: null,
      });
      await first.database.db
        .updateTable('server_keys')
        .set({ private_key: opened.privateKey })
        .where('id', '=', row.id)
        .execute();
    }
    const session = await first.login('alice', defaultPassword);
    await first.app.close();
    const { buildApp } = await import('../../src/api/app.ts');
    const logLines: string[] = [];
    const again = await buildApp({
      config: first.config,
      db: first.database.db,
      clock: first.clock,
      logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
    });
    try {
      expect(logLines.join('')).toContain('server keys sealed at rest');
      const sealed = await first.database.db.selectFrom('server_keys').select('private_key').execute();
      expect(sealed.every((row) => row.private_key.startsWith('v1.'))).toBe(true);
      const me = await again.inject({
        method: 'GET',
        url: '/v2/users/me',
        headers: { authorization: `Bearer ${session}` },
      });
      expect(me.statusCode).toBe(200);
      const token = await again.inject({ method: 'GET', url: '/token?service=tokenhub-registry' });
      expect(token.statusCode).toBe(200);
    } finally {
      await again.close();
      await first.database.close();
    }
  });
});

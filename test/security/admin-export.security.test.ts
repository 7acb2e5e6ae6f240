/**
 * `tokenhub admin export --output` writes private data (docs/security.md): a new file with mode
 * 0600, never over an existing file without `--force`, never through a symbolic link planted at the
 * path, and never widening an existing file's mode.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePrivateFile } from '../../src/cli/admin/private-file.ts';
import { runCommand } from '../support/clients.ts';

const dir = mkdtempSync(join(tmpdir(), 'tokenhub-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('admin export --output', () => {
  it('12: creates the file 0600, whatever the umask', () => {
    const file = join(dir, 'new.json');
    const umask = process.umask(0);
    try {
      writePrivateFile(file, '{}', { force: false });
    } finally {
      process.umask(umask);
    }
    expect(mode(file)).toBe(0o600);
  });

  it('12: refuses an existing file without --force, and keeps its mode narrow with it', () => {
    const file = join(dir, 'existing.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    expect(() => writePrivateFile(file, 'new', { force: false })).toThrow(/exists: pass --force/);
    expect(readFileSync(file, 'utf8')).toBe('old');
    writePrivateFile(file, 'new', { force: true });
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(mode(file)).toBe(0o600);
    chmodSync(file, 0o400 | 0o200);
    chmodSync(file, 0o200);
    writePrivateFile(file, 'newer', { force: true });
    expect(mode(file)).toBe(0o200);
  });

  it('12: never follows a symbolic link, with or without --force', () => {
    const target = join(dir, 'victim.txt');
    writeFileSync(target, 'precious');
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    expect(() => writePrivateFile(link, 'x', { force: false })).toThrow();
    expect(() => writePrivateFile(link, 'x', { force: true })).toThrow(/symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it('12: the command refuses to overwrite and says so', async () => {
    const file = join(dir, 'cli.json');
    writeFileSync(file, 'keep');
    const bin = new URL('../../bin/tokenhub.js', import.meta.url).pathname;
    const result = await runCommand(process.execPath, [bin, 'admin', 'export', '--output', file], {
      env: {
        TOKENHUB_DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
        TOKENHUB_SECRET_KEY: randomBytes(32).toString('base64'),
      },
      timeoutMs: 30_000,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/exists: pass --force/);
    expect(readFileSync(file, 'utf8')).toBe('keep');
  });
});

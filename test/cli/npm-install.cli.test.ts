/**
 * `npm install` from a fresh clone, as a newcomer runs it: it leaves the committed lock file as it
 * is and prints no engine warnings on the system's older Node (Debian's 20), which the README says
 * may start the commands (they relaunch on Node 24). Resolved from the lock file alone (`--offline`,
 * `--package-lock-only`): no network, no packages written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOlderNode, olderNode } from './cli-harness.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const files = ['package.json', 'package-lock.json', '.npmrc'];
// The system's npm on the system's Node (PATH puts /usr/bin first for its `env node`): the install
// a newcomer does first.
const npm = '/usr/bin/npm';
const systemNpm = existsSync(npm) && isOlderNode(olderNode);
if (!systemNpm) console.warn('SKIPPED: no npm on an older system Node; the fresh-install check did not run');

/**
 * The environment without the `npm_config_*` settings an npm that runs this suite passes down
 * (`npm test` exports the project's .npmrc that way), so only the copied .npmrc counts.
 */
function newcomerEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_config_')),
  );
  return { ...env, PATH: `/usr/bin:${process.env.PATH ?? ''}` };
}

describe.runIf(systemNpm)('npm install on the system Node', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tokenhub-npm-'));
    for (const file of files) await copyFile(join(repoRoot, file), join(dir, file));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('keeps package-lock.json byte for byte and warns about no engine', async () => {
    const run = spawnSync(
      npm,
      ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--offline'],
      { cwd: dir, encoding: 'utf8', env: newcomerEnv() },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/EBADENGINE|Unsupported engine/);
    expect(await readFile(join(dir, 'package-lock.json'), 'utf8')).toBe(
      await readFile(join(repoRoot, 'package-lock.json'), 'utf8'),
    );
  });
});

/**
 * The executables on an older Node (Debian's is 20): they find a Node that strips types, as
 * scripts/node.sh does (a newer one on PATH or in ~/.cache/node24), or say what to install. Runs
 * with `/usr/bin/node` when it is older than 22.12; on a machine without an older Node it says so.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bin, helperBin, isOlderNode, olderNode } from './cli-harness.ts';

const version = (node: string) =>
  spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
const hasOlderNode = isOlderNode(olderNode);
if (!hasOlderNode)
  console.warn(`SKIPPED: no Node older than 22.12 at ${olderNode}; the older-Node tests did not run`);

const run = (args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
  spawnSync(olderNode, args, {
    encoding: 'utf8',
    env: options.env ?? process.env,
    input: options.input ?? '',
  });

describe.runIf(hasOlderNode)(
  `the executables on Node ${hasOlderNode ? version(olderNode) : '(none)'}`,
  () => {
    it('tokenhub runs: --version and --help exit 0', () => {
      const printed = run([bin, '--version']);
      expect(printed.status).toBe(0);
      expect(printed.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      const help = run([bin, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Usage: tokenhub');
    });

    it('docker-credential-tokenhub answers the credential-helper protocol', () => {
      const listed = run([helperBin, 'list'], { env: { ...process.env, XDG_CONFIG_HOME: '/nonexistent' } });
      expect(listed.status).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual({});
    });

    it('without a way to a newer Node, says in one sentence what to install', () => {
      const stranded = run([bin, '--help'], { env: { PATH: '/nonexistent', HOME: '/nonexistent' } });
      expect(stranded.status).toBe(1);
      expect(stranded.stderr.trim()).toMatch(
        /^tokenhub needs Node\.js 22\.12 or later .*install it from https:\/\/nodejs\.org/,
      );
      expect(stranded.stderr.trim().split('\n')).toHaveLength(1);
    });
  },
);

describe('the executables on this Node', () => {
  it(`tokenhub --version prints the package version (Node ${process.versions.node})`, () => {
    const printed = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(printed.status).toBe(0);
    expect(printed.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

// How the tokenhub executables find a Node.js that runs TypeScript. Plain JavaScript on purpose:
// it must run on any Node, including Debian's Node 20, to say what is wrong or to find a newer one.
//   - Node >= 22.18 or 23.6 strips types by default: the entry runs in this process;
//   - Node 22.6 to 22.17: the entry re-runs itself with --experimental-strip-types;
//   - older: the entry re-runs through scripts/node.sh, which uses a Node >= 22.12 on PATH or in
//     ~/.cache/node24, or installs node@24 there from the npm registry once (as `npm start` does);
//   - no shell, or that fails too: one sentence that says what to install, and exit 1.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const nodeScript = fileURLToPath(new URL('../scripts/node.sh', import.meta.url));
const needed =
  'tokenhub needs Node.js 22.12 or later (Node 24 LTS recommended): install it from https://nodejs.org or your package manager, then run the command again';

/** True when this Node runs `.ts` files itself. */
export const runsTypeScript = Boolean(process.features.typescript);

/** Re-runs the current command (`process.argv`) under a Node that strips types; never returns. */
export function relaunch() {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const stripsWithFlag = major > 22 || (major === 22 && minor >= 6);
  const args = process.argv.slice(1);
  const result = stripsWithFlag
    ? spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', ...args], {
        stdio: 'inherit',
      })
    : spawnSync('sh', [nodeScript, ...args], { stdio: 'inherit' });
  if (result.error || result.status === 127) {
    process.stderr.write(`${needed} (this is Node ${process.versions.node}).\n`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}

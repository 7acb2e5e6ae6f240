#!/usr/bin/env node
// The tokenhub command. The sources are TypeScript run by Node's own type stripping (Node >= 22.18
// or 23.6 strips types by default); on an older Node 22 this re-runs itself with the flag.
import { spawnSync } from 'node:child_process';

if (process.features.typescript) {
  await import('../src/cli/main.ts');
} else {
  const result = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', ...process.argv.slice(1)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(result.status ?? 1);
}

#!/usr/bin/env node
// docker-credential-tokenhub: docker's credential-helper protocol for tokens stored by
// `tokenhub login` (src/cli/docker-credential-helper.ts). Type stripping as in bin/tokenhub.js.
import { spawnSync } from 'node:child_process';

if (process.features.typescript) {
  const { main } = await import('../src/cli/user/docker-credential-helper.ts');
  await main(process.argv.slice(2));
} else {
  const result = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}

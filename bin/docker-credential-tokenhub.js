#!/usr/bin/env node
// docker-credential-tokenhub: docker's credential-helper protocol for tokens stored by
// `tokenhub login` (src/cli/user/docker-credential-helper.ts). The Node is found as for bin/tokenhub.js.
import { relaunch, runsTypeScript } from './runtime.js';

if (runsTypeScript) {
  const { main } = await import('../src/cli/user/docker-credential-helper.ts');
  await main(process.argv.slice(2));
} else {
  relaunch();
}

#!/usr/bin/env node
// The tokenhub command: src/cli/main.ts, run by Node's type stripping (bin/runtime.js finds a Node
// that can, when this one cannot).
import { relaunch, runsTypeScript } from './runtime.js';

if (runsTypeScript) await import('../src/cli/main.ts');
else relaunch();

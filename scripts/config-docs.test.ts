import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { replaceConfigTable } from './config-docs.ts';

it('the README configuration table is generated from src/config.ts (run npm run docs:config)', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(replaceConfigTable(readme)).toBe(readme);
});

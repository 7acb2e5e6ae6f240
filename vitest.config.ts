import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // test/web/*.test.tsx: the console's component tests (checked by src/web/tsconfig.json).
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'test/web/**/*.test.tsx', 'scripts/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Suites share one PostgreSQL server and, for the end-to-end suite, real registry processes;
    // files run in parallel workers but each file isolates its own schema, ports and temp dirs.
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});

/**
 * Before/after: the same scenario against two checkouts of tokenhub, one process each, taking turns
 * (A B A B …) so that drift on a shared machine hits both alike. The other checkout needs its own
 * `node_modules` (a symlink to this one's will do).
 *
 *   git archive HEAD | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/
 *   node bench/compare.ts --before /tmp/before [--scenario token-pat] [--database sqlite]
 *     [--rounds 3] [--duration 5]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createDataset, type Dialect } from './datasets.ts';
import { measure } from './measure.ts';
import { type ScenarioId, tokenhubRequests } from './scenarios.ts';
import { startTokenhub } from './servers.ts';

const { values: args } = parseArgs({
  options: {
    before: { type: 'string' },
    scenario: { type: 'string', default: 'token-pat' },
    database: { type: 'string', default: 'sqlite' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
if (!args.before) throw new Error('usage: node bench/compare.ts --before <checkout>');

const dataset = await createDataset(
  args.database as Dialect,
  { users: 100, tokensPerUser: 10, sampleSize: 1000, tokenPrefix: 'thub_' },
  args['pg-url'],
);
const builds = { before: args.before, after: undefined };
try {
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const [name, root] of Object.entries(builds)) {
      const server = await startTokenhub(
        {
          TOKENHUB_DATABASE_URL: dataset.databaseUrl,
          TOKENHUB_PORT: '0',
          TOKENHUB_SECRET_KEY: randomBytes(32).toString('base64'),
        },
        { workers: 1, ...(root ? { root } : {}) },
      );
      const result = await measure(
        server,
        tokenhubRequests(args.scenario as ScenarioId, dataset.seeded, []),
        { connections: 50, durationSeconds: Number(args.duration), warmupSeconds: 2, repeats: 1 },
      );
      await server.stop();
      const m = result.median;
      const line = `${m.requestsPerSecond} req/s, ${m.serverCpuMicrosPerRequest} µs CPU/req, p99 ${m.latencyP99Ms} ms, errors ${result.errors}, peak RSS ${result.peakRssMiB} MiB`;
      process.stdout.write(`round ${round + 1} ${name.padEnd(6)} ${line}\n`);
    }
  }
} finally {
  await dataset.drop();
}

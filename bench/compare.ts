/**
 * Before/after: the same scenario against two checkouts of tokenhub, one process each, taking turns
 * (A B A B …) so that drift on a shared machine hits both alike, on each database asked for, with
 * the Fastify hello-world baseline measured in the same run. Writes a results file (JSON) with
 * every run, the medians, the after/before ratio and each build's share of the baseline, and prints
 * a summary. The other checkout needs its own `node_modules` (a symlink to this one's will do).
 *
 *   git archive <before> | tar -x -C /tmp/before && ln -s "$PWD/node_modules" /tmp/before/
 *   node bench/compare.ts --before /tmp/before --label architecture [--scenario token-pat]
 *     [--databases sqlite,postgres] [--rounds 3] [--duration 5] [--out bench/results/x.json]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createDataset, type Dialect, postgresReachable } from './datasets.ts';
import { type LoadSettings, type MeasuredRun, measure, type ScenarioResult, summarize } from './measure.ts';
import { helloWorldRequests, type ScenarioId, tokenhubRequests } from './scenarios.ts';
import { startScript, startTokenhub } from './servers.ts';

const { values: args } = parseArgs({
  options: {
    before: { type: 'string' },
    label: { type: 'string', default: 'compare' },
    scenario: { type: 'string', default: 'token-pat' },
    databases: { type: 'string', default: 'sqlite' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    out: { type: 'string' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
if (!args.before) throw new Error('usage: node bench/compare.ts --before <checkout> [--label name]');

const settings: LoadSettings = {
  connections: 50,
  durationSeconds: Number(args.duration),
  warmupSeconds: 2,
  repeats: 1,
};
const builds = { before: args.before, after: undefined } as const;
type BuildName = keyof typeof builds;
const say = (line: string) => process.stdout.write(`${line}\n`);
const describe = (r: ScenarioResult) =>
  `${r.median.requestsPerSecond} req/s, ${r.median.serverCpuMicrosPerRequest} µs CPU/req, p99 ${r.median.latencyP99Ms} ms, errors ${r.errors}`;

async function baseline(): Promise<ScenarioResult> {
  const server = await startScript('bench/hello-world.ts');
  try {
    return await measure(server, helloWorldRequests, { ...settings, repeats: Number(args.rounds) });
  } finally {
    await server.stop();
  }
}

async function compareOn(dialect: Dialect): Promise<Record<BuildName, ScenarioResult>> {
  const dataset = await createDataset(
    dialect,
    { users: 100, tokensPerUser: 10, sampleSize: 1000, tokenPrefix: 'thub_' },
    args['pg-url'],
  );
  const runs: Record<BuildName, MeasuredRun[]> = { before: [], after: [] };
  const pids: Record<BuildName, number> = { before: 0, after: 0 };
  // One instance secret key per dataset: the server keys in it are sealed with it.
  const secretKey = randomBytes(32).toString('base64');
  try {
    for (let round = 0; round < Number(args.rounds); round++) {
      for (const [name, root] of Object.entries(builds) as Array<[BuildName, string | undefined]>) {
        const server = await startTokenhub(
          {
            TOKENHUB_DATABASE_URL: dataset.databaseUrl,
            TOKENHUB_PORT: '0',
            TOKENHUB_SECRET_KEY: secretKey,
          },
          { workers: 1, ...(root ? { root } : {}) },
        );
        const result = await measure(
          server,
          tokenhubRequests(args.scenario as ScenarioId, dataset.seeded, []),
          settings,
        );
        runs[name].push(...result.runs);
        pids[name] = server.pid;
        say(`${dialect} round ${round + 1} ${name.padEnd(6)} ${describe(result)}`);
        await server.stop();
      }
    }
  } finally {
    await dataset.drop();
  }
  return { before: summarize(runs.before, pids.before), after: summarize(runs.after, pids.after) };
}

const started = new Date();
const dialects = args.databases.split(',') as Dialect[];
const notes: string[] = [];
if (dialects.includes('postgres') && !(await postgresReachable(args['pg-url']))) {
  notes.push(`PostgreSQL was not reachable at ${args['pg-url']}: skipped`);
  dialects.splice(dialects.indexOf('postgres'), 1);
}
const hello = await baseline();
say(`hello-world ${describe(hello)}`);
const results: Record<string, Record<BuildName, ScenarioResult>> = {};
for (const dialect of dialects) results[dialect] = await compareOn(dialect);

const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
const summary = Object.fromEntries(
  Object.entries(results).map(([dialect, { before, after }]) => [
    dialect,
    {
      afterOverBefore: ratio(after.median.requestsPerSecond, before.median.requestsPerSecond),
      beforeOverHelloWorld: ratio(before.median.requestsPerSecond, hello.median.requestsPerSecond),
      afterOverHelloWorld: ratio(after.median.requestsPerSecond, hello.median.requestsPerSecond),
      cpuMicrosPerRequest: {
        before: before.median.serverCpuMicrosPerRequest,
        after: after.median.serverCpuMicrosPerRequest,
      },
    },
  ]),
);
for (const [dialect, s] of Object.entries(summary)) {
  say(
    `${dialect}: after/before ${s.afterOverBefore}; of hello-world: before ${s.beforeOverHelloWorld}, after ${s.afterOverHelloWorld}`,
  );
}
const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const out = args.out ?? `${dir}${started.toISOString().slice(0, 10)}-compare-${args.label}.json`;
writeFileSync(
  out,
  `${JSON.stringify(
    {
      startedAt: started.toISOString(),
      label: args.label,
      before: args.before,
      scenario: args.scenario,
      machine: { cores: availableParallelism(), cpuModel: cpus()[0]?.model.trim(), node: process.version },
      settings: { ...settings, rounds: Number(args.rounds) },
      notes,
      baseline: hello,
      results,
      summary,
    },
    null,
    2,
  )}\n`,
);
say(`results: ${out}`);

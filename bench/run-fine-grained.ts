/**
 * `npm run bench:fine-grained`: only the `/token` comparison of fine-grained and plain PATs
 * (bench/fine-grained.ts), on each database at each size, one tokenhub process (last-used
 * tracking on, the default). Writes bench/results/<date>-fine-grained-<machine>.json and prints
 * the Markdown table of bench/README.md's "Fine-grained PATs" section.
 *
 *   node bench/run-fine-grained.ts [--sizes 1000] [--databases sqlite,postgres] [--duration 10]
 *     [--warmup 3] [--repeats 3] [--connections 50] [--pg-url postgres://…] [--machine name] [--out file]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createDataset, type Dialect, postgresReachable } from './datasets.ts';
import {
  type FineGrainedTurns,
  fineGrainedRows,
  fineGrainedVerdict,
  measureFineGrainedTurns,
} from './fine-grained.ts';
import type { LoadSettings } from './measure.ts';
import { startTokenhub } from './servers.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    machine: { type: 'string' },
    out: { type: 'string' },
  },
});

const settings: LoadSettings = {
  connections: Number(args.connections),
  durationSeconds: Number(args.duration),
  warmupSeconds: Number(args.warmup),
  repeats: Number(args.repeats),
};
const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
const machine =
  args.machine ??
  `${availableParallelism()}cpu-${cpuModel
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, '')
    .trim()
    .replace(/[^a-z0-9]+/g, '-')}`;
const started = new Date();
const log = (message: string) => process.stdout.write(`${message}\n`);

const results: Array<{ dialect: Dialect; tokens: number; turns: FineGrainedTurns }> = [];
const loadAverageAtStart = loadavg().map((l) => Number(l.toFixed(2)));
for (const dialect of args.databases.split(',') as Dialect[]) {
  if (dialect === 'postgres' && !(await postgresReachable(args['pg-url']))) {
    log('PostgreSQL is not reachable: skipped');
    continue;
  }
  for (const tokens of args.sizes.split(',').map(Number)) {
    const users = Math.max(1, Math.round(tokens / 10));
    const dataset = await createDataset(
      dialect,
      { users, tokensPerUser: 10, sampleSize: 1000, tokenPrefix: 'thub_' },
      args['pg-url'],
    );
    const server = await startTokenhub(
      {
        TOKENHUB_DATABASE_URL: dataset.databaseUrl,
        TOKENHUB_HOST: '127.0.0.1',
        TOKENHUB_PORT: '0',
        TOKENHUB_LOG_LEVEL: 'info',
        TOKENHUB_SECRET_KEY: randomBytes(32).toString('base64'),
      },
      { workers: 1 },
    );
    try {
      const turns = await measureFineGrainedTurns(server, dataset, settings);
      results.push({ dialect, tokens, turns });
      log(`${dialect}, ${tokens} tokens: fine-grained / plain = ${turns.ratio}`);
    } finally {
      await server.stop();
      await dataset.drop();
    }
  }
}

const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
const out = args.out ?? `${dir}${started.toISOString().slice(0, 10)}-fine-grained-${machine}.json`;
writeFileSync(
  out,
  `${JSON.stringify(
    {
      startedAt: started.toISOString(),
      machine: { name: machine, cores: availableParallelism(), cpuModel, node: process.version },
      loadAverageAtStart,
      loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
      settings,
      results,
    },
    null,
    2,
  )}\n`,
);
const label = (dialect: Dialect, tokens: number) =>
  `${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${tokens >= 1000 ? `${tokens / 1000} k` : tokens} tokens, 1 process`;
log(`\nresults: ${out}\n`);
log('| Configuration | Token | req/s | p50 ms | p99 ms | errors | server CPU µs/req |');
log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) for (const line of fineGrainedRows(label(r.dialect, r.tokens), r.turns)) log(line);
log('\n| Target | Measured (fine-grained / plain req/s) |');
log('| --- | --- |');
for (const r of results)
  log(
    `| fine-grained \`/token\` within 5 % of plain (${label(r.dialect, r.tokens)}) | ${fineGrainedVerdict(r.turns)} |`,
  );

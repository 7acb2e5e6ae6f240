/**
 * `npm run bench`: the whole suite, end to end (bench/README.md). In one run it measures
 *   - the Fastify hello-world baseline and the oidc-provider peer,
 *   - tokenhub on each database (SQLite, PostgreSQL) × dataset size (1 k, 1 M tokens):
 *     one process with last-used tracking on (the default), the same with it off, and 2 workers;
 * with the same load settings for all, then writes bench/results/<date>-<machine>.json and the
 * table in bench/README.md. The three variants of a dataset take turns on the `/token` PAT
 * scenario; on the default variant of every dataset, plain and fine-grained PATs then take turns
 * (bench/fine-grained.ts); the full scenario list runs on the first configuration (SQLite, the
 * smallest dataset) only, to stay within 15 minutes.
 *
 *   node bench/run.ts [--quick] [--sizes 1000,1000000] [--databases sqlite,postgres]
 *     [--duration 10] [--warmup 3] [--repeats 3] [--connections 50] [--pg-url postgres://…]
 *     [--machine name] [--out file.json]
 *
 * `--quick` is a smoke test (1 s runs, one repeat, 1 k and 10 k tokens) that writes under
 * bench/tmp/ and leaves the README alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { createDataset, type Dataset, type Dialect, postgresReachable } from './datasets.ts';
import { type FineGrainedTurns, measureFineGrainedTurns } from './fine-grained.ts';
import { type LoadSettings, type MeasuredRun, measure, type ScenarioResult, summarize } from './measure.ts';
import { renderReport, updateReadme } from './report.ts';
import {
  helloWorldRequests,
  loginSessions,
  oidcPeerRequests,
  type ScenarioId,
  scenarioIds,
  spreadScenarios,
  tokenhubRequests,
} from './scenarios.ts';
import { benchUsername } from './seed.ts';
import { type RunningServer, startScript, startTokenhub } from './servers.ts';

export interface VariantResult {
  workers: number;
  lastUsedTracking: boolean;
  /** The server exited 0 on SIGTERM (workers flushed their last-used buffers). */
  cleanShutdown: boolean;
  scenarios: Partial<Record<ScenarioId, ScenarioResult>>;
  /** Plain and fine-grained PATs taking turns on this server (the default variant only). */
  fineGrainedTurns?: FineGrainedTurns;
}

export interface ConfigurationResult {
  dialect: Dialect;
  tokens: number;
  users: number;
  seedSeconds: number;
  variants: VariantResult[];
}

export interface BenchResults {
  startedAt: string;
  elapsedSeconds: number;
  machine: {
    name: string;
    cores: number;
    cpuModel: string;
    node: string;
    kernel: string;
    memoryGiB: number;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  settings: LoadSettings & { quick: boolean; sampleCredentials: number; tokensPerUser: number };
  notes: string[];
  baselines: { 'hello-world': ScenarioResult; 'oidc-provider': ScenarioResult };
  configurations: ConfigurationResult[];
}

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    repeats: { type: 'string' },
    connections: { type: 'string', default: '50' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    machine: { type: 'string' },
    out: { type: 'string' },
  },
});

const quick = args.quick;
const settings: LoadSettings = {
  connections: Number(args.connections),
  durationSeconds: Number(args.duration ?? (quick ? 1 : 10)),
  warmupSeconds: Number(args.warmup ?? (quick ? 1 : 3)),
  repeats: Number(args.repeats ?? (quick ? 1 : 3)),
};
const sizes = (args.sizes ?? (quick ? '1000,10000' : '1000,1000000')).split(',').map(Number);
const tokensPerUser = 10;
const sampleCredentials = 1000;
const variants = [
  { workers: 1, lastUsedTracking: true },
  { workers: 1, lastUsedTracking: false },
  { workers: 2, lastUsedTracking: true },
];

const cpuModel = cpus()[0]?.model.trim() ?? 'unknown CPU';
const machineName =
  args.machine ??
  `${availableParallelism()}cpu-${cpuModel
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, '')
    .trim()
    .replace(/[^a-z0-9]+/g, '-')}`;
const started = new Date();
const log = (message: string) =>
  process.stdout.write(
    `[${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(4)} s] ${message}\n`,
  );
const notes: string[] = [];

async function measureScript(script: string, requests: typeof helloWorldRequests): Promise<ScenarioResult> {
  const server = await startScript(script);
  try {
    return await measure(server, requests, settings);
  } finally {
    await server.stop();
  }
}

function describe(result: ScenarioResult): string {
  const m = result.median;
  return `${m.requestsPerSecond} req/s, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms, errors ${result.errors}, cpu ${m.serverCpuCores} (${m.serverCpuMicrosPerRequest} µs/req), rss ${result.peakRssMiB} MiB`;
}

const variantName = (v: (typeof variants)[number]) =>
  `workers ${v.workers}, last-used ${v.lastUsedTracking ? 'on' : 'off'}`;

/**
 * One dataset: the three variants run side by side (an idle server costs nothing) and take turns
 * on `token-pat`, run by run, so drift on the machine hits each alike and their ratios hold. The
 * rest of the scenario list (first configuration only) then runs on the default variant.
 */
async function runConfiguration(dataset: Dataset, full: boolean): Promise<VariantResult[]> {
  const servers: RunningServer[] = [];
  const results: VariantResult[] = variants.map((v) => ({ ...v, cleanShutdown: false, scenarios: {} }));
  try {
    for (const variant of variants) {
      servers.push(
        await startTokenhub(
          {
            TOKENHUB_DATABASE_URL: dataset.databaseUrl,
            TOKENHUB_HOST: '127.0.0.1',
            TOKENHUB_PORT: '0',
            TOKENHUB_LOG_LEVEL: 'info',
            TOKENHUB_SECRET_KEY: randomBytes(32).toString('base64'),
            TOKENHUB_HUB_JWT_TTL_SECONDS: '7200',
            TOKENHUB_LAST_USED_TRACKING: String(variant.lastUsedTracking),
          },
          { workers: variant.workers },
        ),
      );
    }
    const patRequests = tokenhubRequests('token-pat', dataset.seeded, []);
    const runs: MeasuredRun[][] = variants.map(() => []);
    for (let repeat = 0; repeat < settings.repeats; repeat++) {
      for (const [i, server] of servers.entries()) {
        // The full warm-up before a server's first run; a short one after its idle turns.
        const warmupSeconds = repeat === 0 ? settings.warmupSeconds : Math.min(1, settings.warmupSeconds);
        const one = await measure(server, patRequests, { ...settings, warmupSeconds, repeats: 1 });
        runs[i]?.push(...one.runs);
      }
    }
    for (const [i, server] of servers.entries()) {
      const variant = variants[i];
      const result = results[i];
      if (!variant || !result) continue;
      result.scenarios['token-pat'] = summarize(runs[i] ?? [], server.pid);
      log(`  token-pat (${variantName(variant)}): ${describe(result.scenarios['token-pat'])}`);
    }
    const main = servers[0];
    const mainResult = results[0];
    if (main && mainResult) {
      const turns = await measureFineGrainedTurns(main, dataset, settings);
      mainResult.fineGrainedTurns = turns;
      mainResult.scenarios['token-fine-grained'] = turns.fineGrained;
      log(
        `  token-fine-grained (${variantName(mainResult)}): ${describe(turns.fineGrained)}; ${turns.ratio}× plain`,
      );
    }
    if (full && main && mainResult) {
      const sessions = await loginSessions(main.url, dataset.seeded, 20);
      for (const scenario of scenarioIds.filter((id) => id !== 'token-pat' && id !== 'token-fine-grained')) {
        const requests = tokenhubRequests(scenario, dataset.seeded, sessions);
        const measured = await measure(main, requests, settings, { spread: spreadScenarios.has(scenario) });
        mainResult.scenarios[scenario] = measured;
        log(`  ${scenario} (${variantName(mainResult)}): ${describe(measured)}`);
      }
    }
  } finally {
    for (const [i, server] of servers.entries()) {
      const result = results[i];
      if (!result) continue;
      result.cleanShutdown = (await server.stop()) === 0;
      if (!result.cleanShutdown) {
        notes.push(`tokenhub did not exit 0 on SIGTERM (${dataset.dialect}, ${variantName(result)})`);
      }
    }
  }
  return results;
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadavg().map((l) => Number(l.toFixed(2)));
  log(
    `machine ${machineName}: ${availableParallelism()} cores, ${cpuModel}, Node ${process.version}, load ${loadAverageAtStart.join(' ')}`,
  );
  const dialects = args.databases.split(',') as Dialect[];
  if (dialects.includes('postgres') && !(await postgresReachable(args['pg-url']))) {
    notes.push(`PostgreSQL was not reachable at ${args['pg-url']}: its configurations were skipped`);
    dialects.splice(dialects.indexOf('postgres'), 1);
  }

  log('baseline: Fastify hello-world');
  const hello = await measureScript('bench/hello-world.ts', helloWorldRequests);
  log(`  ${describe(hello)}`);
  log('peer: oidc-provider client_credentials, ES256 JWT');
  const peer = await measureScript('bench/oidc-peer.ts', oidcPeerRequests);
  log(`  ${describe(peer)}`);

  const configurations: ConfigurationResult[] = [];
  let first = true;
  for (const dialect of dialects) {
    for (const tokens of sizes) {
      const users = Math.max(1, Math.round(tokens / tokensPerUser));
      log(`${dialect}, ${tokens} tokens: seeding ${users} users × ${tokensPerUser} tokens`);
      const dataset = await createDataset(
        dialect,
        { users, tokensPerUser, sampleSize: sampleCredentials, tokenPrefix: 'thub_' },
        args['pg-url'],
      );
      log(
        `  seeded in ${dataset.seeded.seconds.toFixed(1)} s (${benchUsername(0)} … ${benchUsername(users - 1)})`,
      );
      const configuration: ConfigurationResult = {
        dialect,
        tokens,
        users,
        seedSeconds: Number(dataset.seeded.seconds.toFixed(1)),
        variants: [],
      };
      try {
        configuration.variants.push(...(await runConfiguration(dataset, first)));
      } finally {
        await dataset.drop();
      }
      configurations.push(configuration);
      first = false;
    }
  }

  const results: BenchResults = {
    startedAt: started.toISOString(),
    elapsedSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    machine: {
      name: machineName,
      cores: availableParallelism(),
      cpuModel,
      node: process.version,
      kernel: release(),
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadAverageAtStart,
      loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
    },
    settings: { ...settings, quick, sampleCredentials, tokensPerUser },
    notes,
    baselines: { 'hello-world': hello, 'oidc-provider': peer },
    configurations,
  };
  const dir = new URL(quick ? './tmp/' : './results/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const out = args.out ?? `${dir}${started.toISOString().slice(0, 10)}-${machineName}.json`;
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${out}`);
  if (quick) process.stdout.write(`${renderReport(results, out)}\n`);
  else updateReadme(results, out);
  log(`done in ${results.elapsedSeconds} s`);
}

await main();

/**
 * `npm run soak`: the default deployment (`tokenhub serve --workers 2` on SQLite, started as
 * `npm start` starts it) under mixed load for a long time (bench/soak-load.ts), to show that it
 * stays healthy: no 5xx, no request without an answer, and memory that does not grow.
 *
 *   node bench/soak.ts [--minutes 10] [--warmup 60] [--clients 25] [--workers 2]
 *     [--database sqlite|postgres] [--pg-url postgres://…] [--out file.json] [--no-readme]
 *
 * After a warm-up (not measured), it runs `--minutes` of load and samples every process's
 * resident memory (`VmRSS`: the primary and each worker) every 10 s. It reports errors by status,
 * p50 and p99, and each process's RSS at the start (after the warm-up), the middle and the end, to
 * bench/results/soak-<date>-<machine>.json and the section between the soak markers of
 * bench/README.md. Exits 1 when a request got a 5xx or no answer, or a process grew by 10 % or
 * more. Settings: the defaults, except PAT creation and device sign-ins per address, which are
 * unlimited (the closed loop creates far more than a person would; limits have their own tests),
 * and client addresses taken from X-Forwarded-For (one per virtual client, as behind a proxy).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDataset, type Dialect } from './datasets.ts';
import { processTree } from './proc-stats.ts';
import { benchUsername } from './seed.ts';
import { startTokenhub } from './servers.ts';
import { mix, runLoad, Tally } from './soak-load.ts';
import { renderSoak, type SoakResults } from './soak-report.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '60' },
    clients: { type: 'string', default: '25' },
    workers: { type: 'string', default: '2' },
    database: { type: 'string', default: 'sqlite' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    out: { type: 'string' },
    'no-readme': { type: 'boolean', default: false },
  },
});

const minutes = Number(args.minutes);
const warmupSeconds = Number(args.warmup);
const clients = Number(args.clients);
const workers = Number(args.workers);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMiB(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const dialect = args.database as Dialect;
  console.log(`soak: seeding a ${dialect} dataset (1000 accounts, 10 PATs each)`);
  const dataset = await createDataset(
    dialect,
    { users: 1000, tokensPerUser: 10, sampleSize: 1000, tokenPrefix: 'thub_' },
    args['pg-url'],
  );
  const dir = mkdtempSync(join(tmpdir(), 'tokenhub-soak-'));
  const server = await startTokenhub(
    {
      TOKENHUB_DATABASE_URL: dataset.databaseUrl,
      TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
      TOKENHUB_PORT: '0',
      TOKENHUB_LOG_LEVEL: 'info',
      TOKENHUB_TRUST_PROXY: 'true',
      TOKENHUB_RATE_LIMIT_PAT_CREATE: '0',
      TOKENHUB_RATE_LIMIT_DEVICE_CODES_PER_IP: '0',
    },
    { workers },
  );
  const url = await listeningUrl(server.url, server.pid);
  const accounts = Array.from({ length: 50 }, (_, i) => benchUsername(i));
  const orgs = await createTeamOrgs(
    url,
    accounts[0] ?? '',
    dataset.seeded.password,
    dataset.databaseUrl,
    dir,
  );

  let tally = new Tally();
  const load = runLoad({
    url,
    clients,
    credentials: dataset.seeded.sample,
    accounts,
    password: dataset.seeded.password,
    orgs,
    tally: () => tally,
  });
  console.log(`soak: ${warmupSeconds} s of warm-up, then ${minutes} min at ${clients} connections`);
  await sleep(warmupSeconds * 1000);
  const warmup = tally;
  tally = new Tally();
  const measuredFrom = Date.now();
  const samples: SoakResults['rssSamples'] = [];
  const sample = () => {
    const pids = processTree(server.pid);
    samples.push({
      seconds: Math.round((Date.now() - measuredFrom) / 1000),
      processes: pids.map((pid) => ({
        pid,
        role: pid === server.pid ? 'primary' : 'worker',
        rssMiB: rssMiB(pid),
      })),
    });
  };
  sample();
  const endAt = measuredFrom + minutes * 60_000;
  while (Date.now() < endAt) {
    await sleep(Math.min(10_000, endAt - Date.now()));
    sample();
    const elapsed = (Date.now() - measuredFrom) / 1000;
    console.log(
      `soak: ${elapsed.toFixed(0)} s, ${tally.count} requests, p99 ${tally.percentile(99).toFixed(1)} ms, RSS ${samples
        .at(-1)
        ?.processes.map((p) => p.rssMiB.toFixed(0))
        .join('/')} MiB`,
    );
  }
  const seconds = (Date.now() - measuredFrom) / 1000;
  await load.stop();
  const exitCode = await server.stop();
  await dataset.drop();
  rmSync(dir, { recursive: true, force: true });

  const results: SoakResults = {
    startedAt: started.toISOString(),
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? '',
      node: process.version,
      loadavg: loadavg(),
    },
    settings: { dialect, workers, clients, minutes, warmupSeconds, mix },
    warmupRequests: warmup.count,
    requests: tally.count,
    seconds,
    requestsPerSecond: tally.count / seconds,
    p50Ms: tally.percentile(50),
    p99Ms: tally.percentile(99),
    byKindAndStatus: Object.fromEntries([...tally.statuses].sort()),
    errors: Object.fromEntries(tally.errors),
    rssSamples: samples,
    shutdownExitCode: exitCode,
  };
  const machine = `${cpus().length}cpu`;
  const file = args.out ?? `bench/results/soak-${started.toISOString().slice(0, 10)}-${machine}.json`;
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const report = renderSoak(results, file);
  console.log(report.text);
  if (!args['no-readme']) report.updateReadme();
  process.exit(report.passed ? 0 : 1);
}

/** The server's address once it serves (`startTokenhub` resolves at the first `listening` line). */
async function listeningUrl(url: string, _pid: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return url;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`tokenhub at ${url} never became ready`);
}

/** Five organizations on the Team tier (10 OATs each), owned by `owner`. */
async function createTeamOrgs(
  url: string,
  owner: string,
  password: string,
  databaseUrl: string,
  dir: string,
): Promise<string[]> {
  const login = await fetch(`${url}/v2/users/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: owner, password }),
  });
  const { token } = (await login.json()) as { token: string };
  const orgs = Array.from({ length: 5 }, (_, i) => `soakorg${i}${randomBytes(2).toString('hex')}`);
  const { spawnSync } = await import('node:child_process');
  for (const org of orgs) {
    await fetch(`${url}/v2/orgs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: org }),
    });
    const tier = spawnSync(process.execPath, ['bin/tokenhub.js', 'admin', 'set-tier', org, 'team'], {
      env: {
        ...process.env,
        TOKENHUB_DATABASE_URL: databaseUrl,
        TOKENHUB_SECRET_KEY_FILE: join(dir, 'secret.key'),
      },
      encoding: 'utf8',
    });
    if (tier.status !== 0) throw new Error(`set-tier ${org}: ${tier.stderr}`);
  }
  return orgs;
}

await main();

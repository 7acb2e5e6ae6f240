/**
 * CPU profile of one scenario: seeds a 1 k-token SQLite database (or PostgreSQL), starts tokenhub
 * in one process under `node --cpu-prof`, drives the scenario for `--seconds`, stops it (the
 * profile is written at exit) and prints a summary: self time by package or source area, and the
 * top functions by self and by inclusive time. The raw profile stays in bench/tmp/profiles/ (open
 * it in Chrome DevTools); `--save <name>` writes the summary to bench/profiles/<name>.txt.
 *
 *   node bench/profile.ts [--scenario token-pat] [--seconds 10] [--database sqlite] [--save name]
 *     [--root <another checkout, e.g. the last commit, to profile it instead>]
 *   node bench/profile.ts --summarize <file.cpuprofile>
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createDataset, type Dialect } from './datasets.ts';
import { measure } from './measure.ts';
import { loginSessions, type ScenarioId, spreadScenarios, tokenhubRequests } from './scenarios.ts';
import { startTokenhub } from './servers.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const root = new URL('..', import.meta.url).pathname;

/** Where a frame's code lives: a package, a tokenhub source folder, Node's internals, or native. */
function areaOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0] ?? url;
  const local = url.replace(/^file:\/\//, '').replace(root, '');
  return local.split('/').slice(0, 2).join('/');
}

/** @param skipSeconds samples before this much time after the start (start-up, warm-up) are left out. */
export function summarize(profile: CpuProfile, top = 30, skipSeconds = 0): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let at = profile.startTime;
  const from = profile.startTime + skipSeconds * 1e6;
  const samples = profile.samples.filter((_, i) => {
    at += profile.timeDeltas[i] ?? 0;
    return at >= from;
  });
  const totalSamples = samples.length;
  const profiledSeconds = (profile.endTime - Math.max(from, profile.startTime)) / 1e6;
  const ms = (profiledSeconds * 1000) / Math.max(1, totalSamples);
  const label = (n: ProfileNode) => {
    const file = n.callFrame.url.replace(/^file:\/\//, '').replace(root, '');
    return `${n.callFrame.functionName || '(anonymous)'} ${file ? `${file.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map<string, number>();
  const area = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map<number, number>();
  for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + count);
    const a = areaOf(node.callFrame.url, node.callFrame.functionName);
    area.set(a, (area.get(a) ?? 0) + count);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + count);
    }
  }
  const pct = (count: number) => `${((100 * count) / totalSamples).toFixed(1).padStart(5)} %`;
  const list = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, count]) => `  ${pct(count)}  ${key}`);
  return [
    `samples: ${totalSamples} (${ms.toFixed(3)} ms each), ${profiledSeconds.toFixed(1)} s profiled (the first ${skipSeconds.toFixed(1)} s, start-up and warm-up, left out)`,
    '',
    'self time by area:',
    ...list(area, 25),
    '',
    'top functions by self time:',
    ...list(self, top),
    '',
    'top functions by inclusive time:',
    ...list(inclusive, top + 20),
  ].join('\n');
}

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'token-pat' },
    seconds: { type: 'string', default: '10' },
    database: { type: 'string', default: 'sqlite' },
    tokens: { type: 'string', default: '1000' },
    save: { type: 'string' },
    root: { type: 'string' },
    summarize: { type: 'string' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});

if (args.summarize) {
  process.stdout.write(`${summarize(JSON.parse(readFileSync(args.summarize, 'utf8')) as CpuProfile)}\n`);
} else {
  const dir = new URL('./tmp/profiles/', import.meta.url).pathname;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tokens = Number(args.tokens);
  const dataset = await createDataset(
    args.database as Dialect,
    { users: tokens / 10, tokensPerUser: 10, sampleSize: 1000, tokenPrefix: 'thub_' },
    args['pg-url'],
  );
  try {
    const spawnedAt = performance.now();
    let measuredFrom = 0;
    const server = await startTokenhub(
      {
        TOKENHUB_DATABASE_URL: dataset.databaseUrl,
        TOKENHUB_PORT: '0',
        TOKENHUB_SECRET_KEY: randomBytes(32).toString('base64'),
        TOKENHUB_HUB_JWT_TTL_SECONDS: '7200',
      },
      {
        workers: 1,
        nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
        ...(args.root ? { root: args.root } : {}),
      },
    );
    const scenario = args.scenario as ScenarioId;
    const sessions = scenario === 'token-list' ? await loginSessions(server.url, dataset.seeded, 20) : [];
    const result = await measure(
      server,
      tokenhubRequests(scenario, dataset.seeded, sessions),
      { connections: 50, durationSeconds: Number(args.seconds), warmupSeconds: 2, repeats: 1 },
      {
        spread: spreadScenarios.has(scenario),
        onRunStart: () => {
          measuredFrom = (performance.now() - spawnedAt) / 1000;
        },
      },
    );
    await server.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no profile written:\n${server.output()}`);
    const m = result.median;
    const build = args.root ? ` (checkout ${args.root})` : '';
    const header = `${scenario} on ${args.database}, ${tokens} tokens${build}, one process under --cpu-prof: ${m.requestsPerSecond} req/s, p99 ${m.latencyP99Ms} ms, server CPU ${m.serverCpuCores} cores, ${m.serverCpuMicrosPerRequest} µs per request (profiling slows it down)`;
    const profile = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as CpuProfile;
    const text = `${header}\n\n${summarize(profile, 30, measuredFrom)}\n`;
    process.stdout.write(text);
    if (args.save) {
      mkdirSync(new URL('./profiles/', import.meta.url), { recursive: true });
      writeFileSync(new URL(`./profiles/${args.save}.txt`, import.meta.url), text);
    }
  } finally {
    await dataset.drop();
  }
}

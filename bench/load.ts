/**
 * The load generator, run as its own process (`node bench/load.ts <LoadJob JSON file>`) so it never
 * shares an event loop with a server: autocannon's API, one warm-up, then `repeats` measured runs
 * with identical settings. It talks to its parent on stdout, one JSON object a line:
 *   {"event":"start","run":0}  just before a measured run (the parent samples the server's CPU)
 *   {"event":"result","run":0,"summary":{…}}  right after it
 *
 * `requests` are cycled through in order by every connection; each is built once by autocannon
 * (no per-request setup function), so many distinct credentials cost the generator nothing extra.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadJob {
  url: string;
  /**
   * Hand the requests out from one counter shared by all connections instead of letting each
   * connection cycle from the first: concurrent requests then name different accounts (the
   * password login, whose failure limit counts attempts in flight per account). Costs the
   * generator a request build per request.
   */
  spread?: boolean;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  repeats: number;
  requests: LoadRequest[];
}

export interface RunSummary {
  requestsPerSecond: number;
  requestsTotal: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  /** Connection errors + timeouts + non-2xx answers. */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
}

type AutocannonResult = {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
  duration: number;
};

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

let next = 0;

async function run(job: LoadJob, durationSeconds: number): Promise<RunSummary> {
  const result = await (autocannon as unknown as Autocannon)({
    url: job.url,
    connections: job.connections,
    duration: durationSeconds,
    requests: job.spread
      ? [{ setupRequest: () => job.requests[next++ % job.requests.length] }]
      : job.requests,
  });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
  );
  return {
    requestsPerSecond: result.requests.average,
    requestsTotal: result.requests.total,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMeanMs: result.latency.average,
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
    statusCodes,
    durationSeconds: result.duration,
  };
}

const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

/**
 * Pause between runs: autocannon abandons the requests in flight when a run ends, and a server
 * still answering them while the next run's connections arrive would see twice the concurrency
 * (which, for sign-ins, the per-address limit refuses; see bench/README.md).
 */
const settleMs = 1000;
const settle = () => new Promise((resolve) => setTimeout(resolve, settleMs));

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const job = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as LoadJob;
  if (job.warmupSeconds > 0) {
    const warm = await run(job, job.warmupSeconds);
    say({ event: 'warmup', summary: warm });
  }
  for (let i = 0; i < job.repeats; i++) {
    await settle();
    say({ event: 'start', run: i });
    say({ event: 'result', run: i, summary: await run(job, job.durationSeconds) });
  }
}

/**
 * One measured scenario: the load generator runs in its own process (bench/load.ts) against a
 * running server, while this process samples the server's CPU time around each measured run and
 * its peak RSS afterwards (bench/proc-stats.ts). Also records what the generator itself used,
 * since on a small machine it shares the cores with the server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadJob, LoadRequest, RunSummary } from './load.ts';
import {
  cpuSeconds,
  cpuSecondsByPid,
  cpuSecondsSince,
  machineBusySeconds,
  peakRssMiB,
  postgresPids,
  processTree,
} from './proc-stats.ts';
import type { RunningServer } from './servers.ts';

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  repeats: number;
}

export interface MeasuredRun extends RunSummary {
  /** Server CPU over the run, in cores (1.0 = one core busy), all of its processes together. */
  serverCpuCores: number;
  /** The load generator's CPU over the run, in cores. */
  generatorCpuCores: number;
  /** Server CPU time per answered request, µs: what a request costs, whatever the generator did. */
  serverCpuMicrosPerRequest: number;
  /** PostgreSQL's processes over the run, in cores (0 when it is idle, as on SQLite). */
  postgresCpuCores: number;
  /**
   * Everything else on the machine over the run, in cores: the machine's busy time less the
   * server, the generator and PostgreSQL. Other jobs on a shared machine show up here.
   */
  otherCpuCores: number;
}

export interface ScenarioResult {
  runs: MeasuredRun[];
  median: {
    requestsPerSecond: number;
    latencyP50Ms: number;
    latencyP99Ms: number;
    serverCpuCores: number;
    generatorCpuCores: number;
    serverCpuMicrosPerRequest: number;
    postgresCpuCores: number;
    otherCpuCores: number;
  };
  /** Errors over all runs (connection errors, timeouts, non-2xx). */
  errors: number;
  /** Largest `VmHWM` of one server process (a worker, when there are several), MiB. */
  peakRssMiB: number;
  /** Sum of `VmHWM` over the server's processes (primary and workers), MiB. */
  peakRssTotalMiB: number;
  processes: number;
}

const loadScript = new URL('./load.ts', import.meta.url).pathname;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export async function measure(
  server: RunningServer,
  requests: LoadRequest[],
  settings: LoadSettings,
  options: { spread?: boolean; onRunStart?: () => void } = {},
): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenhub-load-'));
  const jobFile = join(dir, 'job.json');
  const job: LoadJob = { url: server.url, requests, spread: options.spread ?? false, ...settings };
  writeFileSync(jobFile, JSON.stringify(job));
  const generator = spawn(process.execPath, [loadScript, jobFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const generatorPid = generator.pid ?? 0;
  const runs: MeasuredRun[] = [];
  let pids = processTree(server.pid);
  let startedAt = { server: 0, generator: 0, postgres: new Map<number, number>(), machine: 0, wall: 0 };
  let buffered = '';
  const done = new Promise<void>((resolve, reject) => {
    generator.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk;
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as {
          event: string;
          summary?: RunSummary;
        };
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
        if (line.event === 'start') {
          options.onRunStart?.();
          pids = processTree(server.pid);
          startedAt = {
            server: cpuSeconds(pids),
            generator: cpuSeconds([generatorPid]),
            postgres: cpuSecondsByPid(postgresPids()),
            machine: machineBusySeconds(),
            wall: performance.now(),
          };
        } else if (line.event === 'result' && line.summary) {
          const wall = (performance.now() - startedAt.wall) / 1000;
          const serverSeconds = cpuSeconds(pids) - startedAt.server;
          const generatorSeconds = cpuSeconds([generatorPid]) - startedAt.generator;
          const postgresSeconds = cpuSecondsSince(startedAt.postgres, cpuSecondsByPid(postgresPids()));
          const machineSeconds = machineBusySeconds() - startedAt.machine;
          runs.push({
            ...line.summary,
            serverCpuCores: round(serverSeconds / wall),
            serverCpuMicrosPerRequest: round(
              (serverSeconds * 1e6) / Math.max(1, line.summary.requestsTotal),
              0,
            ),
            generatorCpuCores: round(generatorSeconds / wall),
            postgresCpuCores: round(postgresSeconds / wall),
            otherCpuCores: round(
              Math.max(0, machineSeconds - serverSeconds - generatorSeconds - postgresSeconds) / wall,
            ),
          });
        }
      }
    });
    generator.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`load generator exited with ${code}`)),
    );
  });
  await done;
  rmSync(dir, { recursive: true, force: true });

  return summarize(runs, server.pid);
}

/**
 * The figures of a scenario from its runs (possibly gathered by several `measure` calls, as when
 * variants take turns), with the server's peak RSS read now.
 */
export function summarize(runs: MeasuredRun[], serverPid: number): ScenarioResult {
  const pids = processTree(serverPid);
  const workers = pids.length > 1 ? pids.slice(1) : pids;
  return {
    runs,
    median: {
      requestsPerSecond: round(median(runs.map((r) => r.requestsPerSecond)), 0),
      latencyP50Ms: median(runs.map((r) => r.latencyP50Ms)),
      latencyP99Ms: median(runs.map((r) => r.latencyP99Ms)),
      serverCpuCores: round(median(runs.map((r) => r.serverCpuCores))),
      generatorCpuCores: round(median(runs.map((r) => r.generatorCpuCores))),
      serverCpuMicrosPerRequest: median(runs.map((r) => r.serverCpuMicrosPerRequest)),
      postgresCpuCores: round(median(runs.map((r) => r.postgresCpuCores ?? 0))),
      otherCpuCores: round(median(runs.map((r) => r.otherCpuCores ?? 0))),
    },
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    peakRssMiB: round(Math.max(...workers.map(peakRssMiB)), 1),
    peakRssTotalMiB: round(
      pids.map(peakRssMiB).reduce((a, b) => a + b, 0),
      1,
    ),
    processes: pids.length,
  };
}

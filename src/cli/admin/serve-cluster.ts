/**
 * `tokenhub serve --workers N` (N > 1): a node:cluster primary that forks N workers sharing one
 * listening port (ARCHITECTURE.md, "Scale-out": processes are stateless over the store). The
 * primary accepts connections and hands them to the workers round-robin (node:cluster's default
 * on Linux), so the connections of one client machine are spread evenly.
 *
 * The primary migrates the store once before forking, so workers never race on migrations. It
 * serves nothing itself. Lifecycle:
 * - SIGTERM/SIGINT: forwarded to every worker; each stops accepting, flushes its buffered
 *   last-used times and closes the store; the primary exits 0 once all did (1 if one failed).
 * - a worker that dies before it listened fails the whole start (exit 1): the same fault would
 *   kill every replacement. One that dies later is logged and replaced.
 *
 * Workers run with V8's heap sized for a service whose live heap is small (`workerHeapFlags`),
 * each flag unless the operator set it (command line or NODE_OPTIONS); `npm start` passes the same
 * flags to node, for the primary and for one process (`--workers 1`). Both were measured under
 * `/token` (bench/README.md) and change no throughput:
 * - `--max-semi-space-size=16` (MiB): left alone, Node 24 lets the young generation grow far
 *   larger, and the process's memory with it;
 * - `--max-old-space-size=512` (MiB): V8 sizes its first old-generation limits from the maximum
 *   heap, which on a machine with much memory is some GiB, so a process held many times its live
 *   heap in old-generation pages. A live heap past 512 MiB would stop the process with "heap out
 *   of memory"; tokenhub pages every list, so its live heap stays far below.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

export interface ClusterOptions {
  workers: number;
  logger: Logger;
  /** The environment's NODE_OPTIONS, which workers inherit (a semi-space flag there is kept). */
  nodeOptions: string | undefined;
}

/** V8 heap flags for workers and `npm start` (see above). */
export const workerHeapFlags: readonly string[] = ['--max-semi-space-size=16', '--max-old-space-size=512'];

/** `--max-old-space-size` and `--max_old_space_size` are the same flag to V8. */
const flagName = (flag: string) => flag.split('=')[0]?.replaceAll('_', '-') ?? '';

/** The V8 flags workers start with: the primary's, plus each of `workerHeapFlags` not set already. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const set = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
  return [...execArgv, ...workerHeapFlags.filter((flag) => !set.has(flagName(flag)))];
}

/** Runs the primary until every worker has stopped; resolves with the process exit code. */
export function runClusterPrimary({ workers, logger, nodeOptions }: ClusterOptions): Promise<number> {
  const listening = new Set<number>();
  let stopping = false;
  let failed = false;

  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, nodeOptions) });
  return new Promise((resolve) => {
    const fork = () => cluster.fork();
    const stopAll = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping workers');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    };
    process.on('SIGTERM', () => stopAll('SIGTERM'));
    process.on('SIGINT', () => stopAll('SIGINT'));

    cluster.on('listening', (worker: Worker) => {
      listening.add(worker.id);
      if (listening.size === workers) logger.info({ workers }, 'tokenhub workers started');
    });
    cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
      const facts = { pid: worker.process.pid, code, signal };
      if (stopping) {
        if (code !== 0) failed = true;
      } else if (listening.has(worker.id)) {
        logger.error(facts, 'worker exited; starting a replacement');
        fork();
      } else {
        logger.error(facts, 'worker exited before it listened; stopping');
        failed = true;
        stopAll('SIGTERM');
      }
      if (stopping && Object.keys(cluster.workers ?? {}).length === 0) resolve(failed ? 1 : 0);
    });
    for (let i = 0; i < workers; i++) fork();
  });
}

/**
 * `tokenhub serve --workers N` (N > 1): a node:cluster primary that supervises N workers
 * (serve-process.ts) and serves nothing itself. It holds what the workers of one node share with
 * no extra server: the rate-limit counters (unless Redis is configured; rate-limiter.cluster.ts)
 * and the node's `/metrics` (cluster-metrics.ts). It loads neither the application nor a store
 * driver, so it stays small.
 *
 * Start: the schema is migrated once, by `tokenhub admin migrate` run as a child process, so
 * workers never race on migrations; then the workers are forked. A child that cannot reach the
 * database exits with `storeUnavailableExitCode` and is started again after a growing delay
 * (restart-policy.ts): the node comes up when the database does. A worker that exits before it
 * listened with another code during the first start stops the node (exit 1): that fault would
 * repeat. One that does not listen within `workerStartTimeoutMs` is killed and started again.
 *
 * Running: a worker that exits is replaced at once in its slot, or after a growing delay when it
 * keeps dying young. With TOKENHUB_PORT=0 the first worker picks the port and the others get it.
 *
 * Stop (SIGTERM, SIGINT): the signal is passed to every worker; each stops accepting, finishes its
 * requests, writes its buffered last-used times and exits 0. The primary exits 0 when all did, 1
 * when one failed or had to be killed (SIGKILL) after `TOKENHUB_SHUTDOWN_GRACE_SECONDS`. The
 * primary counts its workers itself, so the exit code never depends on the order of node:cluster's
 * `exit` and `disconnect` events.
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
import { spawn } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { ClusterMetrics } from '../../api/cluster-metrics.ts';
import type { Config } from '../../config.ts';
import { systemClock } from '../../core/clock.ts';
import { serveRateLimits } from '../../services/rate-limit/rate-limiter.cluster.ts';
import { MemoryRateLimiter } from '../../services/rate-limit/rate-limiter.memory.ts';
import { retryDelayMs, storeUnavailableExitCode } from './restart-policy.ts';
import type { ListeningMessage } from './serve-process.ts';

export interface ClusterOptions {
  config: Readonly<Config>;
  workers: number;
  logger: Logger;
}

/** V8 heap flags for workers and `npm start` (see above). */
export const workerHeapFlags: readonly string[] = ['--max-semi-space-size=16', '--max-old-space-size=512'];

/** How long a worker may take to listen before it is killed and started again. */
export const workerStartTimeoutMs = 60_000;
/** A worker that served this long before it died is replaced at once; sooner, after a delay. */
const healthyLifetimeMs = 60_000;
/** How long after the grace period the primary waits before it kills a worker that did not stop. */
const killMarginMs = 2000;

/** `--max-old-space-size` and `--max_old_space_size` are the same flag to V8. */
const flagName = (flag: string) => flag.split('=')[0]?.replaceAll('_', '-') ?? '';

/** The V8 flags workers start with: the primary's, plus each of `workerHeapFlags` not set already. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const set = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
  return [...execArgv, ...workerHeapFlags.filter((flag) => !set.has(flagName(flag)))];
}

interface Slot {
  number: number;
  worker: Worker | undefined;
  listeningSince: number | undefined;
  /** Failed starts and early deaths in a row: the restart delay grows with them. */
  failures: number;
  /** The worker was killed for not listening within `workerStartTimeoutMs`. */
  startTimedOut: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** Runs the primary until every worker has stopped, then exits the process. */
export function runClusterPrimary({ config, workers, logger }: ClusterOptions): void {
  const slots: Slot[] = Array.from({ length: workers }, (_, i) => ({
    number: i + 1,
    worker: undefined,
    listeningSince: undefined,
    failures: 0,
    startTimedOut: false,
    timer: undefined,
  }));
  const slotOf = new Map<number, Slot>();
  let port = config.port;
  let started = false;
  let stopping: NodeJS.Signals | undefined;
  let exitCode = 0;
  let migration: ReturnType<typeof spawn> | undefined;
  let migrationRetry: NodeJS.Timeout | undefined;

  const own = new Registry();
  collectDefaultMetrics({ register: own, prefix: 'tokenhub_' });
  const replaced = new Counter({
    name: 'tokenhub_worker_restarts_total',
    help: 'Workers started again after they exited or could not start.',
    registers: [own],
  });
  const metrics = new ClusterMetrics(cluster, own, (worker) => {
    const slot = slotOf.get(worker.id);
    return slot && String(slot.number);
  });
  if (config.redisUrl === undefined)
    serveRateLimits(new MemoryRateLimiter({ clock: systemClock, log: logger }), cluster);
  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, config.nodeOptions) });

  const live = () => slots.filter((slot) => slot.worker !== undefined);
  const finishIfDone = () => {
    if (!stopping || live().length > 0 || migration) return;
    logger.info({ exitCode }, 'tokenhub stopped');
    process.exit(exitCode);
  };

  const fork = (slot: Slot) => {
    slot.timer = undefined;
    if (stopping) return;
    const worker = cluster.fork(port === 0 ? {} : { TOKENHUB_PORT: String(port) });
    worker.on('error', (error) => logger.debug({ err: error, slot: slot.number }, 'worker channel error'));
    slot.worker = worker;
    slot.listeningSince = undefined;
    slot.startTimedOut = false;
    slotOf.set(worker.id, slot);
    slot.timer = setTimeout(() => {
      slot.startTimedOut = true;
      logger.error(
        { slot: slot.number, workerPid: worker.process.pid },
        'worker did not listen in time; killing it',
      );
      worker.process.kill('SIGKILL');
    }, workerStartTimeoutMs);
  };

  const restartLater = (slot: Slot, why: string, facts: object) => {
    const delay = slot.failures === 0 ? 0 : retryDelayMs(slot.failures - 1);
    logger.error({ ...facts, slot: slot.number, retryInSeconds: delay / 1000 }, why);
    replaced.inc();
    slot.timer = setTimeout(() => fork(slot), delay);
  };

  cluster.on('message', (worker: Worker, message: unknown) => {
    const slot = slotOf.get(worker.id);
    if (!slot || (message as ListeningMessage | undefined)?.tokenhub !== 'listening') return;
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.listeningSince = Date.now();
    if (port === 0) {
      port = (message as ListeningMessage).port;
      for (const other of slots) if (other !== slot && !other.worker && !other.timer) fork(other);
    }
    if (!started && slots.every((each) => each.listeningSince !== undefined)) {
      started = true;
      logger.info({ workers, port }, 'tokenhub workers started');
    }
  });

  cluster.on('exit', (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => {
    const slot = slotOf.get(worker.id);
    slotOf.delete(worker.id);
    metrics.retire(worker);
    if (!slot || slot.worker !== worker) return;
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.worker = undefined;
    const facts = { workerPid: worker.process.pid, code, signal };
    if (stopping) {
      if (code !== 0 && signal !== stopping) exitCode = 1;
      finishIfDone();
      return;
    }
    const listenedFor = slot.listeningSince === undefined ? undefined : Date.now() - slot.listeningSince;
    if (listenedFor !== undefined && listenedFor >= healthyLifetimeMs) slot.failures = 0;
    else slot.failures += 1;
    if (listenedFor !== undefined) {
      restartLater(slot, 'worker exited; starting a replacement', facts);
    } else if (code === storeUnavailableExitCode) {
      restartLater(slot, 'worker could not reach the database; starting it again', facts);
    } else if (slot.startTimedOut) {
      restartLater(slot, 'worker did not listen in time; starting it again', facts);
    } else if (!started) {
      logger.error(facts, 'worker exited before it listened; stopping');
      exitCode = 1;
      stop('SIGTERM');
    } else {
      restartLater(slot, 'worker exited before it listened; starting it again', facts);
    }
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = signal;
    for (const slot of slots) clearTimeout(slot.timer);
    clearTimeout(migrationRetry);
    migration?.kill(signal);
    logger.info({ signal, workers: live().length }, 'stopping workers');
    for (const slot of live()) slot.worker?.process.kill(signal);
    const graceMs = config.shutdownGraceSeconds * 1000;
    setTimeout(() => {
      for (const slot of live()) {
        logger.error(
          { slot: slot.number, workerPid: slot.worker?.process.pid },
          'worker did not stop in time; killing it',
        );
        exitCode = 1;
        slot.worker?.process.kill('SIGKILL');
      }
    }, graceMs + killMarginMs).unref();
    finishIfDone();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  const migrate = (attempt: number) => {
    // The operator command, in a process of its own: the primary never loads a store driver.
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', 'admin', 'migrate'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    migration = child;
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-2000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => {
      migration = undefined;
      const said = output.trim().split('\n').pop() ?? '';
      if (stopping) return finishIfDone();
      if (code === 0) {
        logger.info({ migrate: said }, 'database schema up to date');
        const first = port === 0 ? slots.slice(0, 1) : slots;
        for (const slot of first) fork(slot);
      } else if (code === storeUnavailableExitCode) {
        const delay = retryDelayMs(attempt);
        logger.error(
          { retryInSeconds: delay / 1000, migrate: said },
          `cannot start: ${said.replace(/^tokenhub: /, '')}`,
        );
        migrationRetry = setTimeout(() => migrate(attempt + 1), delay);
      } else {
        logger.error({ code, signal, migrate: said }, 'migrating the database failed; stopping');
        exitCode = 1;
        stop('SIGTERM');
      }
    });
  };
  migrate(0);
}

/**
 * Counters shared by every worker of one node with no extra server: the cluster primary holds them
 * (a `MemoryRateLimiter`) and workers ask it over node:cluster's IPC channel, so `--workers N`
 * changes no limit. Several nodes share counters through Redis instead (rate-limiter.redis.ts).
 *
 * A hit is one message to the primary and one answer (tens of microseconds on an idle primary,
 * which serves nothing else). It fails open like Redis does (fail-open.ts): an answer later than
 * `timeoutMs`, or a primary that is gone, lets the request through, counted and logged once.
 * Windows come from the primary's clock, the same machine's as the workers'.
 */
import type { Cluster, Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { RateRule } from '../../config.ts';
import type { Clock } from '../../core/clock.ts';
import { FailOpenGuard } from './fail-open.ts';
import { uncountedResult } from './rate-limit-window.ts';
import type { MemoryRateLimiter } from './rate-limiter.memory.ts';
import type { RateLimiter, RateLimitResult } from './rate-limiter.ts';

/** The messages, marked so that other traffic on the channel is left alone. */
type HitRequest = {
  tokenhub: 'rate-limit';
  id: number;
  op: 'hit';
  bucket: string;
  key: string;
  rule: RateRule;
};
type UndoRequest = {
  tokenhub: 'rate-limit';
  op: 'undo';
  bucket: string;
  key: string;
  rule: RateRule;
  window: number;
};
type HitAnswer = { tokenhub: 'rate-limit'; id: number; result: RateLimitResult };

/** The worker's end of the IPC channel (`process` in a cluster worker). */
export interface WorkerChannel {
  send(message: HitRequest | UndoRequest, callback: (error: Error | null) => void): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

function isMessage(message: unknown): message is { tokenhub: string } {
  return typeof message === 'object' && message !== null && 'tokenhub' in message;
}

export class ClusterRateLimiter implements RateLimiter {
  readonly backend = 'cluster';
  readonly guard: FailOpenGuard;
  readonly #channel: WorkerChannel;
  readonly #clock: Clock;
  readonly #pending = new Map<number, (result: RateLimitResult) => void>();
  #nextId = 0;

  constructor(options: { channel: WorkerChannel; clock: Clock; log: Logger | undefined; timeoutMs: number }) {
    this.#channel = options.channel;
    this.#clock = options.clock;
    this.guard = new FailOpenGuard({
      store: 'the cluster primary',
      timeoutMs: options.timeoutMs,
      log: options.log,
    });
    options.channel.on('message', (message) => {
      if (!isMessage(message) || message.tokenhub !== 'rate-limit') return;
      const answer = message as HitAnswer;
      this.#pending.get(answer.id)?.(answer.result);
      this.#pending.delete(answer.id);
    });
  }

  get failOpenTotal(): number {
    return this.guard.failOpenTotal;
  }

  async hit(bucket: string, key: string, rule: RateRule): Promise<RateLimitResult> {
    const id = this.#nextId++;
    try {
      return await this.guard.run(
        () => this.#ask(id, { tokenhub: 'rate-limit', id, op: 'hit', bucket, key, rule }),
        () => uncountedResult(rule, this.#clock.now().getTime()),
      );
    } finally {
      // Answered, failed or timed out: a late answer finds no one waiting.
      this.#pending.delete(id);
    }
  }

  undo(bucket: string, key: string, rule: RateRule, window: number): Promise<void> {
    return this.guard.fireAndForget(
      () =>
        new Promise<void>((resolve, reject) =>
          this.#channel.send({ tokenhub: 'rate-limit', op: 'undo', bucket, key, rule, window }, (error) =>
            error ? reject(error) : resolve(),
          ),
        ),
    );
  }

  async close(): Promise<void> {
    this.#pending.clear();
  }

  #ask(id: number, request: HitRequest): Promise<RateLimitResult> {
    return new Promise((resolve, reject) => {
      this.#pending.set(id, resolve);
      try {
        this.#channel.send(request, (error) => {
          if (error) reject(error);
        });
      } catch (error) {
        reject(error);
      }
    });
  }
}

/**
 * The primary's answer to one message of a worker: the result of a hit, nothing for an undo or
 * a message that is not the limiter's.
 */
export function answerRateLimitRequest(limiter: MemoryRateLimiter, message: unknown): HitAnswer | undefined {
  if (!isMessage(message) || message.tokenhub !== 'rate-limit') return undefined;
  const request = message as HitRequest | UndoRequest;
  if (request.op === 'undo') {
    limiter.undo(request.bucket, request.key, request.rule, request.window);
    return undefined;
  }
  const result = limiter.hit(request.bucket, request.key, request.rule);
  return { tokenhub: 'rate-limit', id: request.id, result };
}

/**
 * The primary's end: answers every worker's hits from `limiter`. Call once, in the primary.
 * @example serveRateLimits(new MemoryRateLimiter({ clock: systemClock, log }), cluster);
 */
export function serveRateLimits(limiter: MemoryRateLimiter, cluster: Cluster): void {
  cluster.on('message', (worker: Worker, message: unknown) => {
    const answer = answerRateLimitRequest(limiter, message);
    if (answer && worker.isConnected()) worker.send(answer, () => undefined);
  });
}

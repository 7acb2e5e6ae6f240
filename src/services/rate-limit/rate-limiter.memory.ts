/**
 * In-process fixed-window counters, for a single process, and in a cluster primary for all its
 * workers (rate-limiter.cluster.ts). Synchronous: a hit is one `Map` lookup and an in-place
 * update, atomic because JavaScript runs it to completion.
 *
 * Memory is bounded: counters of ended windows are swept at most once a minute (of clock time) when
 * a new counter is added, and a counter given back to 0 is dropped at once. A live counter is never
 * evicted before its window ends: at `maxKeys` live counters a hit on a new key is refused (as if
 * over its limit) until windows end, so a flood of distinct keys can neither grow memory without
 * limit nor make the limiter forget the counters an attacker or a victim already has.
 */
import type { Logger } from 'pino';
import type { RateRule } from '../../config.ts';
import type { Clock } from '../../core/clock.ts';
import { refusedResult, resultOf, windowAt } from './rate-limit-window.ts';
import type { RateLimiter, RateLimitResult } from './rate-limiter.ts';

interface Counter {
  window: number;
  windowSeconds: number;
  count: number;
  /** When the window ends, in epoch milliseconds. */
  endsAtMs: number;
}

const sweepIntervalMs = 60_000;

export class MemoryRateLimiter implements RateLimiter {
  readonly backend = 'memory';
  readonly failOpenTotal = 0;
  readonly #counters = new Map<string, Counter>();
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #maxKeys: number;
  #nextSweepMs = 0;
  #fullLogged = false;

  /** @param options.maxKeys live counters kept at most (default 100,000, about 20 MB). */
  constructor(options: { clock: Clock; log?: Logger; maxKeys?: number }) {
    this.#clock = options.clock;
    this.#log = options.log;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  /** Live and not-yet-swept counters (for tests and metrics). */
  get size(): number {
    return this.#counters.size;
  }

  hit(bucket: string, key: string, rule: RateRule): RateLimitResult {
    const nowMs = this.#clock.now().getTime();
    const { window, resetSeconds } = windowAt(nowMs, rule.windowSeconds);
    const id = `${bucket}:${key}`;
    let counter = this.#counters.get(id);
    if (counter === undefined) {
      counter = this.#add(id, nowMs);
      if (counter === undefined) return refusedResult(rule, nowMs);
    }
    if (counter.window !== window || counter.windowSeconds !== rule.windowSeconds) {
      counter.window = window;
      counter.windowSeconds = rule.windowSeconds;
      counter.count = 0;
      counter.endsAtMs = (window + 1) * rule.windowSeconds * 1000;
    }
    counter.count += 1;
    return resultOf(rule, counter.count, resetSeconds, window);
  }

  undo(bucket: string, key: string, rule: RateRule, window: number): void {
    const id = `${bucket}:${key}`;
    const counter = this.#counters.get(id);
    if (counter?.window === window && counter.windowSeconds === rule.windowSeconds && counter.count > 0) {
      counter.count -= 1;
      if (counter.count === 0) this.#counters.delete(id);
    }
  }

  async close(): Promise<void> {
    this.#counters.clear();
  }

  /** A new counter, or undefined when `maxKeys` live counters leave no room. */
  #add(id: string, nowMs: number): Counter | undefined {
    if (nowMs >= this.#nextSweepMs || this.#counters.size >= this.#maxKeys) {
      this.#sweep(nowMs);
      this.#nextSweepMs = nowMs + sweepIntervalMs;
    }
    if (this.#counters.size >= this.#maxKeys) {
      this.#full();
      return undefined;
    }
    // window -1 never matches: `hit` starts the counter in the current window.
    const counter: Counter = { window: -1, windowSeconds: 0, count: 0, endsAtMs: 0 };
    this.#counters.set(id, counter);
    return counter;
  }

  #sweep(nowMs: number): void {
    for (const [id, counter] of this.#counters) {
      if (counter.endsAtMs <= nowMs) this.#counters.delete(id);
    }
  }

  #full(): void {
    if (this.#fullLogged) return;
    this.#fullLogged = true;
    this.#log?.warn(
      { maxKeys: this.#maxKeys },
      'rate limiter: too many live counters; new keys are refused until windows end (no counter is forgotten)',
    );
  }
}

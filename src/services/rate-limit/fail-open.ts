/**
 * How a shared counter store (Redis, or the cluster primary) fails open: throttling must never take
 * the service down, and a store that hangs must not slow every throttled request.
 *
 * - Each call waits at most `timeoutMs` (an answer already received but not yet read, after the
 *   process was busy, still counts); then it fails open (the hit is allowed).
 * - A circuit breaker: after `tripAfter` failures in a row the store is skipped for `openMs` (every
 *   check fails open at once); then one call at a time probes it, and the first success closes the
 *   breaker. A hung store so costs one `timeoutMs` wait per `openMs`, not one per request.
 * - One warning when an outage starts, one line when it ends; every hit let through uncounted is
 *   counted (`failOpenTotal`, exported in `/metrics`).
 */
import type { Logger } from 'pino';

/** Failures in a row that open the breaker. */
export const tripAfter = 3;
/** How long an open breaker skips the store before it probes again, in milliseconds. */
export const openMs = 1000;

export class CounterTimeout extends Error {
  override name = 'CounterTimeout';
}

export interface FailOpenOptions {
  /** Names the store in log lines: `Redis redis://host:6379`, `the cluster primary`. */
  store: string;
  timeoutMs: number;
  log: Logger | undefined;
}

export class FailOpenGuard {
  readonly #options: FailOpenOptions;
  #failuresInARow = 0;
  #openUntil = 0;
  #probing = false;
  #down = false;
  #failOpenTotal = 0;

  constructor(options: FailOpenOptions) {
    this.#options = options;
  }

  /** Hits allowed without being counted since the process started. */
  get failOpenTotal(): number {
    return this.#failOpenTotal;
  }

  /** True while the store is considered down (from the first failure to the next success). */
  get down(): boolean {
    return this.#down;
  }

  /**
   * Runs `call` against the store, or answers `fallback()` (counted as a fail-open) when the
   * breaker is open, the call fails, or it takes longer than `timeoutMs`.
   */
  async run<T>(call: () => Promise<T>, fallback: () => T): Promise<T> {
    if (!this.#mayCall()) return this.#failOpen(fallback);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // Timers run before I/O in an event loop turn: after a stall (a busy process), an answer that
      // arrived in time may still be unread. Deciding in the check phase, after I/O, reads it first.
      const late = () => reject(new CounterTimeout(`no answer within ${this.#options.timeoutMs} ms`));
      timer = setTimeout(() => setImmediate(late), this.#options.timeoutMs);
    });
    try {
      const value = await Promise.race([call(), timeout]);
      this.succeeded();
      return value;
    } catch (error) {
      this.failed(error);
      return this.#failOpen(fallback);
    } finally {
      clearTimeout(timer);
      this.#probing = false;
    }
  }

  /** A call that needs no answer (`undo`): skipped while the breaker is open, never throws. */
  async fireAndForget(call: () => Promise<unknown>): Promise<void> {
    if (performance.now() < this.#openUntil) return;
    try {
      await call();
    } catch (error) {
      this.failed(error);
    }
  }

  /** The store answered (also used by a client's own "connected" event). */
  succeeded(): void {
    this.#failuresInARow = 0;
    this.#openUntil = 0;
    if (this.#down) {
      this.#down = false;
      this.#options.log?.info(
        { store: this.#options.store },
        'rate limiter: the counter store answers again',
      );
    }
  }

  /** The store failed (also used by a client's own "error" event). */
  failed(error: unknown): void {
    this.#failuresInARow += 1;
    if (this.#failuresInARow >= tripAfter) this.#openUntil = performance.now() + openMs;
    if (this.#down) return;
    this.#down = true;
    this.#options.log?.warn(
      { store: this.#options.store, err: error },
      `rate limiter: ${this.#options.store} is down or slow (${errorText(error)}); limits fail open (requests are allowed) until it answers within ${this.#options.timeoutMs} ms`,
    );
  }

  /** Closed breaker: every call goes; open: none until `openMs` passed, then one probe at a time. */
  #mayCall(): boolean {
    if (this.#failuresInARow < tripAfter) return true;
    if (performance.now() < this.#openUntil || this.#probing) return false;
    this.#probing = true;
    return true;
  }

  #failOpen<T>(fallback: () => T): T {
    this.#failOpenTotal += 1;
    return fallback();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Buffers "last used" facts of tokens in memory and writes them in batches (ARCHITECTURE.md, "Hot
 * path"): a burst of N uses of one token costs one UPDATE at the next flush, never one write per
 * request. Flushes every `flushIntervalMs`, and on `close()` (shutdown).
 *
 * Concurrency: `record` is synchronous and only touches the map; `flush` swaps the map out before
 * awaiting the write, so uses recorded during a flush wait for the next one. A failed write puts
 * its entries back unless a newer use replaced them, and is retried at every flush; a run of
 * failures (the store gone for a while) is logged once, at its first, and its end once.
 *
 * With tracking off (`TOKENHUB_LAST_USED_TRACKING=false`) `record` drops every use: no last-used
 * data is kept at all. It exists to measure what tracking costs (bench/README.md).
 */
import type { Logger } from 'pino';
import { type LastUse, writeLastUses } from '../../storage/access-token.repository.ts';
import type { Db } from '../../storage/database.ts';

export class LastUsedRecorder {
  #pending = new Map<string, LastUse>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #failing = false;
  readonly #db: Db;
  readonly #log: Logger;
  readonly #tracking: boolean;

  constructor(db: Db, log: Logger, flushIntervalMs: number, tracking = true) {
    this.#db = db;
    this.#log = log;
    this.#tracking = tracking;
    if (tracking && flushIntervalMs > 0) {
      this.#timer = setInterval(() => void this.flush(), flushIntervalMs);
      this.#timer.unref();
    }
  }

  record(use: LastUse): void {
    if (this.#tracking) this.#pending.set(use.tokenId, use);
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Writes what is pending; resolves when written (or logged as failed). */
  async flush(): Promise<void> {
    if (this.#flushing) await this.#flushing;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#flushing = writeLastUses(this.#db, [...batch.values()])
      .then(() => {
        if (!this.#failing) return;
        this.#failing = false;
        this.#log.info({ count: batch.size }, 'last-used times written again');
      })
      .catch((error: unknown) => {
        if (!this.#failing) {
          this.#failing = true;
          this.#log.warn(
            { err: error, count: batch.size },
            'writing last-used times failed; they are kept in memory and written at a later flush',
          );
        }
        for (const [id, use] of batch) if (!this.#pending.has(id)) this.#pending.set(id, use);
      })
      .finally(() => {
        this.#flushing = undefined;
      });
    await this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}

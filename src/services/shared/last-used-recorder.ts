/**
 * Buffers "last used" facts of tokens in memory and writes them in batches (ARCHITECTURE.md, "Hot
 * path"): a burst of N uses of one token costs one UPDATE at the next flush, never one write per
 * request. Flushes every `flushIntervalMs`, and on `close()` (shutdown).
 *
 * Concurrency: `record` is synchronous and only touches the map; `flush` swaps the map out before
 * awaiting the write, so uses recorded during a flush wait for the next one. A failed write puts
 * its entries back unless a newer use replaced them (address sightings are merged), and is
 * retried at every flush; a run of failures (the store gone for a while) is logged once, at its
 * first, and its end once.
 *
 * Each token's distinct client addresses of the interval (the five seen last, the history's size)
 * are kept beside, with first and last seen, and written in the same transaction
 * (storage/token-address.repository.ts).
 *
 * With tracking off (`TOKENHUB_LAST_USED_TRACKING=false`) `record` drops every use: no last-used
 * data is kept at all. It exists to measure what tracking costs (bench/README.md).
 */
import type { Logger } from 'pino';
import { tokenAddressHistorySize } from '../../core/access-token-rules.ts';
import { type LastUse, writeLastUses } from '../../storage/access-token.repository.ts';
import type { Db } from '../../storage/database.ts';
import type { AddressSighting } from '../../storage/token-address.repository.ts';

/** Addresses of one token in the pending interval, by address. */
type Sightings = Map<string, AddressSighting>;

export class LastUsedRecorder {
  #pending = new Map<string, LastUse>();
  #addresses = new Map<string, Sightings>();
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
    if (!this.#tracking) return;
    this.#pending.set(use.tokenId, use);
    let sightings = this.#addresses.get(use.tokenId);
    if (!sightings) {
      sightings = new Map();
      this.#addresses.set(use.tokenId, sightings);
    }
    const seen = sightings.get(use.ip);
    if (seen) {
      if (use.at > seen.lastSeenAt) seen.lastSeenAt = use.at;
    } else {
      // Full: the address seen least recently makes room (the history keeps the latest five).
      if (sightings.size >= tokenAddressHistorySize) {
        let oldest: AddressSighting | undefined;
        for (const sighting of sightings.values()) {
          if (!oldest || sighting.lastSeenAt < oldest.lastSeenAt) oldest = sighting;
        }
        if (oldest) sightings.delete(oldest.ip);
      }
      sightings.set(use.ip, { tokenId: use.tokenId, ip: use.ip, firstSeenAt: use.at, lastSeenAt: use.at });
    }
  }

  /** A sighting of a failed write, merged with what was recorded since (its first sighting is earlier). */
  #putBack(sighting: AddressSighting): void {
    const sightings = this.#addresses.get(sighting.tokenId) ?? new Map<string, AddressSighting>();
    this.#addresses.set(sighting.tokenId, sightings);
    const newer = sightings.get(sighting.ip);
    if (newer) newer.firstSeenAt = sighting.firstSeenAt;
    else if (sightings.size < tokenAddressHistorySize) sightings.set(sighting.ip, sighting);
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Writes what is pending; resolves when written (or logged as failed). */
  async flush(): Promise<void> {
    if (this.#flushing) await this.#flushing;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    const addresses = this.#addresses;
    this.#pending = new Map();
    this.#addresses = new Map();
    const sightings = [...addresses.values()].flatMap((byIp) => [...byIp.values()]);
    this.#flushing = writeLastUses(this.#db, [...batch.values()], sightings)
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
        for (const byIp of addresses.values()) for (const sighting of byIp.values()) this.#putBack(sighting);
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

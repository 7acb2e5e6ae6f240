/**
 * Whether the store answers, as this process last saw it, and the log of its outages: one error
 * line when a fault is first met (what is wrong, and that requests get 503 meanwhile), one line
 * when a query succeeds again (how long it lasted). Busy faults are not outages: a client retries
 * them within a second, and they are counted, not logged.
 *
 * The drivers report every fault and every success here (`database.ts`); a success costs one
 * boolean test.
 */
import type { Logger } from 'pino';
import type { StoreFault } from './store-faults.ts';

/** Statements that cannot write: their success says nothing about a store that refuses writes. */
export function readsOnly(sqlText: string): boolean {
  return /^\s*(select|pragma|explain|show)\b/i.test(sqlText);
}

export interface StoreOutage {
  fault: StoreFault;
  /** Epoch milliseconds of the first failure. */
  sinceMs: number;
}

export class StoreHealth {
  #outage: StoreOutage | undefined;
  #faults = { busy: 0, unavailable: 0, unwritable: 0 };
  readonly #log: Logger | undefined;
  readonly #what: string;

  /** @param what names the store in log lines (`PostgreSQL`, `SQLite /data/tokenhub.db`). */
  constructor(what: string, log?: Logger) {
    this.#what = what;
    this.#log = log;
  }

  /** The outage under way, if any. */
  get outage(): StoreOutage | undefined {
    return this.#outage;
  }

  /** Faults met so far, by kind (every failed statement counts once). */
  get faultCounts(): Readonly<Record<StoreFault['kind'], number>> {
    return this.#faults;
  }

  failed(fault: StoreFault, error?: unknown): void {
    this.#faults[fault.kind] += 1;
    if (fault.kind === 'busy' || this.#outage) return;
    this.#outage = { fault, sinceMs: Date.now() };
    const what =
      fault.kind === 'unwritable'
        ? `${this.#what} refuses writes (${fault.reason}): changes get 503 until it accepts them again`
        : `${this.#what} is unavailable (${fault.reason}): requests get 503 until it is back`;
    this.#log?.error({ err: error, store: fault }, what);
  }

  /** A statement succeeded (a write, or any statement where reads and writes are not told apart). */
  succeeded(): void {
    if (this.#outage === undefined) return;
    const seconds = (Date.now() - this.#outage.sinceMs) / 1000;
    this.#log?.info({ outageSeconds: seconds }, `${this.#what} answers again after ${seconds.toFixed(1)} s`);
    this.#outage = undefined;
  }

  /** A read succeeded: ends an outage of a store that did not answer at all, not one that refused writes. */
  read(): void {
    if (this.#outage?.fault.kind === 'unavailable') this.succeeded();
  }
}

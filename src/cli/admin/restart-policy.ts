/**
 * When `tokenhub serve` tries again: a process that cannot reach the database at start exits with
 * `storeUnavailableExitCode` (EX_TEMPFAIL of sysexits.h), and the one that started it (the cluster
 * primary, or the single process itself) tries again after `retryDelayMs(attempt)`: 1 s, doubling,
 * at most 30 s, so the service comes up within 30 s of the database.
 */

/** "The database is unavailable, try again later": `tokenhub` commands exit with it too. */
export const storeUnavailableExitCode = 75;

const firstDelayMs = 1000;
const maxDelayMs = 30_000;

/** The wait before attempt `attempt + 1` (attempt 0 is the first failure). */
export function retryDelayMs(attempt: number): number {
  return Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(attempt, 10));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

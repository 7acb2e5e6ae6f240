/**
 * Limits on failed attempts (wrong passwords, tokens, two-factor codes), HTTP aside: the api layer
 * (api/throttle.ts) adds the headers, and services that check a password again (sign-in/
 * password-check.ts) call it directly. docs/limits.md states the behaviour.
 *
 * Two ways to count:
 * - `limitFailures` (passwords, codes: guessable): each attempt first *reserves* a hit in every
 *   counter, in order, and stops at the first counter over its limit (so a refused attempt creates
 *   no counter after it); the reservations are given back unless the attempt failed. So at most
 *   `limit` checks run per window however many arrive at once. An attempt refused only because other
 *   attempts of this process are still running waits for them (bounded) instead: parallel correct
 *   sign-ins give their reservations back and are never refused.
 * - `countFailuresAfter` (well-formed tokens: unguessable): the check runs first, so a valid token
 *   is never refused; a failure is counted, and past the limit it is answered 429.
 */
import type { RateRule } from '../../config.ts';
import { AppError } from '../../core/errors.ts';
import type { RateLimiter, RateLimitResult } from './rate-limiter.ts';

/** One counter an attempt is checked against; `rule: undefined` (a disabled setting) is skipped. */
export interface FailureCounter {
  bucket: string;
  key: string;
  rule: RateRule | undefined;
  /**
   * The counter also counts other clients' failures (per account): its numbers are never shown in
   * the `X-RateLimit-*` headers of an allowed attempt, only when it refuses one.
   */
  shared?: boolean;
}

type ActiveCounter = FailureCounter & { rule: RateRule };

/** A counter's result after an attempt, for the headers: `remaining` once reservations settled. */
export interface CounterOutcome {
  counter: ActiveCounter;
  result: RateLimitResult;
  remaining: number;
}

/** RATE_LIMITED with the counter that refused, so a caller can write `Retry-After`. */
export class FailureLimitReached extends AppError {
  readonly result: RateLimitResult;
  readonly rule: RateRule;
  constructor(result: RateLimitResult, rule: RateRule, message: string) {
    super('RATE_LIMITED', `${message}; try again in ${result.resetSeconds} seconds`);
    this.result = result;
    this.rule = rule;
  }
}

export interface FailureLimitOptions {
  /** Which errors count as failures. */
  isFailure: (error: unknown) => boolean;
  /** The start of the 429 message (`too many failed sign-in attempts`). */
  message: string;
  /** Called once the attempt settled (not when it was refused), for the headers. */
  settled?: (outcomes: CounterOutcome[]) => void;
}

/** Reservations of attempts still running in this process, per counter. */
const running = new Map<string, number>();
const idOf = (c: ActiveCounter) => `${c.bucket}\n${c.key}`;
const runningOn = (c: ActiveCounter) => running.get(idOf(c)) ?? 0;
function track(counters: readonly ActiveCounter[], delta: 1 | -1): void {
  for (const c of counters) {
    const next = runningOn(c) + delta;
    if (next <= 0) running.delete(idOf(c));
    else running.set(idOf(c), next);
  }
}

/** How long an attempt waits for running attempts to give their reservations back. */
const maxWaitMs = 5000;
const retryEveryMs = 20;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const active = (counters: readonly FailureCounter[]) =>
  counters.filter((c): c is ActiveCounter => c.rule !== undefined);

/**
 * Reserves one hit in each counter, in order. On a refusal gives every hit of this try back and
 * says which counter refused and whether attempts still running explain it.
 */
async function reserve(
  limiter: RateLimiter,
  counters: readonly ActiveCounter[],
): Promise<{ hits: RateLimitResult[] } | { refused: RateLimitResult; by: ActiveCounter; wait: boolean }> {
  const hits: RateLimitResult[] = [];
  for (const counter of counters) {
    const result = await limiter.hit(counter.bucket, counter.key, counter.rule);
    if (!result.allowed) {
      const taken = [...hits, result];
      taken.forEach((hit, i) => {
        const c = counters[i];
        if (c) void limiter.undo(c.bucket, c.key, c.rule, hit.window);
      });
      const wait = result.count > 0 && result.count - runningOn(counter) <= counter.rule.limit;
      return { refused: result, by: counter, wait };
    }
    hits.push(result);
  }
  return { hits };
}

/**
 * Runs `attempt` (a guessable check) within the failure limits of `counters`.
 * @throws FailureLimitReached (RATE_LIMITED) before running it, or whatever `attempt` throws.
 */
export async function limitFailures<T>(
  limiter: RateLimiter,
  counters: readonly FailureCounter[],
  attempt: () => Promise<T>,
  options: FailureLimitOptions,
): Promise<T> {
  const list = active(counters);
  if (list.length === 0) return attempt();
  const deadline = Date.now() + maxWaitMs;
  let reserved = await reserve(limiter, list);
  while ('refused' in reserved && reserved.wait && Date.now() < deadline) {
    await pause(retryEveryMs);
    reserved = await reserve(limiter, list);
  }
  if ('refused' in reserved)
    throw new FailureLimitReached(reserved.refused, reserved.by.rule, options.message);
  const { hits } = reserved;
  track(list, 1);
  let failed = false;
  try {
    return await attempt();
  } catch (error) {
    failed = options.isFailure(error);
    throw error;
  } finally {
    track(list, -1);
    if (!failed)
      hits.forEach((hit, i) => {
        const c = list[i];
        if (c) void limiter.undo(c.bucket, c.key, c.rule, hit.window);
      });
    options.settled?.(
      list.flatMap((counter, i) => {
        const result = hits[i];
        return result
          ? [{ counter, result, remaining: failed ? result.remaining : result.remaining + 1 }]
          : [];
      }),
    );
  }
}

/**
 * Runs `attempt` (an unguessable check, such as a well-formed token) and counts it only when it
 * failed: a valid credential is never refused, whatever the counters say.
 * @throws FailureLimitReached (RATE_LIMITED) for a failure past the limit, else what `attempt` throws.
 */
export async function countFailuresAfter<T>(
  limiter: RateLimiter,
  counters: readonly FailureCounter[],
  attempt: () => Promise<T>,
  options: FailureLimitOptions,
): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!options.isFailure(error)) throw error;
    const outcomes: CounterOutcome[] = [];
    for (const counter of active(counters)) {
      const result = await limiter.hit(counter.bucket, counter.key, counter.rule);
      if (!result.allowed) throw new FailureLimitReached(result, counter.rule, options.message);
      outcomes.push({ counter, result, remaining: result.remaining });
    }
    options.settled?.(outcomes);
    throw error;
  }
}

/**
 * Fixed-window arithmetic shared by the rate-limiter backends. Windows are aligned to the epoch, so
 * every process (and both backends) agree on which window an instant falls in.
 */
import type { RateRule } from '../../config.ts';
import type { RateLimitResult } from './rate-limiter.ts';

/** The window `nowMs` falls in and the whole seconds until it ends (at least 1). */
export function windowAt(nowMs: number, windowSeconds: number): { window: number; resetSeconds: number } {
  const windowMs = windowSeconds * 1000;
  const window = Math.floor(nowMs / windowMs);
  return { window, resetSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - nowMs) / 1000)) };
}

/** The result of the `count`-th hit of a window. */
export function resultOf(
  rule: RateRule,
  count: number,
  resetSeconds: number,
  window: number,
): RateLimitResult {
  return {
    allowed: count <= rule.limit,
    limit: rule.limit,
    count,
    remaining: Math.max(0, rule.limit - count),
    resetSeconds,
    window,
  };
}

/** The result of a hit the store could not count (failing open): allowed, nothing counted. */
export function uncountedResult(rule: RateRule, nowMs: number): RateLimitResult {
  const { window, resetSeconds } = windowAt(nowMs, rule.windowSeconds);
  return { allowed: true, limit: rule.limit, count: 0, remaining: rule.limit, resetSeconds, window };
}

/** The result of a hit the store refused to count (it is full): refused, as if over the limit. */
export function refusedResult(rule: RateRule, nowMs: number): RateLimitResult {
  const { window, resetSeconds } = windowAt(nowMs, rule.windowSeconds);
  return { allowed: false, limit: rule.limit, count: rule.limit + 1, remaining: 0, resetSeconds, window };
}

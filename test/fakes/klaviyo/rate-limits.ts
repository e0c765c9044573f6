import type { Operation, RateLimitSpec } from './openapi';

/**
 * Klaviyo's rate limiting as documented ("per-account, fixed-window, two distinct windows: burst (1-second
 * window) and steady (1-minute window)"), plus the daily cap a few creation endpoints carry (lists: 150/d).
 * Windows are aligned to the clock (epoch multiples) and kept per API key and operation. A request that is
 * throttled does not consume the window. `timeScale` shrinks every window (0.1 → burst windows of 100 ms)
 * so tests can exercise the limits quickly; the benchmark uses 1.
 */
export type RateLimitOverrides = Record<string, Partial<RateLimitSpec>>;
export type RateLimitSetting = 'published' | 'off' | RateLimitOverrides;

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the blocking window ends (Klaviyo's Retry-After), at least 1. */
  retryAfterSeconds: number;
  retryAfterMs: number;
  window?: 'burst' | 'steady' | 'daily';
  limit: number; // steady limit, for RateLimit-Limit
  remaining: number; // left in the steady window
  resetSeconds: number; // until the steady window ends
}

const WINDOWS = [
  { name: 'burst', ms: 1_000 },
  { name: 'steady', ms: 60_000 },
  { name: 'daily', ms: 86_400_000 },
] as const;

interface Counter {
  windowStart: number;
  count: number;
}

export class RateLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly setting: RateLimitSetting,
    private readonly timeScale = 1,
    private readonly now: () => number = Date.now,
  ) {}

  limitOf(operation: Operation): RateLimitSpec {
    if (this.setting === 'published' || this.setting === 'off') return operation.rateLimit;
    return { ...operation.rateLimit, ...(this.setting[operation.id] ?? {}) };
  }

  /** Counts the request if every window has room; otherwise says which window blocks and for how long. */
  admit(apiKey: string, operation: Operation): RateDecision {
    const spec = this.limitOf(operation);
    const now = this.now();
    const steadyMs = WINDOWS[1].ms * this.timeScale;
    const steady = this.counter(apiKey, operation.id, 'steady', steadyMs, now);
    const steadyReset = steady.windowStart + steadyMs - now;
    const base = { limit: spec.steady, resetSeconds: Math.max(1, Math.ceil(steadyReset / 1000)) };
    if (this.setting === 'off') return { allowed: true, retryAfterSeconds: 0, retryAfterMs: 0, remaining: spec.steady, ...base };
    const checks = WINDOWS.map((window) => {
      const limit = window.name === 'burst' ? spec.burst : window.name === 'steady' ? spec.steady : spec.daily;
      const ms = window.ms * this.timeScale;
      return { window, limit, ms, counter: this.counter(apiKey, operation.id, window.name, ms, now) };
    });
    for (const { window, limit, ms, counter } of checks) {
      if (limit === undefined || counter.count < limit) continue;
      const waitMs = counter.windowStart + ms - now;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        retryAfterMs: waitMs,
        window: window.name,
        remaining: Math.max(0, spec.steady - steady.count),
        ...base,
      };
    }
    for (const { counter } of checks) counter.count += 1;
    return { allowed: true, retryAfterSeconds: 0, retryAfterMs: 0, remaining: Math.max(0, spec.steady - steady.count), ...base };
  }

  private counter(apiKey: string, operationId: string, window: string, ms: number, now: number): Counter {
    const key = `${apiKey}\u0000${operationId}\u0000${window}`;
    const windowStart = Math.floor(now / ms) * ms;
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { windowStart, count: 0 };
      this.counters.set(key, counter);
    } else if (counter.windowStart !== windowStart) {
      counter.windowStart = windowStart;
      counter.count = 0;
    }
    return counter;
  }
}

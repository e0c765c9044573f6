/**
 * What to do when a Klaviyo call fails. A 429 waits what Retry-After says (a throttled call was not
 * processed, so it is always safe to repeat). A 5xx, a timeout or a dropped connection is retried with
 * exponential backoff and jitter, but only for calls that are safe to repeat: a repeated list creation
 * would make a second list, so those failures go back to the caller, which looks the list up first.
 */
export type CallFailure =
  | { kind: 'throttled'; retryAfterSeconds: number | null }
  | { kind: 'server'; status: number }
  | { kind: 'lost' }
  | { kind: 'client'; status: number };

export interface RetryPolicy {
  /** Attempts in all, the first included, before a 5xx or lost response is given up. */
  maxAttempts: number;
  /** First backoff, milliseconds; doubled each attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Throttled answers tolerated for one call before giving up (each waits Retry-After). */
  maxThrottled: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000, maxThrottled: 50 };

export type RetryDecision = { retry: true; delayMs: number; reason: 'throttled' | 'backoff' } | { retry: false };

/**
 * Whether and when to send again. `attempt` counts the failed attempts of this call so far (1 after the
 * first failure), `throttled` the 429s among them; `random` in [0, 1) spreads retries (full jitter on half).
 */
export function retryDecision(
  failure: CallFailure,
  attempt: number,
  throttled: number,
  safeToRepeat: boolean,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): RetryDecision {
  if (failure.kind === 'throttled') {
    if (throttled > policy.maxThrottled) return { retry: false };
    const seconds = failure.retryAfterSeconds ?? 1;
    return { retry: true, delayMs: Math.max(0, seconds) * 1000, reason: 'throttled' };
  }
  if (failure.kind === 'client') return { retry: false };
  if (failure.kind === 'lost' && !safeToRepeat) return { retry: false };
  // A 5xx answer means the call was not processed for Klaviyo; a non-repeatable create is still handed back,
  // because a proxy's 502/504 may hide a processed write.
  if (failure.kind === 'server' && !safeToRepeat) return { retry: false };
  const backoffAttempts = attempt - throttled;
  if (backoffAttempts >= policy.maxAttempts) return { retry: false };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, backoffAttempts - 1));
  return { retry: true, delayMs: Math.round(ceiling / 2 + (random() * ceiling) / 2), reason: 'backoff' };
}

/** Retry-After in seconds (an integer or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, (date - now) / 1000);
}

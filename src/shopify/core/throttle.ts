/**
 * Shopify's GraphQL cost limits as a leaky bucket: every query costs points, the bucket holds
 * `maximumAvailable` and refills at `restoreRate` points per second. A query the bucket cannot pay for is
 * answered THROTTLED, which wastes a round trip; the planner says how long to wait so that it never is.
 */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/**
 * Milliseconds to wait before sending a query expected to cost `requestedCost`, given the bucket as the last
 * response left it `elapsedMs` ago. Zero when the bucket (with what has refilled since) already covers it
 * plus a small reserve; otherwise the time until it does. A cost above the bucket's size waits for a full
 * bucket (Shopify rejects such a query anyway; the caller's query should be smaller).
 */
export function throttleWaitMs(requestedCost: number, status: ThrottleStatus, elapsedMs = 0, reserve = 0.1): number {
  if (status.restoreRate <= 0) return 0;
  const needed = Math.min(status.maximumAvailable, requestedCost * (1 + reserve));
  const available = Math.min(status.maximumAvailable, status.currentlyAvailable + (status.restoreRate * elapsedMs) / 1000);
  if (available >= needed) return 0;
  return Math.ceil(((needed - available) / status.restoreRate) * 1000);
}

/**
 * Wait before retry number `attempt` (1 for the first retry) of a failed request: the server's Retry-After
 * when it sent one, else capped exponential backoff with jitter (a fraction in [0, 1) from the caller, so
 * this stays deterministic under test).
 */
export function retryDelayMs(attempt: number, retryAfterSeconds: number | null, jitter: number, baseMs = 250, capMs = 10_000): number {
  if (retryAfterSeconds !== null && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0) {
    return Math.min(capMs * 6, Math.ceil(retryAfterSeconds * 1000));
  }
  const exponential = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * jitter);
}

/**
 * Klaviyo's published rate limits, per operation (x-klaviyo-ratelimit in the OpenAPI document of revision
 * 2026-07-15; test/klaviyo-rate-limits.spec.ts checks every entry against it), and the limiter that keeps a
 * client within them up front, so a well-behaved sync meets no 429 at all.
 *
 * Each limit is a pair of token buckets, burst (per second) and steady (per minute). A spent token comes
 * back exactly one window after it was spent: the bucket never holds more than the limit's worth of calls
 * in any window, which is the strictest reading of "N per window" and stays within it whether the server
 * counts fixed or sliding windows.
 */
export interface RateLimit {
  /** Calls per second. */
  burst: number;
  /** Calls per minute. */
  steady: number;
}

export type KlaviyoOperation =
  | 'get_accounts'
  | 'get_lists'
  | 'create_list'
  | 'bulk_import_profiles'
  | 'get_bulk_import_profiles_job'
  | 'get_errors_for_bulk_import_profiles_job'
  | 'get_profiles'
  | 'remove_profiles_from_list'
  | 'bulk_create_events'
  | 'request_profile_deletion';

export const PUBLISHED_LIMITS: Record<KlaviyoOperation, RateLimit> = {
  get_accounts: { burst: 1, steady: 15 },
  get_lists: { burst: 75, steady: 750 },
  create_list: { burst: 10, steady: 150 },
  bulk_import_profiles: { burst: 10, steady: 150 },
  get_bulk_import_profiles_job: { burst: 10, steady: 150 },
  get_errors_for_bulk_import_profiles_job: { burst: 10, steady: 150 },
  get_profiles: { burst: 75, steady: 750 },
  remove_profiles_from_list: { burst: 10, steady: 150 },
  bulk_create_events: { burst: 10, steady: 150 },
  request_profile_deletion: { burst: 3, steady: 60 },
};

/** Lists an account may create per day (create_list's "daily" limit). */
export const DAILY_LIST_CREATIONS = 150;

/** Which operation a request is, from its method and path; null for one the sync does not make. */
export function operationOf(method: string, path: string): KlaviyoOperation | null {
  const verb = method.toUpperCase();
  const p = path.replace(/\?.*$/, '').replace(/\/+$/, '');
  if (verb === 'GET' && /\/api\/accounts$/.test(p)) return 'get_accounts';
  if (/\/api\/lists$/.test(p)) return verb === 'POST' ? 'create_list' : verb === 'GET' ? 'get_lists' : null;
  if (verb === 'DELETE' && /\/api\/lists\/[^/]+\/relationships\/profiles$/.test(p)) return 'remove_profiles_from_list';
  if (verb === 'POST' && /\/api\/profile-bulk-import-jobs$/.test(p)) return 'bulk_import_profiles';
  if (verb === 'GET' && /\/api\/profile-bulk-import-jobs\/[^/]+\/import-errors$/.test(p)) {
    return 'get_errors_for_bulk_import_profiles_job';
  }
  if (verb === 'GET' && /\/api\/profile-bulk-import-jobs\/[^/]+$/.test(p)) return 'get_bulk_import_profiles_job';
  if (verb === 'GET' && /\/api\/profiles$/.test(p)) return 'get_profiles';
  if (verb === 'POST' && /\/api\/event-bulk-create-jobs$/.test(p)) return 'bulk_create_events';
  if (verb === 'POST' && /\/api\/data-privacy-deletion-jobs$/.test(p)) return 'request_profile_deletion';
  return null;
}

const DEFAULT_MARGIN = 0.05;

/** A bucket of `size` tokens per `windowMs`; each spent token returns `windowMs` after it was spent. */
class WindowBucket {
  /** When each of the last `size` tokens was spent, oldest first (a ring). */
  private readonly spentAt: number[] = [];
  private head = 0;

  constructor(
    private readonly size: number,
    private readonly windowMs: number,
  ) {}

  /** The earliest time at or after `now` when a token is free. */
  freeAt(now: number): number {
    if (this.spentAt.length < this.size) return now;
    return Math.max(now, this.spentAt[this.head] + this.windowMs);
  }

  spend(now: number): void {
    if (this.spentAt.length < this.size) {
      this.spentAt.push(now);
      return;
    }
    this.spentAt[this.head] = now;
    this.head = (this.head + 1) % this.size;
  }
}

/**
 * The limiter of one operation: burst and steady buckets. `reserve(now)` spends a token from each at the
 * earliest time both have one, and says how long the caller must wait before sending. Reservations are
 * made in call order, so concurrent callers queue fairly. A safety margin (default 5%) absorbs the clock
 * skew between client and server and the jitter between a reservation and the request's arrival (ten
 * lookups in flight at once met the odd 429 at 2%).
 */
export class OperationLimiter {
  private readonly burst: WindowBucket;
  private readonly steady: WindowBucket;
  /** The time of the latest reservation: later ones never go before it. */
  private last = -Infinity;

  constructor(limit: RateLimit, margin = DEFAULT_MARGIN) {
    this.burst = new WindowBucket(limit.burst, Math.ceil(1000 * (1 + margin)));
    this.steady = new WindowBucket(limit.steady, Math.ceil(60_000 * (1 + margin)));
  }

  /** Reserves the next slot at or after `now`; returns the milliseconds to wait before using it. */
  reserve(now: number): number {
    // Each bucket's free time only depends on tokens spent before: one pass finds the slot (no float drift).
    const at = this.steady.freeAt(this.burst.freeAt(Math.max(now, this.last)));
    this.burst.spend(at);
    this.steady.spend(at);
    this.last = at;
    return at - now;
  }
}

/** One limiter per operation, for one Klaviyo account (limits are per account and operation). */
export class AccountLimiter {
  private readonly limiters = new Map<KlaviyoOperation, OperationLimiter>();

  constructor(
    private readonly limits: Record<KlaviyoOperation, RateLimit> = PUBLISHED_LIMITS,
    private readonly margin = DEFAULT_MARGIN,
  ) {}

  reserve(operation: KlaviyoOperation, now: number): number {
    let limiter = this.limiters.get(operation);
    if (!limiter) {
      limiter = new OperationLimiter(this.limits[operation], this.margin);
      this.limiters.set(operation, limiter);
    }
    return limiter.reserve(now);
  }
}

/**
 * The least time `calls` calls of one operation can take within its limit, from the first call to the
 * last: every second at most `burst`, every minute at most `steady` (the same windows the limiter keeps).
 */
export function minimumSeconds(calls: number, limit: RateLimit): number {
  if (calls <= 1) return 0;
  const limiter = new OperationLimiter(limit, 0);
  let last = 0;
  for (let i = 0; i < calls; i++) last += limiter.reserve(last);
  return last / 1000;
}

import axios, { type AxiosRequestConfig, type AxiosResponse, isAxiosError } from 'axios';
import type { Session } from 'klaviyo-api';
import { AccountLimiter, type KlaviyoOperation, operationOf } from './core/rate-limits';
import { type CallFailure, DEFAULT_RETRY_POLICY, parseRetryAfter, retryDecision, type RetryPolicy } from './core/retry';

/** What a sync's calls cost, for progress and the benchmark. */
export class CallStatistics {
  readonly calls = new Map<string, number>();
  readonly throttled = new Map<string, number>();
  readonly retries = new Map<string, number>();
  /** Milliseconds spent waiting for the rate limits (up front) and for Retry-After. */
  rateLimitWaitMs = 0;
  rateLimitWaits = 0;

  count(map: Map<string, number>, operation: string): void {
    map.set(operation, (map.get(operation) ?? 0) + 1);
  }

  totalCalls(): number {
    let total = 0;
    for (const n of this.calls.values()) total += n;
    return total;
  }
}

/**
 * A Klaviyo call that failed for good. The message says what and where (operation, status, Klaviyo's own
 * title and detail) and never carries the request: axios errors hold the Authorization header.
 */
export class KlaviyoApiError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number | null,
    detail: string,
    readonly lostResponse = false,
  ) {
    super(`Klaviyo ${operation} failed${status ? ` (${status})` : ''}: ${detail}`);
    this.name = 'KlaviyoApiError';
  }
}

export interface KlaviyoSessionOptions {
  apiKey: string;
  limiter?: AccountLimiter;
  timeoutMs?: number;
  policy?: RetryPolicy;
  statistics?: CallStatistics;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const REVISION = '2026-07-15';

/**
 * The SDK's session, replaced: every request waits for its operation's rate limit before it goes, carries
 * a timeout, and is retried as core/retry.ts decides (429 after Retry-After; 5xx, timeouts and dropped
 * connections with backoff when repeating is safe). The SDK's own retry is bypassed.
 */
export class KlaviyoSession implements Session {
  readonly statistics: CallStatistics;
  private readonly limiter: AccountLimiter;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: KlaviyoSessionOptions) {
    this.limiter = options.limiter ?? new AccountLimiter();
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.statistics = options.statistics ?? new CallStatistics();
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  applyToRequest(config: AxiosRequestConfig): void {
    config.headers = {
      ...(config.headers ?? {}),
      Authorization: `Klaviyo-API-Key ${this.options.apiKey}`,
      revision: REVISION,
      'User-Agent': 'segment-sync (klaviyo-api-node/23.0.0)',
    };
  }

  refreshAndRetry(): boolean {
    return false;
  }

  async requestWithRetry(config: AxiosRequestConfig): Promise<AxiosResponse> {
    const path = new URL(String(config.url)).pathname;
    const operation: KlaviyoOperation | 'other' = operationOf(String(config.method ?? 'GET'), path) ?? 'other';
    // Creating a list twice makes two lists: a lost answer goes back to the caller, who looks it up first.
    const safeToRepeat = operation !== 'create_list';
    let attempt = 0;
    let throttled = 0;
    for (;;) {
      if (operation !== 'other') await this.waitFor(this.limiter.reserve(operation, this.now()));
      this.statistics.count(this.statistics.calls, operation);
      let failure: CallFailure;
      let detail: string;
      try {
        return await axios.request({ ...config, timeout: this.timeoutMs });
      } catch (error) {
        [failure, detail] = describe(error);
      }
      attempt += 1;
      if (failure.kind === 'throttled') {
        throttled += 1;
        this.statistics.count(this.statistics.throttled, operation);
      }
      const decision = retryDecision(failure, attempt, throttled, safeToRepeat, this.policy);
      if (!decision.retry) {
        throw new KlaviyoApiError(operation, 'status' in failure ? failure.status : null, detail, failure.kind === 'lost');
      }
      this.statistics.count(this.statistics.retries, operation);
      if (decision.reason === 'throttled') await this.waitFor(decision.delayMs);
      else await this.sleep(decision.delayMs);
    }
  }

  private async waitFor(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.statistics.rateLimitWaitMs += ms;
    this.statistics.rateLimitWaits += 1;
    await this.sleep(ms);
  }
}

/** The failure's kind and a safe description: Klaviyo's error title/detail, never the request or its headers. */
function describe(error: unknown): [CallFailure, string] {
  if (!isAxiosError(error)) return [{ kind: 'lost' }, (error as Error)?.message ?? 'unknown error'];
  const response = error.response;
  if (!response) return [{ kind: 'lost' }, `no answer (${error.code ?? 'connection lost'})`];
  const status = response.status;
  const first = (response.data as { errors?: { title?: string; detail?: string }[] } | undefined)?.errors?.[0];
  const detail = first ? [first.title, first.detail].filter(Boolean).join(': ') : `HTTP ${status}`;
  if (status === 429) return [{ kind: 'throttled', retryAfterSeconds: parseRetryAfter(response.headers?.['retry-after']) }, detail];
  if (status >= 500) return [{ kind: 'server', status }, detail];
  return [{ kind: 'client', status }, detail];
}

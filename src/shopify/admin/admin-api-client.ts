import {
  GraphqlQueryError,
  HttpInternalError,
  HttpRequestError,
  HttpResponseError,
  HttpThrottlingError,
} from '@shopify/shopify-api';
import { retryDelayMs, throttleWaitMs, type ThrottleStatus } from '../core/throttle';
import type { ShopifyApp } from './shopify-app';

/**
 * The one way the service talks to a shop's Admin GraphQL API: `query(document, variables)` returns the
 * response's `data`. Webhook registration and the importers use it alike.
 */
export interface AdminApiClient {
  query<T = any>(document: string, variables?: Record<string, unknown>): Promise<T>;
}

/** The token is not (or no longer) valid for the shop: Shopify answered 401. */
export class ShopifyAuthenticationError extends Error {
  constructor(shop: string) {
    super(
      `Shopify rejected the access token for ${shop}: it is wrong, revoked, or belongs to another store ` +
        `(create a new Admin API access token in the custom app, or reinstall the app)`,
    );
    this.name = 'ShopifyAuthenticationError';
  }
}

/** Shopify refused a field or operation the token's scopes do not cover (ACCESS_DENIED or 403). */
export class ShopifyAccessDeniedError extends Error {
  constructor(
    readonly shop: string,
    readonly detail: string,
  ) {
    super(`Shopify refused access for ${shop}: ${detail}`);
    this.name = 'ShopifyAccessDeniedError';
  }
}

/** Anything else Shopify answered with an error, after retries where retrying makes sense. */
export class ShopifyApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShopifyApiError';
  }
}

export interface ClientStats {
  requests: number;
  retries: number;
  throttleWaits: number;
  throttleWaitMs: number;
}

export interface ShopifyAdminClientOptions {
  /** Attempts per request, the first included (429, 5xx, network errors and THROTTLED are retried). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * The Admin API client of one shop, over the library's GraphQL client: waits before the cost bucket runs
 * dry (from the throttle status of the previous response and the cost the same document had last time),
 * retries 429 (after Retry-After), 5xx and network errors with capped exponential backoff, and turns
 * Shopify's refusals into errors that say what to do. The token never appears in its errors.
 */
export class ShopifyAdminClient implements AdminApiClient {
  readonly stats: ClientStats = { requests: 0, retries: 0, throttleWaits: 0, throttleWaitMs: 0 };
  private readonly graphql;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private bucket: { status: ThrottleStatus; at: number } | null = null;
  /** What each document cost the last time (requested cost), to plan the wait before sending it again. */
  private readonly costs = new Map<string, number>();

  constructor(
    app: ShopifyApp,
    readonly shop: string,
    accessToken: string,
    options: ShopifyAdminClientOptions = {},
  ) {
    this.graphql = app.graphqlClient(shop, accessToken);
    this.maxAttempts = options.maxAttempts ?? 6;
    this.sleep = options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms)));
    this.random = options.random ?? Math.random;
  }

  async query<T = any>(document: string, variables?: Record<string, unknown>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.waitForBucket(document);
      this.stats.requests++;
      let delay: number;
      try {
        const response = await this.graphql.request(document, { variables });
        this.remember(document, response.extensions);
        return response.data as T;
      } catch (error) {
        delay = this.retryDelay(error, attempt, document);
      }
      this.stats.retries++;
      await this.sleep(delay);
    }
  }

  private async waitForBucket(document: string): Promise<void> {
    if (!this.bucket) return;
    // A document not sent before is assumed to cost the most a single query may (1,000 points), so even the
    // first page of a new query never finds the bucket short.
    const cost = this.costs.get(document) ?? MAX_SINGLE_QUERY_COST;
    const wait = throttleWaitMs(cost, this.bucket.status, Date.now() - this.bucket.at);
    if (wait <= 0) return;
    this.stats.throttleWaits++;
    this.stats.throttleWaitMs += wait;
    await this.sleep(wait);
  }

  private remember(document: string, extensions: any): void {
    const cost = extensions?.cost;
    if (!cost) return;
    if (typeof cost.requestedQueryCost === 'number') this.costs.set(document, cost.requestedQueryCost);
    if (cost.throttleStatus) this.bucket = { status: cost.throttleStatus, at: Date.now() };
  }

  /** How long to wait before trying again, or throws when the failure is final. */
  private retryDelay(error: unknown, attempt: number, document: string): number {
    const last = attempt >= this.maxAttempts;
    const operation = operationName(document);
    if (error instanceof GraphqlQueryError) {
      const errors: any[] = error.body?.errors?.graphQLErrors ?? [];
      this.remember(document, error.body?.extensions);
      if (errors.some((e) => e?.extensions?.code === 'THROTTLED') && !last) {
        const status = this.bucket?.status;
        const cost = this.costs.get(document) ?? 0;
        return status ? Math.max(throttleWaitMs(cost, status), 1000) : retryDelayMs(attempt, null, this.random());
      }
      const denied = errors.find((e) => e?.extensions?.code === 'ACCESS_DENIED');
      if (denied) throw new ShopifyAccessDeniedError(this.shop, String(denied.message ?? 'access denied'));
      const messages = errors.map((e) => e?.message).filter(Boolean).join('; ') || error.message;
      throw new ShopifyApiError(`Shopify rejected the ${operation} query for ${this.shop}: ${messages}`);
    }
    if (error instanceof HttpThrottlingError) {
      if (last) throw new ShopifyApiError(`Shopify kept answering "too many requests" (429) to ${operation} for ${this.shop}`);
      return retryDelayMs(attempt, error.response.retryAfter ?? null, this.random());
    }
    if (error instanceof HttpInternalError) {
      if (last) throw new ShopifyApiError(`Shopify kept failing (${error.response.code}) on ${operation} for ${this.shop}`);
      return retryDelayMs(attempt, null, this.random());
    }
    if (error instanceof HttpResponseError) {
      const code = error.response.code;
      if (code === 401) throw new ShopifyAuthenticationError(this.shop);
      if (code === 403) throw new ShopifyAccessDeniedError(this.shop, 'the token may not use the Admin API (403)');
      if (code === 402) throw new ShopifyApiError(`The shop ${this.shop} is frozen (402): its Shopify plan needs paying`);
      if (code === 404) throw new ShopifyApiError(`No Shopify Admin API found for ${this.shop} (404): check the shop's domain`);
      throw new ShopifyApiError(`Shopify answered ${code} to ${operation} for ${this.shop}`);
    }
    if (error instanceof HttpRequestError) {
      if (last) throw new ShopifyApiError(`Could not reach Shopify for ${this.shop} (${operation}): the network failed ${attempt} times`);
      return retryDelayMs(attempt, null, this.random());
    }
    throw error;
  }
}

/** Shopify's cap on the requested cost of one query. */
const MAX_SINGLE_QUERY_COST = 1000;

function operationName(document: string): string {
  return /^\s*(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? 'bulk';
}

/**
 * Faults injected on demand, consumed one request at a time in the order they were queued:
 * an HTTP status (429 with Retry-After, 5xx), a delay before the normal answer, or a dropped connection
 * (immediately, or for the bulk file after some bytes of the body).
 */
export type Route = 'graphql' | 'bulk-file' | 'oauth';

export type Fault =
  | { status: 429; retryAfter?: number; body?: unknown }
  | { status: 500 | 502 | 503 | 504; body?: unknown }
  | { delayMs: number }
  | { drop: true; afterBytes?: number };

interface Queued {
  remaining: number;
  fault: Fault;
  on: Route | 'any';
  /** For bulk files: only the file of a query on this root field (`orders`, `customers`, ...). */
  root?: string;
}

export class Faults {
  private readonly queue: Queued[] = [];
  /** Faults served, by route. */
  readonly served: Record<Route, number> = { graphql: 0, 'bulk-file': 0, oauth: 0 };

  add(n: number, fault: Fault, on: Route | 'any', root?: string): void {
    if (n > 0) this.queue.push({ remaining: n, fault, on, root });
  }

  /** The fault for this request, if one is queued for its route (and, for a bulk file, its query's root). */
  take(route: Route, root?: string): Fault | null {
    const entry = this.queue.find((q) => (q.on === 'any' || q.on === route) && (q.root === undefined || q.root === root));
    if (!entry) return null;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.queue.splice(this.queue.indexOf(entry), 1);
    this.served[route] += 1;
    return entry.fault;
  }

  clear(): void {
    this.queue.length = 0;
  }
}

/** The body Shopify sends with a status (REST-style `errors` string). */
export function faultBody(fault: { status: number; body?: unknown }): unknown {
  if (fault.body !== undefined) return fault.body;
  if (fault.status === 429) return { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' };
  if (fault.status === 503) return { errors: 'Unavailable Shop' };
  return { errors: 'Internal Server Error' };
}

/**
 * Faults on demand, consumed in the order injected by the next matching requests of an operation:
 * - '500' / '503': answered before anything is written;
 * - '429': a throttled answer (Retry-After: `retryAfterSeconds`, default 1), nothing written;
 * - 'timeout': nothing written, no answer until `holdMs` (default 60 s, past any sane client timeout),
 *   then the connection is closed;
 * - 'drop-after-write': the request is applied, then the socket is destroyed without an answer (the lost
 *   response: a client that retries must not create a second list or send a duplicate event).
 */
export type FaultKind = '500' | '503' | '429' | 'timeout' | 'drop-after-write';

export interface FaultSpec {
  /** Klaviyo operationId (create_list, bulk_import_profiles, ...) or '*' for any operation. */
  operation: string;
  kind: FaultKind;
  times?: number;
  holdMs?: number;
  retryAfterSeconds?: number;
}

interface Pending extends FaultSpec {
  left: number;
}

export class Faults {
  private readonly pending: Pending[] = [];
  readonly fired: Array<{ operation: string; kind: FaultKind; at: string }> = [];

  inject(spec: FaultSpec): void {
    this.pending.push({ ...spec, left: spec.times ?? 1 });
  }

  /** The fault the next request of this operation meets, if any (consumed). */
  take(operation: string): Pending | undefined {
    const index = this.pending.findIndex((f) => f.left > 0 && (f.operation === operation || f.operation === '*'));
    if (index < 0) return undefined;
    const fault = this.pending[index];
    fault.left -= 1;
    if (fault.left === 0) this.pending.splice(index, 1);
    this.fired.push({ operation, kind: fault.kind, at: new Date().toISOString() });
    return fault;
  }

  clear(): void {
    this.pending.length = 0;
  }

  get remaining(): number {
    return this.pending.reduce((sum, f) => sum + f.left, 0);
  }
}

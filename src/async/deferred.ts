/** A promise settled from outside, by whoever learns the outcome (Promise.withResolvers, which ES2023 lacks). */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * A new deferred. Its promise never fails the process unobserved: one nobody waits for any more (the work
 * that would have waited stopped first) is let go silently; whoever awaits it still gets the failure.
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

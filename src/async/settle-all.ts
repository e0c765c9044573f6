/**
 * The results of tasks running at once, once every one has settled; if any failed, the first failure in
 * the order given, thrown only after the others have finished too. So work that stops leaves nothing of
 * its own still running behind it (a retry may already have begun).
 */
export async function settleAll<T extends readonly unknown[]>(tasks: readonly [...{ [K in keyof T]: Promise<T[K]> }]): Promise<T> {
  const settled = await Promise.allSettled(tasks);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

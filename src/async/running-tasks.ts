/**
 * Tasks running at once, at most `limit` of them. A task's failure never escapes on its own: the first one is
 * kept and thrown by room() and throwIfFailed(), so the caller stops at its next step, and settle() still
 * waits for every task started (work that stops leaves nothing of its own running behind it).
 */
export class RunningTasks {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(private readonly limit: number) {}

  add(task: Promise<void>): void {
    const run: Promise<void> = task.catch((error) => this.fail(error)).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once fewer than `limit` tasks run; throws the first failure so far. */
  async room(): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.throwIfFailed();
  }

  /** Keeps a failure of the caller's own beside those of the tasks (the first one wins). */
  fail(error: unknown): void {
    this.failure ??= { error };
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every task started; never throws. */
  async settle(): Promise<void> {
    await Promise.all(this.running);
  }
}

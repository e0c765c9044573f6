/**
 * The order of one sync's ledger writes. The import jobs of one plan hold disjoint customers, so applying
 * them may overlap ("shared"). Any other multi-row write (profile ids, removals) may touch customers a job
 * holds too, in another order, and two such updates could deadlock: it waits for every write before it and
 * runs alone ("exclusive").
 */
export class LedgerWrites {
  private lastExclusive: Promise<unknown> = Promise.resolve();
  private readonly sharing = new Set<Promise<unknown>>();

  shared<T>(write: () => Promise<T>): Promise<T> {
    const run = this.lastExclusive.then(write);
    const settled = run.catch(() => undefined);
    this.sharing.add(settled);
    void settled.then(() => this.sharing.delete(settled));
    return run;
  }

  exclusive<T>(write: () => Promise<T>): Promise<T> {
    const run = Promise.all([this.lastExclusive, ...this.sharing]).then(write);
    this.lastExclusive = run.catch(() => undefined);
    return run;
  }
}

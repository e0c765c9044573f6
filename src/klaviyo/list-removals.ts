import { settleAll } from '../async/settle-all';
import type { KlaviyoClient } from './klaviyo-client';
import type { KlaviyoSyncRepository } from './klaviyo-sync.repository';
import type { SyncProgress } from './sync-progress';

/** Profiles per list removal call (Klaviyo's maximum). */
const REMOVAL_BATCH = 1_000;
/** External ids per profile lookup (one page of an any() filter). */
const LOOKUP_BATCH = 100;
/** Lookups sent together (the limiter still paces them): one at a time, round trips and not the limit set the pace. */
const LOOKUPS_AT_ONCE = 10;

export interface RemovalFigures {
  removed: number;
  /** Departures per list key. */
  byList: Record<string, number>;
  /** Customers whose Klaviyo profile id was looked up. */
  lookedUp: number;
}

/**
 * The plan's list departures. Klaviyo removes members by profile id, which a bulk import does not return
 * per profile (fetching a million ids from the jobs would cost 10,000 calls at 150/min). So the ledger
 * keeps an id once known, and the ids still missing are looked up, only for the customers who leave a list.
 * Lookups go list by list (a customer under the first list they leave), and each list's removals start as
 * soon as its customers are looked up, while the next list's are: the two endpoints have limits of their
 * own. Each removal (1,000 per call) is confirmed in the ledger after Klaviyo's 2xx. All this runs while the
 * import jobs do: a customer leaves one list and joins others, never the same. Customers Klaviyo has no
 * profile for are in no list: the ledger just forgets them.
 */
export async function removeFromLists(
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopId: number,
  syncId: number,
  listIds: Map<string, string>,
  progress: SyncProgress,
): Promise<RemovalFigures> {
  const counts = await repository.removalCounts(shopId, syncId);
  const listKeys = [...counts.keys()];
  const lookups = new DepartureLookups(client, repository, shopId, syncId, listKeys);
  const figures: RemovalFigures = { removed: 0, byList: Object.fromEntries(counts), lookedUp: 0 };
  const removeList = async (listKey: string) => {
    await lookups.looked(listKey);
    const listId = listIds.get(listKey);
    let cursor = '';
    for (;;) {
      const batch = await repository.removalBatch(shopId, syncId, listKey, cursor, REMOVAL_BATCH);
      if (batch.length === 0) break;
      cursor = batch[batch.length - 1].customer_id;
      const profileIds = batch.map((row) => row.profile_id).filter((id): id is string => id !== null);
      // A list whose row is gone (disabled and never created) has no members to remove in Klaviyo.
      if (listId && profileIds.length) await client.removeFromList(listId, profileIds);
      await repository.applyRemoval(shopId, listKey, batch.map((row) => row.customer_id));
      figures.removed += batch.length;
      progress.status({ removed: figures.removed });
    }
  };
  // Lists at once (the limiter paces the calls); progress as a figure, since the import jobs have the bar.
  const lookingUp = lookups.run().then(
    () => lookups.stop(),
    (error) => {
      lookups.stop(error);
      throw error;
    },
  );
  await settleAll([lookingUp, ...listKeys.map(removeList)]);
  figures.lookedUp = lookups.lookedUp;
  return figures;
}

/**
 * Klaviyo profile ids of the departing customers the ledger has none for, looked up 100 per call by
 * external id, LOOKUPS_AT_ONCE calls at a time, list after list in the order of `listKeys`. A list's
 * customers are all looked up once every list up to it has been read and its ids sent; the few left over
 * (less than a page) go with the next list's first page, so the calls are as few as for one stream.
 */
class DepartureLookups {
  lookedUp = 0;
  private readonly ready = new Map<string, { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void }>();
  /** Ids read but not looked up yet. */
  private waiting: string[] = [];
  /** Lists read to their end, with how many ids had been read by then: let go once that many are looked up. */
  private readonly listsRead: { listKey: string; readUpTo: number }[] = [];
  private read = 0;

  constructor(
    private readonly client: KlaviyoClient,
    private readonly repository: KlaviyoSyncRepository,
    private readonly shopId: number,
    private readonly syncId: number,
    private readonly listKeys: string[],
  ) {
    for (const key of listKeys) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      promise.catch(() => undefined); // a list nobody waits for any more must not fail the process
      this.ready.set(key, { promise, resolve, reject });
    }
  }

  /** Resolves once every customer leaving this list has been looked up (or the lookups failed). */
  looked(listKey: string): Promise<void> {
    return this.ready.get(listKey)?.promise ?? Promise.resolve();
  }

  async run(): Promise<void> {
    for (const listKey of this.listKeys) {
      let after = '';
      for (;;) {
        const missing = await this.repository.removalsWithoutProfileId(this.shopId, this.syncId, listKey, after, LOOKUP_BATCH * LOOKUPS_AT_ONCE);
        if (missing.length === 0) break;
        after = missing[missing.length - 1];
        this.waiting.push(...missing);
        this.read += missing.length;
        if (this.waiting.length >= LOOKUP_BATCH * LOOKUPS_AT_ONCE) await this.lookUp(LOOKUP_BATCH * LOOKUPS_AT_ONCE);
      }
      this.listsRead.push({ listKey, readUpTo: this.read });
      await this.lookUp(this.waiting.length - (this.waiting.length % LOOKUP_BATCH));
    }
    await this.lookUp(this.waiting.length);
  }

  /** Lets every list go: the ones not looked up fail with the lookups' error, if any. */
  stop(error?: unknown): void {
    for (const { resolve, reject } of this.ready.values()) (error === undefined ? resolve : reject)(error);
  }

  /** Looks up the first `count` waiting ids (whole pages but at the end); lists wholly looked up are let go. */
  private async lookUp(count: number): Promise<void> {
    const ids = this.waiting.splice(0, count);
    if (ids.length > 0) {
      const pages: string[][] = [];
      for (let i = 0; i < ids.length; i += LOOKUP_BATCH) pages.push(ids.slice(i, i + LOOKUP_BATCH));
      const found = await settleAll(pages.map((page) => this.client.profileIdsByExternalId(page)));
      await this.repository.saveProfileIds(this.shopId, this.syncId, new Map(found.flatMap((map) => [...map])));
      this.lookedUp += ids.length;
    }
    while (this.listsRead.length > 0 && this.listsRead[0].readUpTo <= this.lookedUp) {
      this.ready.get(this.listsRead.shift()!.listKey)?.resolve();
    }
  }
}

import { RunningTasks } from '../async/running-tasks';
import { settleAll } from '../async/settle-all';
import type { KlaviyoClient } from './klaviyo-client';
import type { Departure, KlaviyoSyncRepository } from './klaviyo-sync.repository';
import type { SyncProgress } from './sync-progress';

/** Profiles per list removal call (Klaviyo's maximum). */
const REMOVAL_BATCH = 1_000;
/** External ids per profile lookup (one page of an any() filter). */
const LOOKUP_BATCH = 100;
/** Lookups sent together (the limiter still paces them): one at a time, round trips and not the limit set the pace. */
const LOOKUPS_AT_ONCE = 10;
/** Profile ids found written at once. */
const IDS_PER_WRITE = 1_000;

export interface RemovalFigures {
  removed: number;
  /** Departures per list key. */
  byList: Record<string, number>;
  /** Customers whose Klaviyo profile id was looked up. */
  lookedUp: number;
}

/**
 * The sync's list departures, handed over page by page as the plan is read. Klaviyo removes members by
 * profile id, which a bulk import does not return per profile (fetching a million ids from the jobs would
 * cost 10,000 calls at 150/min). So the ledger keeps an id once known, and the ids still missing are looked
 * up meanwhile (DepartureLookups). Once the whole plan is read, each list's removals (1,000 per call) run at
 * once, each confirmed in the ledger after Klaviyo's 2xx, while the import jobs finish: a customer leaves
 * one list and joins others, never the same. Customers Klaviyo has no profile for are in no list: the
 * ledger just forgets them.
 */
export class ListDepartures {
  private readonly lookups: DepartureLookups;

  constructor(
    private readonly client: KlaviyoClient,
    private readonly repository: KlaviyoSyncRepository,
    private readonly shopId: number,
    private readonly syncId: number,
    private readonly listIds: Map<string, string>,
    private readonly progress: SyncProgress,
  ) {
    this.lookups = new DepartureLookups(client, repository, shopId, syncId);
  }

  /** A page of the plan's departures kept, and the profile ids it lacks looked up. */
  async take(departures: Departure[]): Promise<void> {
    await this.repository.addDepartures(this.shopId, this.syncId, departures);
    await this.lookups.add(departures.filter((row) => row.profile_id === null).map((row) => row.customer_id));
  }

  /** After the whole plan: the removals, once every lookup is done. */
  async remove(): Promise<RemovalFigures> {
    await this.lookups.finish();
    const counts = await this.repository.removalCounts(this.shopId, this.syncId);
    const figures: RemovalFigures = { removed: 0, byList: Object.fromEntries(counts), lookedUp: this.lookups.lookedUp };
    // Lists at once (the limiter paces the calls); progress as a figure, since the import jobs have the bar.
    await settleAll([...counts.keys()].map((listKey) => this.removeList(listKey, figures)));
    return figures;
  }

  /** After a plan that failed: waits for the lookups under way (none is started), so nothing is left running behind the sync. */
  async abandon(): Promise<void> {
    await this.lookups.settle();
  }

  private async removeList(listKey: string, figures: RemovalFigures): Promise<void> {
    const listId = this.listIds.get(listKey);
    let cursor = '';
    for (;;) {
      const batch = await this.repository.removalBatch(this.shopId, this.syncId, listKey, cursor, REMOVAL_BATCH);
      if (batch.length === 0) break;
      cursor = batch[batch.length - 1].customer_id;
      const profileIds = batch.map((row) => row.profile_id).filter((id): id is string => id !== null);
      // A list whose row is gone (disabled and never created) has no members to remove in Klaviyo.
      if (listId && profileIds.length) await this.client.removeFromList(listId, profileIds);
      await this.repository.applyRemoval(this.shopId, listKey, batch.map((row) => row.customer_id));
      figures.removed += batch.length;
      this.progress.status({ removed: figures.removed });
    }
  }
}

/**
 * Klaviyo profile ids of the departing customers the ledger has none for, looked up 100 per call by
 * external id as the plan hands them over; LOOKUPS_AT_ONCE calls at a time (adding waits for room). The
 * ids found are written to the ledger and the departures IDS_PER_WRITE at a time: each write waits for the
 * ledger writes before it, and written page by page they were slower than the lookups' rate limit.
 */
class DepartureLookups {
  lookedUp = 0;
  /** Ids handed over and not looked up yet (less than a page). */
  private waiting: string[] = [];
  private readonly running = new RunningTasks(LOOKUPS_AT_ONCE);
  /** Profile ids found and not written yet. */
  private found = new Map<string, string>();
  /** The writes so far, one after the other. */
  private written: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: KlaviyoClient,
    private readonly repository: KlaviyoSyncRepository,
    private readonly shopId: number,
    private readonly syncId: number,
  ) {}

  /** Departing customers without a known profile id, looked up a whole page at a time. */
  async add(customerIds: string[]): Promise<void> {
    this.waiting.push(...customerIds);
    while (this.waiting.length >= LOOKUP_BATCH) await this.lookUp(this.waiting.splice(0, LOOKUP_BATCH));
  }

  /** The last page looked up; resolves once every id found is written, or fails with the first failure. */
  async finish(): Promise<void> {
    if (this.waiting.length > 0) await this.lookUp(this.waiting.splice(0));
    await this.running.settle();
    this.running.throwIfFailed();
    await this.write();
  }

  /** Waits for the lookups and writes under way, starting none; never throws. */
  async settle(): Promise<void> {
    await this.running.settle();
    await this.written.catch(() => undefined);
  }

  private async lookUp(page: string[]): Promise<void> {
    await this.running.room();
    this.running.add(
      (async () => {
        for (const [customerId, profileId] of await this.client.profileIdsByExternalId(page)) this.found.set(customerId, profileId);
        this.lookedUp += page.length;
        if (this.found.size >= IDS_PER_WRITE) await this.write();
      })(),
    );
  }

  /** Writes the ids found so far, after the writes before. */
  private write(): Promise<void> {
    const ids = this.found;
    this.found = new Map();
    this.written = this.written.then(() => this.repository.saveProfileIds(this.shopId, this.syncId, ids));
    return this.written;
  }
}

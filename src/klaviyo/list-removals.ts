import { RunningTasks } from '../async/running-tasks';
import type { KlaviyoClient } from './klaviyo-client';
import type { Departure, KlaviyoSyncRepository } from './klaviyo-sync.repository';
import type { SyncProgress } from './sync-progress';

/** Profiles per list removal call (Klaviyo's maximum). */
const REMOVAL_BATCH = 1_000;
/** Removal calls sent together (the limiter still paces them). */
const REMOVALS_AT_ONCE = 10;
/** External ids per profile lookup (one page of an any() filter). */
const LOOKUP_BATCH = 100;
/** Lookups sent together (the limiter still paces them): one at a time, round trips and not the limit set the pace. */
const LOOKUPS_AT_ONCE = 10;
/**
 * Departures waiting for a lookup past which the plan waits: below it the plan is read (and its profiles
 * sent) without waiting for the lookups' rate limit (75 a second).
 */
const LOOKUPS_QUEUED = 20_000;
/** Profile ids found written at once. */
const IDS_PER_WRITE = 1_000;

export interface RemovalFigures {
  removed: number;
  /** Departures per list key. */
  byList: Record<string, number>;
  /** Customers whose Klaviyo profile id was looked up. */
  lookedUp: number;
}

/** Customers leaving one list, gathered for one removal call; a null profile id: Klaviyo has no profile. */
interface RemovalBatch {
  customerIds: string[];
  profileIds: (string | null)[];
}

/**
 * The sync's list departures, handed over page by page as the plan is read, and removed meanwhile.
 * Klaviyo removes members by profile id, which a bulk import does not return per profile (fetching a
 * million ids from the jobs would cost 10,000 calls at 150/min). So the ledger keeps an id once known, and
 * the ids still missing are looked up (DepartureLookups). A departure whose id is known joins its lists'
 * batches; a full batch (1,000) goes out at once, each confirmed in the ledger after Klaviyo's 2xx, and
 * the rest once the whole plan is read. Removing while the plan is read and the ids are looked up, the
 * removals' own limit (10 a second) is spent meanwhile instead of after. A customer leaves one list and
 * joins others, never the same, so removals and imports do not meet. Customers Klaviyo has no profile for
 * are in no list: the ledger just forgets them. Nothing is stored: held are at most one batch per list
 * and the departures waiting for a lookup (up to LOOKUPS_QUEUED before the plan waits).
 */
export class ListDepartures {
  private readonly lookups: DepartureLookups;
  private readonly batches = new Map<string, RemovalBatch>();
  private readonly removals = new RunningTasks(REMOVALS_AT_ONCE);
  private readonly figures: RemovalFigures = { removed: 0, byList: {}, lookedUp: 0 };

  constructor(
    private readonly client: KlaviyoClient,
    private readonly repository: KlaviyoSyncRepository,
    private readonly shopId: number,
    private readonly listIds: Map<string, string>,
    private readonly progress: SyncProgress,
  ) {
    this.lookups = new DepartureLookups(client, repository, shopId, (departure, profileId) => this.depart(departure, profileId));
  }

  /** A page of the plan's departures: those with a known profile id join their batches, the others are looked up. */
  async take(departures: Departure[]): Promise<void> {
    for (const departure of departures) {
      if (departure.profile_id !== null) await this.depart(departure, departure.profile_id);
      // Only what a departure needs is kept: a plan row holds the whole profile.
      else await this.lookups.add({ customer_id: departure.customer_id, remove_lists: departure.remove_lists, profile_id: null });
    }
  }

  /** After the whole plan: the last lookups, then every batch left; resolves once all are removed. */
  async remove(): Promise<RemovalFigures> {
    try {
      await this.lookups.finish();
      for (const listKey of [...this.batches.keys()]) await this.send(listKey);
    } catch (error) {
      this.removals.fail(error);
    }
    await this.removals.settle();
    this.removals.throwIfFailed();
    this.figures.lookedUp = this.lookups.lookedUp;
    return this.figures;
  }

  /** After a plan that failed: waits for the lookups and removals under way (none is started), so nothing is left running behind the sync. */
  async abandon(): Promise<void> {
    this.lookups.stop();
    this.removals.fail(new Error('the plan was not read'));
    await this.lookups.settle();
    await this.removals.settle();
  }

  private async depart(departure: Departure, profileId: string | null): Promise<void> {
    for (const listKey of departure.remove_lists) {
      this.figures.byList[listKey] = (this.figures.byList[listKey] ?? 0) + 1;
      const batch = this.batches.get(listKey) ?? { customerIds: [], profileIds: [] };
      this.batches.set(listKey, batch);
      batch.customerIds.push(departure.customer_id);
      batch.profileIds.push(profileId);
      if (batch.customerIds.length >= REMOVAL_BATCH) await this.send(listKey);
    }
  }

  private async send(listKey: string): Promise<void> {
    const batch = this.batches.get(listKey);
    if (!batch) return;
    this.batches.delete(listKey);
    await this.removals.room();
    this.removals.add(this.removeBatch(listKey, batch));
  }

  private async removeBatch(listKey: string, batch: RemovalBatch): Promise<void> {
    const listId = this.listIds.get(listKey);
    const profileIds = batch.profileIds.filter((id): id is string => id !== null);
    // A list whose row is gone (disabled and never created) has no members to remove in Klaviyo.
    if (listId && profileIds.length) await this.client.removeFromList(listId, profileIds);
    await this.repository.applyRemoval(this.shopId, listKey, batch.customerIds);
    this.figures.removed += batch.customerIds.length;
    this.progress.status({ removed: this.figures.removed });
  }
}

/**
 * Klaviyo profile ids of the departing customers the ledger has none for, looked up 100 per call by
 * external id as the plan hands them over; LOOKUPS_AT_ONCE calls at a time, the pages after them queued
 * (adding waits once LOOKUPS_QUEUED departures are). Each
 * departure goes on, with the id found or null, to `found`. The ids found are written to the ledger
 * IDS_PER_WRITE at a time: each write waits for the ledger writes before it, and written page by page they
 * were slower than the lookups' rate limit.
 */
class DepartureLookups {
  lookedUp = 0;
  /** Departures handed over and not looked up yet (less than a page). */
  private waiting: Departure[] = [];
  private readonly running = new RunningTasks(LOOKUPS_AT_ONCE);
  /** Profile ids found and not written yet. */
  private unwritten = new Map<string, string>();
  /** The writes so far, one after the other. */
  private written: Promise<void> = Promise.resolve();
  /** The queued pages, each started after the one before. */
  private started: Promise<void> = Promise.resolve();
  /** Departures in pages not started yet. */
  private queued = 0;
  private stopped = false;

  constructor(
    private readonly client: KlaviyoClient,
    private readonly repository: KlaviyoSyncRepository,
    private readonly shopId: number,
    private readonly found: (departure: Departure, profileId: string | null) => Promise<void>,
  ) {}

  /** A departing customer without a known profile id, looked up a whole page at a time. */
  async add(departure: Departure): Promise<void> {
    this.waiting.push(departure);
    if (this.waiting.length >= LOOKUP_BATCH) this.enqueue(this.waiting.splice(0));
    if (this.queued >= LOOKUPS_QUEUED) await this.started;
  }

  /** The last page looked up; resolves once every departure went on and every id found is written. */
  async finish(): Promise<void> {
    if (this.waiting.length > 0) this.enqueue(this.waiting.splice(0));
    await this.started;
    await this.running.settle();
    this.running.throwIfFailed();
    await this.write();
  }

  /** No lookup starts from now on. */
  stop(): void {
    this.stopped = true;
  }

  /** Waits for the lookups and writes under way; never throws. */
  async settle(): Promise<void> {
    await this.started.catch(() => undefined);
    await this.running.settle();
    await this.written.catch(() => undefined);
  }

  /** Queues a page: each starts once there is room, in order; a failure stops the ones after it. */
  private enqueue(page: Departure[]): void {
    this.queued += page.length;
    this.started = this.started.then(async () => {
      await this.lookUp(page);
      this.queued -= page.length;
    });
    // Thrown by finish() or add(), or waited out by settle().
    this.started.catch(() => undefined);
  }

  private async lookUp(page: Departure[]): Promise<void> {
    await this.running.room();
    if (this.stopped) return;
    this.running.add(
      (async () => {
        const ids = await this.client.profileIdsByExternalId(page.map((departure) => departure.customer_id));
        this.lookedUp += page.length;
        for (const [customerId, profileId] of ids) this.unwritten.set(customerId, profileId);
        if (this.unwritten.size >= IDS_PER_WRITE) void this.write().catch(() => undefined);
        for (const departure of page) await this.found(departure, ids.get(departure.customer_id) ?? null);
      })(),
    );
  }

  /** Writes the ids found so far, after the writes before. */
  private write(): Promise<void> {
    const ids = this.unwritten;
    this.unwritten = new Map();
    this.written = this.written.then(() => this.repository.saveProfileIds(this.shopId, ids));
    return this.written;
  }
}

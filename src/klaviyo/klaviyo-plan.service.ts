import type { DataSource } from 'typeorm';
import { RFM_GROUPS } from '../segmentation/core/rfm-groups';
import { SegmentRunRepository } from '../segmentation/segment-run.repository';
import type { ShopsRepository } from '../shops/shops.repository';
import { DAILY_LIST_CREATIONS } from './core/rate-limits';
import { listCreationsAllowed, parseKlaviyoSettings, syncedSegments } from './core/synced-segments';
import type { PlannedList, SyncPlan } from './core/sync-plan';
import { KlaviyoSyncRepository } from './klaviyo-sync.repository';
import { addLists, readPlanIn, type PlanRow } from './plan-stream';
import { VIP_TIERS } from './vip-tiers';

/** The sync id the dry run builds its events under, inside a transaction that is rolled back: nothing stays. */
const DRY_RUN_SYNC = 0;

/**
 * What a sync would do, without calling Klaviyo and without leaving a row behind: the same SQL diff as a
 * sync, read and counted, in a transaction that is rolled back. Lists not created yet are assumed created (up to the
 * daily cap), so the plan shows who would join them.
 */
export class KlaviyoPlanService {
  constructor(
    private readonly db: DataSource,
    private readonly shops: ShopsRepository,
  ) {}

  async plan(domain: string | null, sampleSize = 3): Promise<SyncPlan> {
    const shop = await this.shops.resolve(domain);
    const run = await new SegmentRunRepository(this.db).latestSucceededRun(shop.id);
    if (!run) throw new Error(`Shop ${shop.domain} has no segment run to sync yet: run segment-sync segment first`);
    const connected = await this.hasKey(shop.id);
    const settings = parseKlaviyoSettings((await this.shops.settings(shop.id)).klaviyo);
    const runner = this.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      const repository = new KlaviyoSyncRepository(runner);
      const saved: { key: string; name: string }[] = await runner.query(
        `SELECT key, name FROM saved_segments WHERE shop_id = $1 AND key = ANY($2::text[]) ORDER BY key`,
        [shop.id, settings.segments],
      );
      const segments = syncedSegments(RFM_GROUPS, VIP_TIERS, saved);
      const known = await repository.lists(shop.id);
      const missing = segments.filter((segment) => known.get(segment.key)?.status !== 'ready');
      const { deferred } = listCreationsAllowed(missing, await repository.listsCreatedToday(shop.id), DAILY_LIST_CREATIONS);
      const deferredKeys = new Set(deferred.map((segment) => segment.key));
      const listKeys = segments.map((segment) => segment.key).filter((key) => !deferredKeys.has(key));
      const query = { shopId: shop.id, runId: run.id, enabledSegments: saved.map((segment) => segment.key), readyListKeys: listKeys };
      const joining = new Map<string, number>();
      const leaving = new Map<string, number>();
      let upserts = 0;
      let skippedUnreachable = 0;
      let sample: PlanRow[] = [];
      await readPlanIn(runner, query, async (rows) => {
        for (const row of rows) {
          for (const key of row.remove_lists) leaving.set(key, (leaving.get(key) ?? 0) + 1);
          if (row.unreachable) skippedUnreachable += 1;
          if (!row.upsert) continue;
          upserts += 1;
          for (const key of addLists(row)) joining.set(key, (joining.get(key) ?? 0) + 1);
          const last = sample[sampleSize - 1];
          if (!last || row.customer_id < last.customer_id) sample = firstByCustomer([...sample, row], sampleSize);
        }
      });
      const lists: PlannedList[] = segments.map((segment) => ({
        name: segment.listName,
        status: deferredKeys.has(segment.key) ? 'deferred' : known.get(segment.key)?.status === 'ready' ? 'exists' : 'create',
        joining: joining.get(segment.key) ?? 0,
        leaving: leaving.get(segment.key) ?? 0,
      }));
      const lastSynced = await repository.lastSyncedRunNumber(shop.id);
      let events = 0;
      if (lastSynced !== null) {
        await repository.buildEvents(shop.id, DRY_RUN_SYNC, lastSynced, run.runNumber, query.enabledSegments);
        events = await repository.eventCount(shop.id, DRY_RUN_SYNC);
      }
      const names = new Map(segments.map((segment) => [segment.key, segment.listName]));
      return {
        shop: shop.domain,
        runNumber: run.runNumber,
        connected,
        baseline: lastSynced === null,
        lists,
        upserts,
        skippedUnreachable,
        removals: [...leaving.values()].reduce((a, b) => a + b, 0),
        events,
        sample: sample.map((row) => ({
          customerId: row.customer_id,
          joins: addLists(row).map((key) => names.get(key) ?? key),
          properties: row.properties,
        })),
      };
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  private async hasKey(shopId: number): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM shop_credentials WHERE shop_id = $1 AND service = 'klaviyo'`, [shopId]);
    return rows.length > 0;
  }
}

/** The profiles of the lowest customer ids, at most `size` of them, in that order (the plan's rows come by the lists they join). */
function firstByCustomer(rows: PlanRow[], size: number): PlanRow[] {
  return rows.sort((a, b) => (a.customer_id < b.customer_id ? -1 : a.customer_id > b.customer_id ? 1 : 0)).slice(0, size);
}

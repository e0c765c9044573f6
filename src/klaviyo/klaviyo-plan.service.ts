import type { DataSource } from 'typeorm';
import { RFM_GROUPS } from '../segmentation/core/rfm-groups';
import { SegmentRunRepository } from '../segmentation/segment-run.repository';
import type { ShopsRepository } from '../shops/shops.repository';
import { DAILY_LIST_CREATIONS } from './core/rate-limits';
import { listCreationsAllowed, parseKlaviyoSettings, syncedSegments } from './core/synced-segments';
import type { PlannedList, SyncPlan } from './core/sync-plan';
import { profileProperties } from './core/profiles';
import { KlaviyoSyncRepository, type PlanProfileRow } from './klaviyo-sync.repository';
import { PLAN_PROFILE_COLUMNS } from './klaviyo-sync.sql';
import { VIP_TIERS } from './vip-tiers';

/** The sync id the dry run plans under, inside a transaction that is rolled back: nothing stays. */
const DRY_RUN_SYNC = 0;

/**
 * What a sync would do, without calling Klaviyo and without leaving a row behind: the same SQL diff as a
 * sync, run in a transaction that is rolled back. Lists not created yet are assumed created (up to the
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
      const groups = await repository.buildPlan(shop.id, DRY_RUN_SYNC, run, saved.map((segment) => segment.key), listKeys);

      const joining = await countsBy(runner, `SELECT k, count(*)::int AS n FROM klaviyo_sync_plan CROSS JOIN LATERAL unnest(add_lists) AS k
         WHERE shop_id = $1 AND sync_id = $2 GROUP BY k`, shop.id);
      const leaving = await repository.removalCounts(shop.id, DRY_RUN_SYNC);
      const lists: PlannedList[] = segments.map((segment) => ({
        name: segment.listName,
        status: deferredKeys.has(segment.key) ? 'deferred' : known.get(segment.key)?.status === 'ready' ? 'exists' : 'create',
        joining: joining.get(segment.key) ?? 0,
        leaving: leaving.get(segment.key) ?? 0,
      }));
      const upserts = groups.reduce((sum, group) => sum + group.profiles, 0);
      const lastSynced = await repository.lastSyncedRunNumber(shop.id);
      let events = 0;
      if (lastSynced !== null) {
        await repository.buildEvents(shop.id, DRY_RUN_SYNC, lastSynced, run.runNumber, saved.map((segment) => segment.key));
        events = await repository.eventCount(shop.id, DRY_RUN_SYNC);
      }
      const names = new Map(segments.map((segment) => [segment.key, segment.listName]));
      const sample: (PlanProfileRow & { add_lists: string[] })[] = await runner.query(
        `SELECT ${PLAN_PROFILE_COLUMNS}, add_lists FROM klaviyo_sync_plan WHERE shop_id = $1 AND sync_id = $2 AND upsert
         ORDER BY customer_id LIMIT $3`,
        [shop.id, DRY_RUN_SYNC, sampleSize],
      );
      return {
        shop: shop.domain,
        runNumber: run.runNumber,
        connected,
        baseline: lastSynced === null,
        lists,
        upserts,
        skippedUnreachable: await repository.unreachable(shop.id, run.id),
        removals: [...leaving.values()].reduce((a, b) => a + b, 0),
        events,
        sample: sample.map((row) => ({
          customerId: row.customer_id,
          joins: row.add_lists.map((key) => names.get(key) ?? key),
          properties: profileProperties(row),
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

async function countsBy(runner: { query: (sql: string, parameters: unknown[]) => Promise<any[]> }, sql: string, shopId: number) {
  const rows = await runner.query(sql, [shopId, DRY_RUN_SYNC]);
  return new Map<string, number>(rows.map((row) => [row.k, row.n]));
}

import { DataSource, type EntityManager } from 'typeorm';
import type { RunSummary, ShopifyGroupSummary } from './run-summary';
import { ShopsRepository } from '../shops/shops.repository';
import { fitRfmGroups, RFM_GROUPS, type RfmGroupModel } from './core/rfm-groups';
import { SHOPIFY_RFM_GROUPS } from './core/shopify-rfm';
import { readSegmentationSettings } from './segmentation-settings';
import { RunVipTiers } from './vip-tiers';
import { CustomerValues, type CustomerValueOutcome } from './customer-values';
import { SavedSegmentsRepository } from './saved-segments.repository';
import { SegmentRunRepository, type GroupStatsRow, type SegmentRunRecord } from './segment-run.repository';
import { settleAll } from '../async/settle-all';
import type { SqlExecutor } from '../store/sql-executor';

export interface SegmentRunOptions {
  /** The moment recency is measured from; now by default. */
  asOf?: Date;
  /** K-means seed; same data and seed, same groups (the configured seed by default). */
  seed?: number;
  /** K-means is fitted on at most this many customers (a deterministic sample), then everyone is assigned. */
  sampleSize?: number;
  onStep?: (step: SegmentRunStep) => void;
}

export type SegmentRunStep = 'features' | 'clustering' | 'values' | 'memberships' | 'diff' | 'segments' | 'summary';

export interface ShopRef {
  id: number;
  domain: string;
  currency: string;
}

export const DEFAULT_SAMPLE_SIZE = 50_000;

/** A run's options with their defaults filled in, and when it started. */
type RunWork = Required<Pick<SegmentRunOptions, 'asOf' | 'seed' | 'sampleSize'>> & Pick<SegmentRunOptions, 'onStep'> & { started: number };

/**
 * One segmentation run of a shop: features, scores and percentile ranks in SQL; K-means fitted in the core
 * on (a sample of) the points; predicted value; VIP tiers (thresholds in SQL, each customer through the
 * core's vipTierFor); every customer's K-means group, Shopify RFM group and tier written by SQL; the diff
 * against the previous run; the summary the reports render. All set work happens in one transaction: a
 * failed run (a bad stored setting included) writes no membership and is recorded as failed. The one
 * exception is the predicted value and trend purchases, worked out on a second connection when the pool has
 * one and handed over through segment_run_values, which the run empties whether it succeeds or fails.
 */
export class SegmentRunService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shops: ShopsRepository,
    private readonly defaultSeed = 42,
    /** Analyze what a run writes before reading it back: for the embedded database, which has no autovacuum. */
    private readonly refreshStatistics = false,
  ) {}

  /** Runs the named shop, or the only shop of the database when none is named. */
  async runShop(domain: string | null, options: SegmentRunOptions = {}): Promise<RunSummary> {
    return this.run(await this.shops.resolve(domain), options);
  }

  async run(shop: ShopRef, options: SegmentRunOptions = {}): Promise<RunSummary> {
    const asOf = options.asOf ?? new Date();
    const seed = options.seed ?? this.defaultSeed;
    const sampleSize = options.sampleSize ?? DEFAULT_SAMPLE_SIZE;
    const parameters = { seed, sampleSize, restarts: 5, k: RFM_GROUPS.length, asOf: asOf.toISOString() };
    const started = Date.now();
    const run = await this.dataSource.transaction((manager) =>
      new SegmentRunRepository(manager).startRun(shop.id, asOf, parameters),
    );
    try {
      // Counted from before the transaction has its connection: counting too many only spares fewer.
      const work = { asOf, seed, sampleSize, started, onStep: options.onStep };
      return await runConnections.whileHeld(this.dataSource, () =>
        this.dataSource.transaction((manager) => this.segment(manager, shop, run, work)),
      );
    } catch (error) {
      await new SegmentRunRepository(this.dataSource).failRun(run, (error as Error).message);
      throw error;
    }
  }

  /** The set work of a run, in its main transaction. */
  private async segment(
    manager: EntityManager,
    shop: ShopRef,
    run: SegmentRunRecord,
    { asOf, seed, sampleSize, started, onStep }: RunWork,
  ): Promise<RunSummary> {
    const runs = new SegmentRunRepository(manager);
    await runs.lockShop(shop.id);
    await runs.clearValues(shop.id);
    const previous = await runs.latestSucceededRun(shop.id, run.runNumber);
    const settings = await readSegmentationSettings(new ShopsRepository(manager), shop.id);
    onStep?.('features');
    const clustering = async () => {
      const found = await runs.buildFeatures(shop.id, asOf);
      if (found === 0) throw new Error(`Shop ${shop.domain} has no customer with an eligible order to segment`);
      onStep?.('clustering');
      return { customers: found, model: fitRfmGroups(await runs.samplePoints(sampleSize, found), { seed, restarts: 5 }) };
    };
    // Predicted value and trend purchases read the store only: on a spare connection they are worked out
    // while the features are built (both cores busy); without one (the embedded database has a single
    // connection; other runs may hold the rest) they come after them.
    const [{ customers, model }, values] = runConnections.takeSpare(this.dataSource)
      ? await settleAll([clustering(), this.predictValuesOnTheSide(shop.id, run.id, asOf)])
      : [await clustering(), await this.predictValues(manager, shop.id, run.id, asOf)];
    onStep?.('values');
    const vipTiers = await new RunVipTiers(manager).assign(shop.id, asOf, settings.vip, shop.currency);
    onStep?.('memberships');
    await runs.insertMemberships(shop.id, run.id, model, { refreshStatistics: this.refreshStatistics });
    onStep?.('diff');
    await runs.insertChanges(shop.id, run.id, previous?.id ?? null);
    onStep?.('segments');
    const savedSegments = new SavedSegmentsRepository(manager);
    await savedSegments.refreshCatalogue(shop.id, run.id);
    const segmentMembers = await savedSegments.evaluateAll(shop.id, run.id, asOf);
    await runs.clearValues(shop.id);
    onStep?.('summary');
    const summary = await this.summarise(runs, shop, run, previous, model, started);
    summary.rfmScheme = settings.rfmScheme;
    summary.shopifyGroups = describeShopifyGroups(await runs.shopifyGroupStats(shop.id, run.id));
    summary.vipTiers = vipTiers;
    summary.customerValue = describeValues(values);
    summary.savedSegments = segmentMembers;
    await runs.finishRun(run.id, {
      model: model as unknown as RfmGroupModel,
      summary,
      customers,
      orders: summary.orders,
      previousRunId: previous?.id ?? null,
    });
    return summary;
  }

  private async predictValuesOnTheSide(shopId: number, runId: number, asOf: Date): Promise<CustomerValueOutcome> {
    try {
      return await this.dataSource.transaction((own) => this.predictValues(own, shopId, runId, asOf));
    } finally {
      runConnections.release(this.dataSource);
    }
  }

  private async predictValues(db: SqlExecutor, shopId: number, runId: number, asOf: Date): Promise<CustomerValueOutcome> {
    await new SegmentRunRepository(db).useRunSettings();
    return new CustomerValues(db).predict(shopId, runId, asOf);
  }

  private async summarise(
    runs: SegmentRunRepository,
    shop: ShopRef,
    run: SegmentRunRecord,
    previous: SegmentRunRecord | null,
    model: RfmGroupModel,
    started: number,
  ): Promise<RunSummary> {
    const stats = inCanonicalOrder(await runs.groupStats(shop.id, run.id), RFM_GROUPS);
    const movers = await runs.movers(shop.id, run.id);
    const customers = sum(stats, (row) => row.customers);
    const revenue = sum(stats, (row) => row.revenue);
    const byGroup = new Map<string, GroupStatsRow>(stats.map((row) => [row.group, row]));
    const groups = RFM_GROUPS.filter(({ key }) => byGroup.has(key)).map(({ key, name }) => {
      const row = byGroup.get(key)!;
      return {
        group: key,
        name,
        customers: row.customers,
        share: row.customers / customers,
        meanRecencyDays: row.meanRecency,
        meanFrequency: row.meanFrequency,
        meanMonetary: row.meanMonetary,
        revenue: row.revenue,
        revenueShare: revenue === 0 ? 0 : row.revenue / revenue,
      };
    });
    // With no previous run every customer "entered"; the matrix then only says so.
    const stayers = previous
      ? groups
          .map(({ group, customers: inGroup }) => ({
            from: group,
            to: group,
            customers: inGroup - sum(movers.filter((m) => m.to === group), (m) => m.customers),
          }))
          .filter((t) => t.customers > 0)
      : [];
    const finished = new Date();
    return {
      runId: run.id,
      runNumber: run.runNumber,
      shopDomain: shop.domain,
      currency: shop.currency,
      asOf: run.asOf.toISOString(),
      startedAt: new Date(started).toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started,
      customers,
      orders: sum(stats, (row) => row.orders),
      revenue: Math.round(revenue * 100) / 100,
      groups,
      scoreHeatmap: await runs.scoreHeatmap(shop.id, run.id),
      previousRunId: previous?.id ?? null,
      transitions: [...stayers, ...movers],
      entered: sum(movers.filter((m) => m.from === null), (m) => m.customers),
      left: sum(movers.filter((m) => m.to === null), (m) => m.customers),
      parameters: { ...run.parameters, centres: model.centres, inertia: model.inertia },
    };
  }
}

/**
 * Connections of each pool held by the runs of this process: one per run in progress (its main transaction),
 * one more per run working out values on the side. A run takes a side connection only when the pool has one that no
 * run holds, so runs never all hold a connection while each waits for a second (a pool of 4 and 8 runs at
 * once hung for good before this).
 */
const runConnections = {
  held: new WeakMap<DataSource, number>(),
  async whileHeld<T>(pool: DataSource, work: () => Promise<T>): Promise<T> {
    this.take(pool);
    try {
      return await work();
    } finally {
      this.release(pool);
    }
  },
  take(pool: DataSource): void {
    this.held.set(pool, (this.held.get(pool) ?? 0) + 1);
  },
  release(pool: DataSource): void {
    this.held.set(pool, (this.held.get(pool) ?? 1) - 1);
  },
  /** Takes a connection for a side transaction when one is spare. */
  takeSpare(pool: DataSource): boolean {
    if ((this.held.get(pool) ?? 0) >= (pool.options.poolSize ?? 1)) return false;
    this.take(pool);
    return true;
  },
};

/** Shopify's groups in their canonical order, empty ones left out; shares over members and prospects. */
function describeShopifyGroups(rows: { group: string; customers: number; revenue: number }[]): ShopifyGroupSummary[] {
  const stats = inCanonicalOrder(rows, SHOPIFY_RFM_GROUPS);
  const customers = sum(stats, (row) => row.customers);
  const revenue = sum(stats, (row) => row.revenue);
  const byGroup = new Map(stats.map((row) => [row.group, row]));
  return SHOPIFY_RFM_GROUPS.filter(({ key }) => (byGroup.get(key)?.customers ?? 0) > 0).map(({ key, name }) => {
    const row = byGroup.get(key)!;
    return {
      group: key,
      name,
      customers: row.customers,
      share: row.customers / customers,
      revenue: Math.round(row.revenue * 100) / 100,
      revenueShare: revenue === 0 ? 0 : row.revenue / revenue,
    };
  });
}

/** What the run says about predicted value: the fitted models, or why there are none. */
function describeValues(values: CustomerValueOutcome): RunSummary['customerValue'] {
  if (values.status === 'not_enough_history') return { status: values.status, reason: values.reason };
  const { bgNbd, gammaGamma, horizonDays } = values.model;
  return {
    status: values.status,
    customers: values.customers,
    horizonDays,
    bgNbd: { ...bgNbd.parameters, logLikelihood: bgNbd.logLikelihood },
    gammaGamma: { ...gammaGamma.parameters },
  };
}

/**
 * Rows in the scheme's own group order. Float sums depend on the order of their terms, and the figures must
 * not depend on the order rows come back from the database (embedded and server runs agree to the bit).
 */
function inCanonicalOrder<T extends { group: string }>(rows: T[], groups: readonly { key: string }[]): T[] {
  const order = groups.map(({ key }) => key);
  return [...rows].sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

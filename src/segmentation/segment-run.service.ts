import { DataSource } from 'typeorm';
import type { RunSummary } from './run-summary';
import { ShopsRepository } from '../shops/shops.repository';
import { fitRfmGroups, RFM_GROUPS, type RfmGroupModel } from './core/rfm-groups';
import { readSegmentationSettings } from './segmentation-settings';
import { describeVipTiers, RunVipTiers, type VipTally } from './vip-tiers';
import type { VipTierSettings } from './core/vip-tiers';
import { CustomerValues, type CustomerValueOutcome } from './customer-values';
import { SavedSegmentsRepository } from './saved-segments.repository';
import { SegmentRunRepository, type SegmentRunRecord } from './segment-run.repository';
import { addUpFigures, type PartFigureRow, type PartMoverRow } from './run-figures';
import { summariseRun } from './summarise-run';
import { settleAll } from '../async/settle-all';
import { ALL_CUSTOMERS, customerParts, type CustomerPart } from '../store/customer-parts';
import { RunConnection, runConnections } from './run-connection';
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

/** The error recorded for a run found stopped. */
const STOPPED = 'The run stopped before it finished (its process or connection ended); a later run of the shop found it so';

/** What each part of a run counted. */
interface PartOutcome {
  vip: VipTally;
  figures: PartFigureRow[];
  movers: PartMoverRow[];
  savedSegments: Record<string, number>;
}

/**
 * One segmentation run of a shop: features, scores and percentile ranks in SQL; K-means fitted in the core
 * on (a sample of) the points; predicted value; VIP tiers (thresholds in SQL, each customer through the
 * core's vipTierFor); every customer's K-means group, Shopify RFM group and tier written by SQL; the diff
 * against the previous run; the saved segments' members; the summary the reports render.
 *
 * The run holds one connection throughout (RunConnection) and works in stages, each a transaction:
 * 1. features, clustering, the catalogue and the VIP thresholds (these two read every customer of the run);
 *    beside them, on a second connection when the pool spares one, predicted value and trend purchases (both
 *    read the store only); committed to segment_run_features and segment_run_values;
 * 2. VIP tiers, memberships, diff and saved segments per part of the customers (by a hash of their id): two
 *    parts at once on two connections when the pool spares one, else all customers at once;
 * 3. the summary, the run marked succeeded, its work rows deleted.
 * Readers only read succeeded runs. A failed run is marked failed and its rows deleted in one transaction;
 * a run whose process ended is found stopped by the next run of the shop, which does the same for it. The
 * catalogue refreshed in stage 1 stays: it describes the store, whichever run refreshed it.
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
    const work = { asOf, seed, sampleSize, started, onStep: onceEach(options.onStep) };
    // Counted from before the run has its connection: counting too many only spares fewer.
    return runConnections.whileHeld(this.dataSource, async () => {
      const connection = await RunConnection.open(this.dataSource);
      let run: SegmentRunRecord | null = null;
      try {
        run = await connection.transaction((db) => new SegmentRunRepository(db).startRun(shop.id, asOf, parameters));
        return await this.segment(connection, shop, run, work);
      } catch (error) {
        if (run) await this.recordFailure(connection, run, (error as Error).message);
        throw error;
      } finally {
        await connection.close();
      }
    });
  }

  /** The stages of a run (see the class comment), on the run's connection. */
  private async segment(connection: RunConnection, shop: ShopRef, run: SegmentRunRecord, work: RunWork): Promise<RunSummary> {
    const { asOf, onStep } = work;
    const runs = new SegmentRunRepository(connection.db);
    await runs.holdWorkLock(shop.id);
    for (const stopped of await runs.stoppedRuns(shop.id, run.id)) {
      await connection.transaction((db) => new SegmentRunRepository(db).failRun(stopped, STOPPED));
    }
    await runs.clearOtherWork(shop.id, run.id);
    const previous = await runs.latestSucceededRun(shop.id, run.runNumber);
    const settings = await readSegmentationSettings(new ShopsRepository(connection.db), shop.id);
    onStep?.('features');
    const { customers, model, thresholds, values } = await this.features(connection, shop, run, settings.vip, work);
    onStep?.('values');
    const parts = await this.inParts(connection, async (db, part): Promise<PartOutcome> => {
      const partRuns = new SegmentRunRepository(db);
      await partRuns.useRunSettings();
      const vip = await new RunVipTiers(db).assign({ shopId: shop.id, runId: run.id, asOf }, settings.vip, thresholds, shop.currency, part);
      onStep?.('memberships');
      const figures = await partRuns.insertMemberships(shop.id, run.id, previous?.id ?? null, model, part, { refreshStatistics: this.refreshStatistics });
      onStep?.('diff');
      const movers = await partRuns.insertChanges(shop.id, run.id, previous?.id ?? null, part);
      onStep?.('segments');
      const savedSegments = await new SavedSegmentsRepository(db).evaluateAll(shop.id, run.id, asOf, part);
      return { vip, figures, movers, savedSegments };
    });
    onStep?.('summary');
    return connection.transaction(async (db) => {
      const finishing = new SegmentRunRepository(db);
      const summary = summariseRun({
        shop,
        run,
        previous,
        model,
        started: work.started,
        figures: addUpFigures(parts),
        prospects: await finishing.countProspects(shop.id, run.id),
        rfmScheme: settings.rfmScheme,
        vipTiers: describeVipTiers(settings.vip, thresholds, parts.map((part) => part.vip)),
        values,
        savedSegments: addUp(parts.map((part) => part.savedSegments)),
      });
      await finishing.clearWork(shop.id, run.id);
      await finishing.finishRun(run.id, {
        model: model as unknown as RfmGroupModel,
        summary,
        customers,
        orders: summary.orders,
        previousRunId: previous?.id ?? null,
      });
      return summary;
    });
  }

  /**
   * Stage 1: features, clustering, the catalogue and the VIP thresholds, and beside them predicted value and
   * trend purchases, which read the store only: on a spare connection both cores are busy; without one (the
   * embedded database has a single connection; other runs may hold the rest) they come after them, in the same
   * transaction.
   */
  private async features(connection: RunConnection, shop: ShopRef, run: SegmentRunRecord, vip: VipTierSettings, work: RunWork) {
    const clustering = async (db: SqlExecutor) => {
      const runs = new SegmentRunRepository(db);
      await runs.useRunSettings();
      const found = await runs.buildFeatures(shop.id, run.id, work.asOf);
      if (found === 0) throw new Error(`Shop ${shop.domain} has no customer with an eligible order to segment`);
      work.onStep?.('clustering');
      const points = await runs.samplePoints(shop.id, run.id, work.sampleSize, found);
      const model = fitRfmGroups(points, { seed: work.seed, restarts: 5 });
      await new SavedSegmentsRepository(db).refreshCatalogue(shop.id, run.id);
      return { customers: found, model, thresholds: await new RunVipTiers(db).thresholds(shop.id, run.id, vip) };
    };
    const predicting = (db: SqlExecutor) => this.predictValues(db, shop.id, run.id, work.asOf);
    return runConnections.withSpare(
      this.dataSource,
      async () => {
        const [clustered, values] = await settleAll([connection.transaction(clustering), this.dataSource.transaction(predicting)]);
        return { ...clustered, values };
      },
      () => connection.transaction(async (db) => ({ ...(await clustering(db)), values: await predicting(db) })),
    );
  }

  /** Stage 2: the work of each part in a transaction of its own; two parts at once when the pool spares a connection. */
  private async inParts<T>(connection: RunConnection, work: (db: SqlExecutor, part: CustomerPart) => Promise<T>): Promise<T[]> {
    const [first, second] = customerParts(2);
    return runConnections.withSpare<T[]>(
      this.dataSource,
      () => settleAll([connection.transaction((db) => work(db, first)), this.dataSource.transaction((db) => work(db, second))]),
      async () => [await connection.transaction((db) => work(db, ALL_CUSTOMERS))],
    );
  }

  private async predictValues(db: SqlExecutor, shopId: number, runId: number, asOf: Date): Promise<CustomerValueOutcome> {
    await new SegmentRunRepository(db).useRunSettings();
    return new CustomerValues(db).predict(shopId, runId, asOf);
  }

  /**
   * Marks the run failed and deletes its rows, on its own connection; when that connection is lost, on another
   * once it is given back (the embedded database has only the one).
   */
  private async recordFailure(connection: RunConnection, run: SegmentRunRecord, message: string): Promise<void> {
    const fail = (db: SqlExecutor) => new SegmentRunRepository(db).failRun(run, message);
    try {
      await connection.transaction(fail);
    } catch {
      await connection.close();
      await this.dataSource.transaction(fail);
    }
  }
}

/** Each step reported once, when the first part reaches it. */
function onceEach(onStep: SegmentRunOptions['onStep']): SegmentRunOptions['onStep'] {
  if (!onStep) return undefined;
  const reported = new Set<SegmentRunStep>();
  return (step) => {
    if (reported.has(step)) return;
    reported.add(step);
    onStep(step);
  };
}

/** Members per saved segment, added up over the parts. */
function addUp(counts: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const part of counts) for (const [key, n] of Object.entries(part)) total[key] = (total[key] ?? 0) + n;
  return total;
}

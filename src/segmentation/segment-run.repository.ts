import type { RfmGroupModel, RfmPoint } from './core/rfm-groups';
import { ELIGIBILITY_WINDOW_YEARS, ELIGIBLE_FINANCIAL_STATUSES, RETURNS_RATE_FINANCIAL_STATUSES } from './core/eligibility';
import { NO_SPEND_REASON } from './core/vip-tiers';
import { settingsForLargeSets, type SqlExecutor } from '../store/sql-executor';
import { deterministicSample } from './deterministic-sample';
import { CLEAR_RUN_VALUES } from './customer-values.sql';
import {
  BUILD_RUN_CATEGORY_SETS,
  BUILD_RUN_FEATURES,
  BUILD_RUN_ORDER_TOTALS,
  GROUP_STATS,
  INSERT_CHANGES,
  MOVERS,
  SCORE_HEATMAP,
  insertMembershipsSql,
} from './segment-run.sql';
import { SHOPIFY_GROUP_STATS, shopifyRfmGroupParameters } from './shopify-rfm.sql';

export interface GroupStatsRow {
  group: string;
  customers: number;
  meanRecency: number;
  meanFrequency: number;
  meanMonetary: number;
  revenue: number;
  orders: number;
}

export interface SegmentRunRecord {
  id: number;
  shopId: number;
  runNumber: number;
  status: string;
  asOf: Date;
  parameters: Record<string, unknown>;
  summary: Record<string, unknown> | null;
  previousRunId: number | null;
}

/**
 * Every statement a segment run makes. Construct it on a transaction's executor for the set work (the
 * temporary feature table lives in that transaction), or on the data source for bookkeeping.
 */
export class SegmentRunRepository {
  constructor(private readonly db: SqlExecutor) {}

  /** Numbers the run under a per-shop lock so concurrent runs of one shop never share a number. */
  async startRun(shopId: number, asOf: Date, parameters: Record<string, unknown>): Promise<SegmentRunRecord> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtext('segment_runs'), $1)`, [shopId]);
    const [row] = await this.db.query(
      `INSERT INTO segment_runs (shop_id, run_number, status, as_of, parameters)
       SELECT $1, coalesce(max(run_number), 0) + 1, 'running', $2, $3::jsonb FROM segment_runs WHERE shop_id = $1
       RETURNING id, run_number`,
      [shopId, asOf, JSON.stringify(parameters)],
    );
    return {
      id: Number(row.id),
      shopId,
      runNumber: row.run_number,
      status: 'running',
      asOf,
      parameters,
      summary: null,
      previousRunId: null,
    };
  }

  async lockShop(shopId: number): Promise<void> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtext('segment_run_work'), $1)`, [shopId]);
    await this.useRunSettings();
  }

  /** The session settings of a run's set work, for the rest of the caller's transaction. */
  async useRunSettings(): Promise<void> {
    // Calendar arithmetic on timestamptz follows the session zone; the rules are stated in UTC.
    await this.db.query(`SET LOCAL TimeZone = 'UTC'`);
    await settingsForLargeSets(this.db);
  }

  /**
   * Deletes the shop's predicted values of segment_run_values: those of the run once its memberships hold
   * them, and at a run's start those a stopped run left. Safe under the shop's run lock: a run only starts
   * working out values once it holds that lock.
   */
  async clearValues(shopId: number): Promise<void> {
    await this.db.query(CLEAR_RUN_VALUES, [shopId]);
  }

  async latestSucceededRun(shopId: number, before?: number): Promise<SegmentRunRecord | null> {
    const rows = await this.db.query(
      `SELECT id, shop_id, run_number, status, as_of, parameters, summary, previous_run_id FROM segment_runs
       WHERE shop_id = $1 AND status = 'succeeded' AND ($2::int IS NULL OR run_number < $2)
       ORDER BY run_number DESC LIMIT 1`,
      [shopId, before ?? null],
    );
    return rows.length ? toRunRecord(rows[0]) : null;
  }

  async findRun(shopId: number, runId: number): Promise<SegmentRunRecord | null> {
    const rows = await this.db.query(
      `SELECT id, shop_id, run_number, status, as_of, parameters, summary, previous_run_id FROM segment_runs
       WHERE shop_id = $1 AND id = $2`,
      [shopId, runId],
    );
    return rows.length ? toRunRecord(rows[0]) : null;
  }

  async recentRuns(shopId: number, limit: number): Promise<SegmentRunRecord[]> {
    const rows = await this.db.query(
      `SELECT id, shop_id, run_number, status, as_of, parameters, summary, previous_run_id FROM segment_runs
       WHERE shop_id = $1 AND status = 'succeeded' ORDER BY run_number DESC LIMIT $2`,
      [shopId, limit],
    );
    return rows.map(toRunRecord);
  }

  /** Builds the run's feature table; returns the number of customers with an eligible order. */
  async buildFeatures(shopId: number, asOf: Date): Promise<number> {
    const orderParameters = [
      shopId,
      asOf,
      ELIGIBLE_FINANCIAL_STATUSES,
      RETURNS_RATE_FINANCIAL_STATUSES,
      ELIGIBILITY_WINDOW_YEARS,
    ];
    await this.db.query(BUILD_RUN_CATEGORY_SETS, orderParameters);
    // Temporary tables get no statistics by themselves; without them the joins below go row by row.
    await this.db.query(`ANALYZE run_category_sets`);
    await this.db.query(BUILD_RUN_ORDER_TOTALS, orderParameters);
    await this.db.query(`ANALYZE run_order_totals`);
    await this.db.query(BUILD_RUN_FEATURES, [shopId, asOf]);
    await this.db.query(`ANALYZE run_features`);
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM run_features`);
    return row.n;
  }

  /** The points K-means is fitted on: everyone in a small store, else a deterministic sample. */
  async samplePoints(sampleSize: number, customers: number): Promise<RfmPoint[]> {
    const rows = await deterministicSample<{ u_r: number; u_f: number; u_m: number }>(
      this.db,
      'run_features',
      'u_r, u_f, u_m',
      sampleSize,
      customers,
    );
    return rows.map((row) => [row.u_r, row.u_f, row.u_m]);
  }

  async insertMemberships(shopId: number, runId: number, model: RfmGroupModel, options: { refreshStatistics: boolean }): Promise<void> {
    // One centre: every customer is in its group and the nearest-centre expression reads no coordinate.
    const centres =
      model.centres.length === 1 ? [model.centres[0].group] : model.centres.flatMap(({ group, centre }) => [group, ...centre]);
    await this.db.query(insertMembershipsSql(model.centres.length), [
      shopId,
      runId,
      ...centres,
      ...shopifyRfmGroupParameters(),
      NO_SPEND_REASON,
    ]);
    // The diff, the summary and the saved segments join what was just written. The embedded database has no
    // autovacuum to tell the planner how big it is (a 20k-customer run took 57 s instead of 7); on a server,
    // autovacuum does, and an ANALYZE per run would cost a second more with every month of history.
    if (options.refreshStatistics) await this.db.query(`ANALYZE segment_memberships`);
  }

  async insertChanges(shopId: number, runId: number, previousRunId: number | null): Promise<void> {
    await this.db.query(INSERT_CHANGES, [shopId, runId, previousRunId]);
  }

  async groupStats(shopId: number, runId: number): Promise<GroupStatsRow[]> {
    const rows = await this.db.query(GROUP_STATS, [shopId, runId]);
    return rows.map((row: Record<string, unknown>) => ({
      group: row.group as string,
      customers: row.customers as number,
      meanRecency: row.mean_recency as number,
      meanFrequency: row.mean_frequency as number,
      meanMonetary: row.mean_monetary as number,
      revenue: row.revenue as number,
      orders: row.orders as number,
    }));
  }

  /** Customers and revenue per Shopify RFM group, prospects included (no revenue); inside the run's transaction. */
  async shopifyGroupStats(shopId: number, runId: number): Promise<{ group: string; customers: number; revenue: number }[]> {
    const rows = await this.db.query(SHOPIFY_GROUP_STATS, [shopId, runId]);
    return rows.map((row: Record<string, unknown>) => ({
      group: row.group as string,
      customers: row.customers as number,
      revenue: row.revenue as number,
    }));
  }

  async movers(shopId: number, runId: number): Promise<{ from: string | null; to: string | null; customers: number }[]> {
    const rows = await this.db.query(MOVERS, [shopId, runId]);
    return rows.map((row: Record<string, unknown>) => ({
      from: row.from_group as string | null,
      to: row.to_group as string | null,
      customers: row.customers as number,
    }));
  }

  async scoreHeatmap(shopId: number, runId: number) {
    const rows = await this.db.query(SCORE_HEATMAP, [shopId, runId]);
    return rows.map((row: Record<string, unknown>) => ({
      r: row.r as number,
      f: row.f as number,
      customers: row.customers as number,
      meanMonetary: row.mean_monetary as number,
    }));
  }

  async finishRun(
    runId: number,
    result: { model: RfmGroupModel; summary: unknown; customers: number; orders: number; previousRunId: number | null },
  ): Promise<void> {
    await this.db.query(
      `UPDATE segment_runs SET status = 'succeeded', model = $2::jsonb, summary = $3::jsonb, customers = $4,
         orders = $5, previous_run_id = $6, finished_at = now() WHERE id = $1`,
      [runId, JSON.stringify(result.model), JSON.stringify(result.summary), result.customers, result.orders, result.previousRunId],
    );
  }

  async failRun(run: { id: number; shopId: number }, error: string): Promise<void> {
    await this.db.query(`UPDATE segment_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [
      run.id,
      error.slice(0, 2000),
    ]);
    // Values worked out on their own connection are committed; the run's rollback did not take them.
    await this.db.query(`DELETE FROM segment_run_values WHERE shop_id = $1 AND run_id = $2`, [run.shopId, run.id]);
  }
}

function toRunRecord(row: Record<string, any>): SegmentRunRecord {
  return {
    id: Number(row.id),
    shopId: row.shop_id,
    runNumber: row.run_number,
    status: row.status,
    asOf: row.as_of,
    parameters: row.parameters,
    summary: row.summary,
    previousRunId: row.previous_run_id === null ? null : Number(row.previous_run_id),
  };
}

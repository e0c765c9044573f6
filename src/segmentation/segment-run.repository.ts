import type { RfmGroupModel, RfmPoint } from './core/rfm-groups';
import { ELIGIBILITY_WINDOW_YEARS, ELIGIBLE_FINANCIAL_STATUSES, RETURNS_RATE_FINANCIAL_STATUSES } from './core/eligibility';
import { NO_SPEND_REASON } from './core/vip-tiers';
import { settingsForLargeSets, type SqlExecutor } from '../store/sql-executor';
import { deterministicSample } from './deterministic-sample';
import type { CustomerPart } from '../store/customer-parts';
import {
  BUILD_RUN_CATEGORY_SETS,
  BUILD_RUN_FEATURES,
  BUILD_RUN_ORDER_TOTALS,
  INSERT_CHANGES,
  insertMembershipsSql,
} from './segment-run.sql';
import { COUNT_PROSPECTS, shopifyRfmGroupParameters } from './shopify-rfm.sql';
import type { PartFigureRow, PartMoverRow } from './run-figures';

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
 * Every statement a segment run makes. Construct it on the executor of the stage's transaction for the set
 * work (the temporary tables of a stage live in its transaction), on the run's connection for its locks, or on
 * the data source for reading runs.
 */
export class SegmentRunRepository {
  constructor(private readonly db: SqlExecutor) {}

  /**
   * Numbers the run under a per-shop lock so concurrent runs of one shop never share a number, and takes its
   * alive lock (see stoppedRuns) before the commit lets anyone see it running. Call it in a transaction of the
   * run's own connection.
   */
  async startRun(shopId: number, asOf: Date, parameters: Record<string, unknown>): Promise<SegmentRunRecord> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtext('segment_runs'), $1)`, [shopId]);
    const [row] = await this.db.query(
      `INSERT INTO segment_runs (shop_id, run_number, status, as_of, parameters)
       SELECT $1, coalesce(max(run_number), 0) + 1, 'running', $2, $3::jsonb FROM segment_runs WHERE shop_id = $1
       RETURNING id, run_number`,
      [shopId, asOf, JSON.stringify(parameters)],
    );
    await this.db.query(`SELECT pg_advisory_lock(hashtext('segment_run_alive'), $1::int)`, [row.id]);
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

  /**
   * The shop's work lock, a session lock on the run's own connection held until it lets go of its locks: it
   * waits while another run of the shop works. With the alive lock startRun took (which stoppedRuns reads).
   */
  async holdWorkLock(shopId: number): Promise<void> {
    await this.db.query(`SELECT pg_advisory_lock(hashtext('segment_run_work'), $1)`, [shopId]);
  }

  /**
   * Runs of the shop still marked running whose process has ended: no connection holds their alive lock. A
   * run that waits for the work lock holds its own, so it is never taken for stopped.
   */
  async stoppedRuns(shopId: number, runId: number): Promise<{ id: number; shopId: number }[]> {
    const running: { id: string }[] = await this.db.query(
      `SELECT id FROM segment_runs WHERE shop_id = $1 AND status = 'running' AND id <> $2 ORDER BY id`,
      [shopId, runId],
    );
    const stopped = [];
    for (const { id } of running) {
      const [{ free }] = await this.db.query(`SELECT pg_try_advisory_lock(hashtext('segment_run_alive'), $1::int) AS free`, [id]);
      if (!free) continue;
      await this.db.query(`SELECT pg_advisory_unlock(hashtext('segment_run_alive'), $1::int)`, [id]);
      stopped.push({ id: Number(id), shopId });
    }
    return stopped;
  }

  /**
   * Deletes the shop's work rows (features and values) of other runs: those of stopped runs, which nothing else
   * deletes. Safe under the shop's work lock: a run writes work rows only while it holds it.
   */
  async clearOtherWork(shopId: number, runId: number): Promise<void> {
    for (const table of WORK_TABLES) await this.db.query(`DELETE FROM ${table} WHERE shop_id = $1 AND run_id <> $2`, [shopId, runId]);
  }

  /** Deletes the run's work rows once its memberships and saved segments hold what it needs of them. */
  async clearWork(shopId: number, runId: number): Promise<void> {
    for (const table of WORK_TABLES) await this.db.query(`DELETE FROM ${table} WHERE shop_id = $1 AND run_id = $2`, [shopId, runId]);
  }

  /** The session settings of a run's set work, for the rest of the caller's transaction. */
  async useRunSettings(): Promise<void> {
    // Calendar arithmetic on timestamptz follows the session zone; the rules are stated in UTC.
    await this.db.query(`SET LOCAL TimeZone = 'UTC'`);
    await settingsForLargeSets(this.db);
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

  /** Builds the run's features (segment_run_features); returns the number of customers with an eligible order. */
  async buildFeatures(shopId: number, runId: number, asOf: Date): Promise<number> {
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
    await this.db.query(BUILD_RUN_FEATURES, [shopId, asOf, runId]);
    // Emptied and refilled by every run: the statistics autovacuum would gather come too late for it.
    await this.db.query(`ANALYZE segment_run_features`);
    const [row] = await this.db.query(
      `SELECT count(*)::int AS n FROM segment_run_features WHERE shop_id = $1 AND run_id = $2`,
      [shopId, runId],
    );
    return row.n;
  }

  /** The points K-means is fitted on: everyone in a small store, else a deterministic sample. */
  async samplePoints(shopId: number, runId: number, sampleSize: number, customers: number): Promise<RfmPoint[]> {
    const rows = await deterministicSample<{ u_r: number; u_f: number; u_m: number }>(
      this.db,
      'segment_run_features',
      'u_r, u_f, u_m',
      sampleSize,
      customers,
      { sql: 'shop_id = $3 AND run_id = $4', parameters: [shopId, runId] },
    );
    return rows.map((row) => [row.u_r, row.u_f, row.u_m]);
  }

  /**
   * The memberships of one part of the run's customers, each with the date it last entered a group or tier
   * (carried from the previous run's membership); returns the part's figures for the summary.
   */
  async insertMemberships(
    shopId: number,
    runId: number,
    previousRunId: number | null,
    model: RfmGroupModel,
    part: CustomerPart,
    options: { refreshStatistics: boolean },
  ): Promise<PartFigureRow[]> {
    // One centre: every customer is in its group and the nearest-centre expression reads no coordinate.
    const centres =
      model.centres.length === 1 ? [model.centres[0].group] : model.centres.flatMap(({ group, centre }) => [group, ...centre]);
    const figures = await this.db.query(insertMembershipsSql(model.centres.length), [
      shopId,
      runId,
      part.parts,
      part.part,
      ...centres,
      ...shopifyRfmGroupParameters(),
      NO_SPEND_REASON,
      previousRunId,
    ]);
    // The diff, the summary and the saved segments join what was just written. The embedded database has no
    // autovacuum to tell the planner how big it is (a 20k-customer run took 57 s instead of 7); on a server,
    // autovacuum does, and an ANALYZE per run would cost a second more with every month of history.
    if (options.refreshStatistics) await this.db.query(`ANALYZE segment_memberships`);
    return figures;
  }

  /** The changes of one part of the run's customers; returns its movers between RFM groups. */
  async insertChanges(shopId: number, runId: number, previousRunId: number | null, part: CustomerPart): Promise<PartMoverRow[]> {
    return this.db.query(INSERT_CHANGES, [shopId, runId, previousRunId, part.parts, part.part]);
  }

  /** The shop's customers without a membership of the run (no eligible order); before its features are deleted. */
  async countProspects(shopId: number, runId: number): Promise<number> {
    const [row] = await this.db.query(COUNT_PROSPECTS, [shopId, runId]);
    return row.customers;
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

  /**
   * Records a run as failed and deletes every row it wrote: its parts commit on their own connections, so a
   * rollback does not reach them. Call it in a transaction: a run marked failed has no rows left.
   */
  async failRun(run: { id: number; shopId: number }, error: string): Promise<void> {
    await this.db.query(`UPDATE segment_runs SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`, [
      run.id,
      error.slice(0, 2000),
    ]);
    for (const table of RUN_TABLES) {
      await this.db.query(`DELETE FROM ${table} WHERE shop_id = $1 AND run_id = $2`, [run.shopId, run.id]);
    }
  }
}

/** The unlogged tables a run hands its work over through, keyed by shop and run, emptied when it ends. */
const WORK_TABLES = ['segment_run_features', 'segment_run_values'] as const;

/** Every table a run writes rows of its own to, keyed by shop and run. */
const RUN_TABLES = ['segment_memberships', 'segment_changes', 'saved_segment_members', ...WORK_TABLES] as const;

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

import {
  fitClvModel,
  NotEnoughHistoryError,
  scoreCustomers,
  type ClvModel,
  type SummaryColumns,
} from './core/clv';
import { ELIGIBILITY_WINDOW_YEARS, ELIGIBLE_FINANCIAL_STATUSES } from './core/eligibility';
import type { SqlExecutor } from '../store/sql-executor';
import { deterministicSample } from './deterministic-sample';
import {
  BUILD_VALUE_SUMMARIES,
  CLOSE_VALUE_GRID,
  CREATE_RUN_VALUE_GRID,
  FETCH_VALUE_GRID,
  INSERT_RUN_VALUE_GRID,
  INSERT_RUN_VALUES,
  OPEN_VALUE_GRID,
} from './customer-values.sql';

const MS_PER_DAY = 86_400_000;
const DAYS_PER_UNIT = 7;
/** The models are fitted on at most this many customers (a deterministic sample): 7 parameters need far fewer. */
export const VALUE_FIT_SAMPLE = 200_000;
/** Distinct (x, t_x, T) scored and written per round trip; bounds the process's memory whatever the store's size. */
const SCORE_PAGE = 50_000;

export type CustomerValueOutcome =
  | { status: 'predicted'; model: ClvModel; customers: number }
  | { status: 'not_enough_history'; reason: string };

/**
 * Predicted value for a segment run: summaries in SQL (`run_value_summaries`), the models fitted in the core
 * on a sample, the BG/NBD scores of every distinct (x, t_x, T) computed by the core page by page into
 * `run_value_grid`, then each customer's value columns, Gamma-Gamma order value and CLV computed in SQL, into
 * segment_run_values for the memberships to copy, with the customer's trend purchases for the saved segments. It reads the store only, so the run gives it a connection
 * and transaction of its own when it can, and it runs while the features are built. A store the models
 * cannot describe gets no value columns and the reason, never invented numbers.
 */
export class CustomerValues {
  constructor(private readonly db: SqlExecutor) {}

  async predict(shopId: number, runId: number, asOf: Date): Promise<CustomerValueOutcome> {
    const outcome = await this.fit(shopId, asOf);
    const gammaGamma = outcome.status === 'predicted' ? outcome.model.gammaGamma.parameters : null;
    // The grid joins on three float columns, one of them (x) with few values; the planner then expects
    // crowded hash buckets and sorts a million summaries for a merge join instead (1M: 2.7 s, hashed 1.2 s).
    await this.db.query(`SET LOCAL enable_mergejoin = off`);
    await this.db.query(INSERT_RUN_VALUES, [
      shopId,
      runId,
      gammaGamma?.p ?? null,
      gammaGamma?.q ?? null,
      gammaGamma?.v ?? null,
      asOf,
      ELIGIBLE_FINANCIAL_STATUSES,
      ELIGIBILITY_WINDOW_YEARS,
    ]);
    await this.db.query(`RESET enable_mergejoin`);
    // The memberships join these rows; without statistics the planner guesses a handful.
    await this.db.query(`ANALYZE segment_run_values`);
    return outcome;
  }

  private async fit(shopId: number, asOf: Date): Promise<CustomerValueOutcome> {
    await this.db.query(CREATE_RUN_VALUE_GRID);
    await this.db.query(BUILD_VALUE_SUMMARIES, [
      shopId,
      asOf,
      ELIGIBLE_FINANCIAL_STATUSES,
      ELIGIBILITY_WINDOW_YEARS,
      DAYS_PER_UNIT,
    ]);
    // The value rows join this temporary table; without statistics the planner guesses a handful of rows.
    await this.db.query(`ANALYZE run_value_summaries`);
    const [{ summaries }] = await this.db.query(`SELECT count(*)::int AS summaries FROM run_value_summaries`);
    let model: ClvModel;
    try {
      const sample = await deterministicSample<SummaryRow>(
        this.db,
        'run_value_summaries',
        'customer_id, x, t_x, t, zbar',
        VALUE_FIT_SAMPLE,
        summaries,
      );
      model = fitClvModel(toColumns(sample), {
        calibrationEnd: asOf,
        daysPerUnit: DAYS_PER_UNIT,
      });
    } catch (error) {
      if (error instanceof NotEnoughHistoryError) return { status: 'not_enough_history', reason: error.message };
      throw error;
    }
    await this.scoreGrid(model, asOf);
    return { status: 'predicted', model, customers: summaries };
  }

  /** The BG/NBD scores of each distinct (x, t_x, T) of the summaries, into run_value_grid. */
  private async scoreGrid(model: ClvModel, asOf: Date): Promise<void> {
    const endDay = Math.floor(asOf.getTime() / MS_PER_DAY);
    await this.db.query(OPEN_VALUE_GRID);
    for (;;) {
      const page: GridRow[] = await this.db.query(FETCH_VALUE_GRID(SCORE_PAGE));
      if (page.length === 0) break;
      // The order value is computed in SQL per customer; the grid only needs what x, t_x and T decide.
      const scores = scoreCustomers(model, toColumns(page.map((row) => ({ ...row, zbar: 0 }))));
      const nextOrder = Array.from(scores.daysToNextOrder, (days) =>
        Number.isNaN(days) ? null : new Date((endDay + days) * MS_PER_DAY).toISOString(),
      );
      await this.db.query(INSERT_RUN_VALUE_GRID, [
        page.map((row) => row.x),
        page.map((row) => row.t_x),
        page.map((row) => row.t),
        Array.from(scores.pAlive),
        Array.from(scores.expectedOrders90d),
        Array.from(scores.expectedOrders365d),
        Array.from(scores.ordersOverHorizon),
        nextOrder,
      ]);
    }
    await this.db.query(CLOSE_VALUE_GRID);
    // The join of every customer to the grid needs its size.
    await this.db.query(`ANALYZE run_value_grid`);
  }
}

type GridRow = Omit<SummaryRow, 'customer_id' | 'zbar'>;

interface SummaryRow {
  customer_id: string;
  x: number;
  t_x: number;
  t: number;
  zbar: number;
}

function toColumns(rows: Omit<SummaryRow, 'customer_id'>[]): SummaryColumns {
  return {
    repeatPurchases: Float64Array.from(rows, (row) => row.x),
    timeToLastPurchase: Float64Array.from(rows, (row) => row.t_x),
    timeObserved: Float64Array.from(rows, (row) => row.t),
    meanRepeatValue: Float64Array.from(rows, (row) => row.zbar),
  };
}

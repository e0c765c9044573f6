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
  CREATE_RUN_VALUES,
  INSERT_RUN_VALUES,
  CLOSE_VALUE_SUMMARIES,
  FETCH_VALUE_SUMMARIES,
  OPEN_VALUE_SUMMARIES,
} from './customer-values.sql';

const MS_PER_DAY = 86_400_000;
const DAYS_PER_UNIT = 7;
/** The models are fitted on at most this many customers (a deterministic sample): 7 parameters need far fewer. */
export const VALUE_FIT_SAMPLE = 200_000;
/** Customers scored and written per round trip; bounds the process's memory whatever the store's size. */
const SCORE_PAGE = 50_000;

export type CustomerValueOutcome =
  | { status: 'predicted'; model: ClvModel; customers: number }
  | { status: 'not_enough_history'; reason: string };

/**
 * Predicted value inside a segment run's transaction: summaries in SQL, the models fitted in the core on a
 * sample, every customer scored page by page into the temporary table `run_values`, which the memberships
 * join. A store the models cannot describe gets an empty table and the reason, never invented numbers.
 */
export class CustomerValues {
  constructor(private readonly db: SqlExecutor) {}

  async predict(shopId: number, asOf: Date): Promise<CustomerValueOutcome> {
    await this.db.query(CREATE_RUN_VALUES);
    await this.db.query(BUILD_VALUE_SUMMARIES, [
      shopId,
      asOf,
      ELIGIBLE_FINANCIAL_STATUSES,
      ELIGIBILITY_WINDOW_YEARS,
      DAYS_PER_UNIT,
    ]);
    // The memberships join these temporary tables; without statistics the planner guesses a handful of rows.
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
    const customers = await this.scoreEveryone(model, asOf);
    await this.db.query(`ANALYZE run_values`);
    return { status: 'predicted', model, customers };
  }

  private async scoreEveryone(model: ClvModel, asOf: Date): Promise<number> {
    const endDay = Math.floor(asOf.getTime() / MS_PER_DAY);
    let scored = 0;
    await this.db.query(OPEN_VALUE_SUMMARIES);
    for (;;) {
      const page: SummaryRow[] = await this.db.query(FETCH_VALUE_SUMMARIES(SCORE_PAGE));
      if (page.length === 0) {
        await this.db.query(CLOSE_VALUE_SUMMARIES);
        return scored;
      }
      const scores = scoreCustomers(model, toColumns(page));
      const nextOrder = Array.from(scores.daysToNextOrder, (days) =>
        Number.isNaN(days) ? null : new Date((endDay + days) * MS_PER_DAY).toISOString(),
      );
      await this.db.query(INSERT_RUN_VALUES, [
        page.map((row) => row.customer_id),
        Array.from(scores.pAlive),
        Array.from(scores.expectedOrders90d),
        Array.from(scores.expectedOrders365d),
        Array.from(scores.expectedOrderValue, roundCents),
        Array.from(scores.clv, roundCents),
        nextOrder,
      ]);
      scored += page.length;
    }
  }
}

interface SummaryRow {
  customer_id: string;
  x: number;
  t_x: number;
  t: number;
  zbar: number;
}

function toColumns(rows: SummaryRow[]): SummaryColumns {
  return {
    repeatPurchases: Float64Array.from(rows, (row) => row.x),
    timeToLastPurchase: Float64Array.from(rows, (row) => row.t_x),
    timeObserved: Float64Array.from(rows, (row) => row.t),
    meanRepeatValue: Float64Array.from(rows, (row) => row.zbar),
  };
}

function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}

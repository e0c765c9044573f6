/**
 * Predicted customer lifetime value for one store: BG/NBD for how many orders and whether the customer is
 * still a customer, Gamma-Gamma for what an order is worth, both fitted on the store's own summaries.
 *
 * Definitions (per customer, looking forward from the calibration end):
 *   pAlive              P(still a customer | x, t_x, T) under BG/NBD; 1 for customers without repeat orders.
 *   churnRisk           1 − pAlive.
 *   expectedOrders90d   expected purchase days in the next 90 days; expectedOrders365d likewise for 365.
 *   expectedOrderValue  Gamma-Gamma expected value of one purchase day; the store's mean for one-time buyers.
 *   clv                 expected purchase days over the horizon (365 days by default) × expectedOrderValue:
 *                       undiscounted revenue over that horizon, net of refunds as the transactions are.
 *                       A finite horizon, not a lifetime, because a year is what marketers act on and the
 *                       model's long tail is its least reliable part.
 *   expectedNextOrderAt the first day after the calibration end by which the customer has more likely than not
 *                       ordered again: the median of the predictive time to the next purchase (see
 *                       medianTimeToNextPurchase in bg-nbd.ts). null when that chance never reaches one half
 *                       (pAlive ≤ 0.5) or not within `nextOrderHorizonDays` (730 by default).
 * An "order" is a purchase day: the summaries merge same-day orders (see summary.ts).
 *
 * A store whose data cannot support the fit gets a NotEnoughHistoryError, never numbers made up to fill in.
 */
import {
  expectedPurchasesIfActive,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  medianTimeToNextPurchase,
  probabilityAlive,
  type BgNbdFit,
} from './bg-nbd';
import { expectedOrderValue, fitGammaGamma, type GammaGammaFit } from './gamma-gamma';
import { DEFAULT_DAYS_PER_UNIT, MS_PER_DAY, utcDayNumber, type CustomerSummary, type SummaryColumns } from './summary';

/**
 * Why the thresholds (defaults, each overridable):
 * - 200 customers and 50 repeat customers: BG/NBD has 4 parameters and Gamma-Gamma 3; the dropout (a, b) and
 *   spend-spread (q) parameters are learnt from repeat customers alone, and with fewer than about 50 of them
 *   their estimates are mostly noise (CDNOW has 2357 customers and 946 repeat buyers).
 * - 90 days of history (the oldest customer's T): below the shortest forecast horizon, nothing separates a
 *   slow buyer from a lost one, so P(alive) and the 90-day forecast would be extrapolation.
 */
export const DEFAULT_MINIMUM_CUSTOMERS = 200;
export const DEFAULT_MINIMUM_REPEAT_CUSTOMERS = 50;
export const DEFAULT_MINIMUM_HISTORY_DAYS = 90;
export const DEFAULT_HORIZON_DAYS = 365;
export const DEFAULT_NEXT_ORDER_HORIZON_DAYS = 730;

export type NotEnoughHistoryReason =
  | 'too-few-customers'
  | 'too-few-repeat-customers'
  | 'history-too-short'
  | 'fit-failed';

/** The store's data cannot support a lifetime-value model; the message says what is missing. */
export class NotEnoughHistoryError extends Error {
  constructor(
    readonly reason: NotEnoughHistoryReason,
    message: string,
  ) {
    super(`not enough history to predict customer value: ${message}`);
    this.name = 'NotEnoughHistoryError';
  }
}

export interface ClvOptions {
  /** Last calendar day (UTC) of the history the summaries were built with; predictions look forward from it. */
  calibrationEnd: Date;
  /** Days per model time unit, the one the summaries were built with (7 by default). */
  daysPerUnit?: number;
  horizonDays?: number;
  nextOrderHorizonDays?: number;
  minimumCustomers?: number;
  minimumRepeatCustomers?: number;
  minimumHistoryDays?: number;
}

export interface ClvModel {
  bgNbd: BgNbdFit;
  gammaGamma: GammaGammaFit;
  calibrationEnd: Date;
  daysPerUnit: number;
  horizonDays: number;
  nextOrderHorizonDays: number;
}

export interface CustomerValuePrediction {
  customerId: string;
  pAlive: number;
  churnRisk: number;
  expectedOrders90d: number;
  expectedOrders365d: number;
  expectedOrderValue: number;
  clv: number;
  expectedNextOrderAt: Date | null;
}

/** Fits both models after checking the store has enough history; throws NotEnoughHistoryError if not. */
export function fitClvModel(columns: SummaryColumns, options: ClvOptions): ClvModel {
  const daysPerUnit = options.daysPerUnit ?? DEFAULT_DAYS_PER_UNIT;
  const minimumCustomers = options.minimumCustomers ?? DEFAULT_MINIMUM_CUSTOMERS;
  const minimumRepeatCustomers = options.minimumRepeatCustomers ?? DEFAULT_MINIMUM_REPEAT_CUSTOMERS;
  const minimumHistoryDays = options.minimumHistoryDays ?? DEFAULT_MINIMUM_HISTORY_DAYS;
  const customers = columns.repeatPurchases.length;
  let repeatCustomers = 0;
  let longestObserved = 0;
  for (let i = 0; i < customers; i++) {
    if (columns.repeatPurchases[i] > 0 && columns.meanRepeatValue[i] > 0) repeatCustomers++;
    longestObserved = Math.max(longestObserved, columns.timeObserved[i]);
  }
  const historyDays = longestObserved * daysPerUnit;
  if (customers < minimumCustomers) {
    throw new NotEnoughHistoryError(
      'too-few-customers',
      `${customers} customers with a purchase, at least ${minimumCustomers} are needed`,
    );
  }
  if (repeatCustomers < minimumRepeatCustomers) {
    throw new NotEnoughHistoryError(
      'too-few-repeat-customers',
      `${repeatCustomers} customers bought again (on a later day, for a positive amount), ` +
        `at least ${minimumRepeatCustomers} are needed`,
    );
  }
  if (historyDays < minimumHistoryDays) {
    throw new NotEnoughHistoryError(
      'history-too-short',
      `the oldest customer's first purchase is ${Math.round(historyDays)} days before the calibration end, ` +
        `at least ${minimumHistoryDays} days are needed`,
    );
  }
  const bgNbd = fitBgNbd(columns);
  const gammaGamma = fitGammaGamma(columns);
  const model: ClvModel = {
    bgNbd,
    gammaGamma,
    calibrationEnd: new Date(utcDayNumber(options.calibrationEnd) * MS_PER_DAY),
    daysPerUnit,
    horizonDays: options.horizonDays ?? DEFAULT_HORIZON_DAYS,
    nextOrderHorizonDays: options.nextOrderHorizonDays ?? DEFAULT_NEXT_ORDER_HORIZON_DAYS,
  };
  checkUsable(model);
  return model;
}

/** A fit that did not converge or whose predictions are not finite numbers is refused, not passed on. */
function checkUsable(model: ClvModel): void {
  const { bgNbd, gammaGamma } = model;
  if (!bgNbd.converged) {
    throw new NotEnoughHistoryError('fit-failed', 'the purchase-count model (BG/NBD) did not converge');
  }
  if (!gammaGamma.converged) {
    throw new NotEnoughHistoryError('fit-failed', 'the order-value model (Gamma-Gamma) did not converge');
  }
  if (!(gammaGamma.parameters.q > 1)) {
    throw new NotEnoughHistoryError(
      'fit-failed',
      'order values vary too wildly between customers for a finite average ' +
        `(Gamma-Gamma q = ${gammaGamma.parameters.q.toPrecision(3)} ≤ 1)`,
    );
  }
  const newCustomerOrders = expectedPurchasesNewCustomer(bgNbd.parameters, model.horizonDays / model.daysPerUnit);
  if (!(Number.isFinite(newCustomerOrders) && newCustomerOrders >= 0)) {
    throw new NotEnoughHistoryError('fit-failed', 'the fitted purchase-count model gives no finite forecast');
  }
}

/** All predictions as parallel arrays; `daysToNextOrder` is NaN where expectedNextOrderAt is null. */
export interface ValueScores {
  pAlive: Float64Array;
  expectedOrders90d: Float64Array;
  expectedOrders365d: Float64Array;
  expectedOrderValue: Float64Array;
  clv: Float64Array;
  daysToNextOrder: Float64Array;
  /** Expected purchase days over the model's horizon: clv = ordersOverHorizon × expectedOrderValue. */
  ordersOverHorizon: Float64Array;
}

/** Scores every customer of the columns in one pass: the bulk path (a million customers in about a second). */
export function scoreCustomers(model: ClvModel, columns: SummaryColumns): ValueScores {
  const n = columns.repeatPurchases.length;
  const scores: ValueScores = {
    pAlive: new Float64Array(n),
    expectedOrders90d: new Float64Array(n),
    expectedOrders365d: new Float64Array(n),
    expectedOrderValue: new Float64Array(n),
    clv: new Float64Array(n),
    daysToNextOrder: new Float64Array(n),
    ordersOverHorizon: new Float64Array(n),
  };
  const bgNbd = model.bgNbd.parameters;
  const unit = model.daysPerUnit;
  const horizon = model.horizonDays;
  for (let i = 0; i < n; i++) {
    const x = columns.repeatPurchases[i];
    const tx = columns.timeToLastPurchase[i];
    const T = columns.timeObserved[i];
    const alive = probabilityAlive(bgNbd, x, tx, T);
    const orders90 = alive * expectedPurchasesIfActive(bgNbd, x, T, 90 / unit);
    const orders365 = alive * expectedPurchasesIfActive(bgNbd, x, T, 365 / unit);
    const ordersOverHorizon =
      horizon === 365
        ? orders365
        : horizon === 90
          ? orders90
          : alive * expectedPurchasesIfActive(bgNbd, x, T, horizon / unit);
    const value = expectedOrderValue(model.gammaGamma.parameters, x, columns.meanRepeatValue[i]);
    scores.pAlive[i] = alive;
    scores.expectedOrders90d[i] = orders90;
    scores.expectedOrders365d[i] = orders365;
    scores.expectedOrderValue[i] = value;
    scores.clv[i] = ordersOverHorizon * value;
    scores.ordersOverHorizon[i] = ordersOverHorizon;
    scores.daysToNextOrder[i] = daysToNextOrder(model, x, tx, T);
  }
  return scores;
}

/** Whole days from the calibration end day to the expected next order day (≥ 1), or NaN for none. */
function daysToNextOrder(model: ClvModel, x: number, tx: number, T: number): number {
  const days = medianTimeToNextPurchase(model.bgNbd.parameters, x, tx, T) * model.daysPerUnit;
  if (!(days <= model.nextOrderHorizonDays)) return Number.NaN;
  return Math.max(1, Math.ceil(days));
}

/** The predictions for summaries built with the model's calibration end and time unit, in their order. */
export function predictCustomerValues(
  model: ClvModel,
  summaries: readonly CustomerSummary[],
): CustomerValuePrediction[] {
  const scores = scoreCustomers(model, {
    repeatPurchases: Float64Array.from(summaries, (s) => s.repeatPurchases),
    timeToLastPurchase: Float64Array.from(summaries, (s) => s.timeToLastPurchase),
    timeObserved: Float64Array.from(summaries, (s) => s.timeObserved),
    meanRepeatValue: Float64Array.from(summaries, (s) => s.meanRepeatValue),
  });
  const endDay = utcDayNumber(model.calibrationEnd);
  return summaries.map((summary, i) => {
    const days = scores.daysToNextOrder[i];
    return {
      customerId: summary.customerId,
      pAlive: scores.pAlive[i],
      churnRisk: 1 - scores.pAlive[i],
      expectedOrders90d: scores.expectedOrders90d[i],
      expectedOrders365d: scores.expectedOrders365d[i],
      expectedOrderValue: scores.expectedOrderValue[i],
      clv: scores.clv[i],
      expectedNextOrderAt: Number.isNaN(days) ? null : new Date((endDay + days) * MS_PER_DAY),
    };
  });
}

/**
 * The per-customer summary the lifetime-value models are fitted on (Fader, Hardie & Lee's x, t_x, T, zbar),
 * built from dated transactions and a calibration end day.
 *
 * Conventions (they reproduce the published CDNOW summary to its two decimals, see summary.spec.ts):
 * - A purchase is a customer's calendar day (UTC) with at least one transaction; same-day transactions are
 *   added together, because the models count purchase occasions, not receipts.
 * - The calibration end is a calendar day (UTC) and is inclusive: transactions on that day count. Later
 *   transactions, and customers whose first purchase is later, are left out.
 * - Times are whole days between the purchase days (start of day to start of day) divided by `daysPerUnit`
 *   (7 by default: weeks, the unit of the published results):
 *     repeatPurchases      x   = distinct purchase days − 1
 *     timeToLastPurchase   t_x = last purchase day − first purchase day
 *     timeObserved         T   = calibration end day − first purchase day
 *     meanRepeatValue      zbar = mean of the daily totals after the first day (0 when x = 0), the
 *                                `lifetimes` convention: the first purchase says little about later spend.
 */
import type { OrderRecord } from '../../../store/store-records';
import { isEligibleOrder } from '../eligibility';

export const MS_PER_DAY = 86_400_000;
export const DEFAULT_DAYS_PER_UNIT = 7;

export interface Transaction {
  customerId: string;
  at: Date;
  amount: number;
}

export interface CustomerSummary {
  customerId: string;
  /** x: purchase days after the first one. */
  repeatPurchases: number;
  /** t_x: from the first to the last purchase day, in time units. */
  timeToLastPurchase: number;
  /** T: from the first purchase day to the calibration end day, in time units. */
  timeObserved: number;
  /** zbar: mean total of the repeat purchase days; 0 for a customer without repeat purchases. */
  meanRepeatValue: number;
  firstPurchaseAt: Date;
  lastPurchaseAt: Date;
}

/** The same summaries as parallel typed arrays: what the fits and the bulk scoring read. */
export interface SummaryColumns {
  repeatPurchases: Float64Array;
  timeToLastPurchase: Float64Array;
  timeObserved: Float64Array;
  meanRepeatValue: Float64Array;
}

export interface SummaryOptions {
  /** Last calendar day (UTC) of the calibration period, inclusive; the time of day is ignored. */
  calibrationEnd: Date;
  /** Days in one model time unit; 7 (weeks) by default. */
  daysPerUnit?: number;
}

/** Day number since the epoch of the UTC calendar day containing `at`. */
export function utcDayNumber(at: Date): number {
  return Math.floor(at.getTime() / MS_PER_DAY);
}

/** Summaries sorted by customerId (code-unit order), one per customer with a purchase by the calibration end. */
export function summariseTransactions(transactions: Iterable<Transaction>, options: SummaryOptions): CustomerSummary[] {
  const daysPerUnit = options.daysPerUnit ?? DEFAULT_DAYS_PER_UNIT;
  if (!(daysPerUnit > 0)) throw new RangeError(`daysPerUnit must be positive, got ${daysPerUnit}`);
  const endDay = utcDayNumber(options.calibrationEnd);
  if (!Number.isFinite(endDay)) throw new RangeError('calibrationEnd is not a valid date');

  // customer → (day number → that day's total)
  const dailyTotals = new Map<string, Map<number, number>>();
  for (const { customerId, at, amount } of transactions) {
    const day = utcDayNumber(at);
    if (!Number.isFinite(day)) throw new RangeError(`transaction of customer ${customerId} has an invalid date`);
    if (!Number.isFinite(amount)) throw new RangeError(`transaction of customer ${customerId} has amount ${amount}`);
    if (day > endDay) continue;
    let days = dailyTotals.get(customerId);
    if (!days) dailyTotals.set(customerId, (days = new Map()));
    days.set(day, (days.get(day) ?? 0) + amount);
  }

  const summaries: CustomerSummary[] = [];
  for (const [customerId, days] of dailyTotals) {
    const ordered = [...days.keys()].sort((p, q) => p - q);
    const firstDay = ordered[0];
    const lastDay = ordered[ordered.length - 1];
    let repeatTotal = 0;
    for (let i = 1; i < ordered.length; i++) repeatTotal += days.get(ordered[i])!;
    const repeatPurchases = ordered.length - 1;
    summaries.push({
      customerId,
      repeatPurchases,
      timeToLastPurchase: (lastDay - firstDay) / daysPerUnit,
      timeObserved: (endDay - firstDay) / daysPerUnit,
      meanRepeatValue: repeatPurchases > 0 ? repeatTotal / repeatPurchases : 0,
      firstPurchaseAt: new Date(firstDay * MS_PER_DAY),
      lastPurchaseAt: new Date(lastDay * MS_PER_DAY),
    });
  }
  return summaries.sort((p, q) => (p.customerId < q.customerId ? -1 : p.customerId > q.customerId ? 1 : 0));
}

/**
 * The store's eligible orders (eligibility.ts) as transactions valued net of refunds, the monetary rule of
 * DESIGN.md. `asOf` is the moment eligibility is judged at; to keep the whole calibration end day, pass its
 * last moment (orders after `asOf` are not eligible).
 */
export function transactionsFromOrders(orders: Iterable<OrderRecord>, asOf: Date): Transaction[] {
  const transactions: Transaction[] = [];
  for (const order of orders) {
    if (!isEligibleOrder(order, asOf)) continue;
    const amount = order.totalPrice - order.totalRefunded;
    transactions.push({ customerId: order.customerId!, at: order.createdAt, amount });
  }
  return transactions;
}

export function toColumns(summaries: readonly CustomerSummary[]): SummaryColumns {
  const n = summaries.length;
  const columns: SummaryColumns = {
    repeatPurchases: new Float64Array(n),
    timeToLastPurchase: new Float64Array(n),
    timeObserved: new Float64Array(n),
    meanRepeatValue: new Float64Array(n),
  };
  summaries.forEach((summary, i) => {
    columns.repeatPurchases[i] = summary.repeatPurchases;
    columns.timeToLastPurchase[i] = summary.timeToLastPurchase;
    columns.timeObserved[i] = summary.timeObserved;
    columns.meanRepeatValue[i] = summary.meanRepeatValue;
  });
  return columns;
}

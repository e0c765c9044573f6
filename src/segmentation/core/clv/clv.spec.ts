import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expectedPurchases, probabilityAlive } from './bg-nbd';
import { parseCdnowTransactions } from './cdnow';
import { fitClvModel, NotEnoughHistoryError, predictCustomerValues, scoreCustomers } from './clv';
import { expectedOrderValue } from './gamma-gamma';
import { summariseTransactions, toColumns, type Transaction } from './summary';

const CDNOW_DIR = process.env.CDNOW_DIR ?? resolve(__dirname, '../../../../../shared/data/cdnow');
const transactions = parseCdnowTransactions(readFileSync(resolve(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8'));
const calibrationEnd = new Date('1997-09-30T00:00:00Z');
const summaries = summariseTransactions(transactions, { calibrationEnd });
const model = fitClvModel(toColumns(summaries), { calibrationEnd });
const predictions = predictCustomerValues(model, summaries);
const byId = new Map(predictions.map((prediction) => [prediction.customerId, prediction]));

describe('predicted customer value on CDNOW, from the raw transactions to one prediction per customer', () => {
  it('fits both models on the store and predicts every customer', () => {
    expect(model.bgNbd.customers).toBe(2357);
    expect(model.gammaGamma.customers).toBe(946);
    expect(predictions).toHaveLength(2357);
  });

  it('spells out customer 1 (x = 2, t_x = 213 days, T = 272 days) from the two models', () => {
    const { r, alpha, a, b } = model.bgNbd.parameters;
    const [x, tx, T] = [2, 213 / 7, 272 / 7];
    const pAlive = 1 / (1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x));
    const value = expectedOrderValue(model.gammaGamma.parameters, x, (29.73 + 14.96) / 2);
    const one = byId.get('1')!;
    expect(one.pAlive).toBeCloseTo(pAlive, 12);
    expect(one.churnRisk).toBeCloseTo(1 - pAlive, 12);
    expect(one.expectedOrders90d).toBeCloseTo(expectedPurchases(model.bgNbd.parameters, x, tx, T, 90 / 7), 12);
    expect(one.expectedOrders365d).toBeCloseTo(expectedPurchases(model.bgNbd.parameters, x, tx, T, 365 / 7), 12);
    expect(one.expectedOrderValue).toBeCloseTo(value, 12);
    // CLV: expected orders over the default 365-day horizon × expected order value, undiscounted.
    expect(one.clv).toBeCloseTo(one.expectedOrders365d * value, 10);
  });

  it('forecasts the 39-week holdout (Oct 1997 to Jun 1998) to within 15% of the purchase days that happened', () => {
    // Not a published figure: an end-to-end check of scale. The model forecasts 1653 purchase days, 1882
    // happened; BG/NBD has no seasonality and the holdout contains Christmas 1997.
    const holdoutDays = new Set<string>();
    for (const t of transactions) {
      if (t.at > calibrationEnd) holdoutDays.add(`${t.customerId} ${t.at.toISOString().slice(0, 10)}`);
    }
    const forecast = summaries.reduce(
      (sum, s) =>
        sum + expectedPurchases(model.bgNbd.parameters, s.repeatPurchases, s.timeToLastPurchase, s.timeObserved, 39),
      0,
    );
    expect(holdoutDays.size).toBe(1882);
    expect(forecast).toBeCloseTo(1653.4, 0);
    expect(Math.abs(forecast / holdoutDays.size - 1)).toBeLessThan(0.15);
  });

  it('treats a customer without repeat purchases as surely alive and prices their orders at the store mean', () => {
    const oneTime = summaries.find((s) => s.repeatPurchases === 0)!;
    const prediction = byId.get(oneTime.customerId)!;
    const { p, q, v } = model.gammaGamma.parameters;
    expect(prediction.pAlive).toBe(1);
    expect(prediction.churnRisk).toBe(0);
    expect(prediction.expectedOrderValue).toBeCloseTo((p * v) / (q - 1), 12);
  });

  it('dates the next order the first day by which it has more likely than not happened, or not at all', () => {
    for (const [s, prediction] of summaries.map((s, i) => [s, predictions[i]] as const)) {
      const alive = probabilityAlive(model.bgNbd.parameters, s.repeatPurchases, s.timeToLastPurchase, s.timeObserved);
      if (alive <= 0.5) expect(prediction.expectedNextOrderAt).toBeNull();
      if (prediction.expectedNextOrderAt) {
        expect(prediction.expectedNextOrderAt.getTime()).toBeGreaterThan(calibrationEnd.getTime());
        const twoYearsLater = calibrationEnd.getTime() + 730 * 86_400_000;
        expect(prediction.expectedNextOrderAt.getTime()).toBeLessThanOrEqual(twoYearsLater);
      }
    }
    // A frequent, recent buyer is dated within weeks; most one-time buyers of 1997 are not dated at all.
    const frequent = summaries.find((s) => s.repeatPurchases >= 10 && s.timeObserved - s.timeToLastPurchase < 2)!;
    const next = byId.get(frequent.customerId)!.expectedNextOrderAt!;
    expect((next.getTime() - calibrationEnd.getTime()) / 86_400_000).toBeLessThan(60);
    const undated = predictions.filter((prediction) => prediction.expectedNextOrderAt === null).length;
    expect(undated).toBeGreaterThan(predictions.length / 2);
  });

  it('uses the horizon it is given for the CLV', () => {
    const quarterModel = { ...model, horizonDays: 90 };
    const [quarter] = predictCustomerValues(quarterModel, summaries.slice(0, 1));
    expect(quarter.clv).toBeCloseTo(quarter.expectedOrders90d * quarter.expectedOrderValue, 10);
  });

  it('is deterministic: the same history gives the same model and the same predictions', () => {
    const again = fitClvModel(toColumns(summaries), { calibrationEnd });
    expect(again).toEqual(model);
    expect(scoreCustomers(again, toColumns(summaries))).toEqual(scoreCustomers(model, toColumns(summaries)));
  });
});

describe('a store whose history cannot support the models gets NotEnoughHistoryError and no numbers', () => {
  const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000);
  const end = day(365);
  /** n customers first buying on day `first`, `repeaters` of whom buy again 30 days later. */
  function store(n: number, repeaters: number, first = 0): Transaction[] {
    const rows: Transaction[] = [];
    for (let i = 0; i < n; i++) {
      rows.push({ customerId: `c${i}`, at: day(first + (i % 30)), amount: 40 + (i % 7) });
      if (i < repeaters) rows.push({ customerId: `c${i}`, at: day(first + (i % 30) + 30), amount: 35 + (i % 11) });
    }
    return rows;
  }
  const attempt = (rows: Transaction[], calibrationEnd = end) => () =>
    fitClvModel(toColumns(summariseTransactions(rows, { calibrationEnd })), { calibrationEnd });

  it('refuses a store of 20 customers', () => {
    expect(attempt(store(20, 10))).toThrow(NotEnoughHistoryError);
    expect(attempt(store(20, 10))).toThrow(
      'not enough history to predict customer value: 20 customers with a purchase, at least 200 are needed',
    );
  });

  it('refuses a store where too few customers came back', () => {
    expect(attempt(store(500, 12))).toThrow(/12 customers bought again .* at least 50 are needed/);
  });

  it('refuses a store whose history is shorter than 90 days', () => {
    expect(attempt(store(500, 200, 300))).toThrow(
      /oldest customer's first purchase is 65 days before the calibration end, at least 90 days/,
    );
  });

  it('says which rule failed in a machine-readable reason', () => {
    try {
      attempt(store(500, 12))();
      throw new Error('expected a NotEnoughHistoryError');
    } catch (error) {
      expect(error).toBeInstanceOf(NotEnoughHistoryError);
      expect((error as NotEnoughHistoryError).reason).toBe('too-few-repeat-customers');
    }
  });
});

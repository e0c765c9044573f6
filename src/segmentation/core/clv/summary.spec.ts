import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCdnowSummary, parseCdnowTransactions } from './cdnow';
import { summariseTransactions, toColumns, transactionsFromOrders, type Transaction } from './summary';

const CDNOW_DIR = process.env.CDNOW_DIR ?? resolve(__dirname, '../../../../../shared/data/cdnow');
const day = (iso: string, hour = 0) => new Date(`${iso}T${String(hour).padStart(2, '0')}:00:00Z`);

describe('summariseTransactions: x, t_x, T and zbar per customer', () => {
  const calibrationEnd = day('2024-03-31');

  it('counts purchase days, not transactions: same-day purchases are added together', () => {
    const transactions: Transaction[] = [
      { customerId: 'c1', at: day('2024-01-01', 9), amount: 10 },
      { customerId: 'c1', at: day('2024-01-01', 18), amount: 5 },
      { customerId: 'c1', at: day('2024-01-15', 12), amount: 20 },
      { customerId: 'c1', at: day('2024-01-15', 23), amount: 10 },
      { customerId: 'c1', at: day('2024-01-29'), amount: 60 },
    ];
    const [summary] = summariseTransactions(transactions, { calibrationEnd });
    expect(summary).toEqual({
      customerId: 'c1',
      repeatPurchases: 2,
      timeToLastPurchase: 4, // 28 days = 4 weeks
      timeObserved: 90 / 7, // 1 January to 31 March 2024
      meanRepeatValue: 45, // (30 + 60) / 2: the first day's 15 is left out
      firstPurchaseAt: day('2024-01-01'),
      lastPurchaseAt: day('2024-01-29'),
    });
  });

  it('includes the whole calibration end day and nothing after it', () => {
    const transactions: Transaction[] = [
      { customerId: 'c1', at: day('2024-03-01'), amount: 10 },
      { customerId: 'c1', at: new Date('2024-03-31T23:59:59.999Z'), amount: 30 },
      { customerId: 'c1', at: day('2024-04-01'), amount: 1000 },
      { customerId: 'later', at: day('2024-04-02'), amount: 50 },
    ];
    const summaries = summariseTransactions(transactions, { calibrationEnd: new Date('2024-03-31T15:00:00Z') });
    const rows = summaries.map((s) => [s.customerId, s.repeatPurchases, s.timeToLastPurchase, s.timeObserved]);
    expect(rows).toEqual([['c1', 1, 30 / 7, 30 / 7]]);
    expect(summaries[0].meanRepeatValue).toBe(30);
  });

  it('gives a one-day customer x = 0, t_x = 0 and zbar = 0, and measures time in the unit asked for', () => {
    const [summary] = summariseTransactions([{ customerId: 'c1', at: day('2024-03-01'), amount: 99 }], {
      calibrationEnd,
      daysPerUnit: 1,
    });
    const { repeatPurchases, timeToLastPurchase, timeObserved, meanRepeatValue } = summary;
    expect([repeatPurchases, timeToLastPurchase, timeObserved, meanRepeatValue]).toEqual([0, 0, 30, 0]);
  });

  it('sorts customers by id and lays them out as columns for the fits', () => {
    const summaries = summariseTransactions(
      [
        { customerId: 'b', at: day('2024-01-01'), amount: 1 },
        { customerId: 'a', at: day('2024-01-08'), amount: 1 },
        { customerId: 'a', at: day('2024-01-15'), amount: 3 },
      ],
      { calibrationEnd },
    );
    expect(summaries.map((s) => s.customerId)).toEqual(['a', 'b']);
    const columns = toColumns(summaries);
    expect(Array.from(columns.repeatPurchases)).toEqual([1, 0]);
    expect(Array.from(columns.meanRepeatValue)).toEqual([3, 0]);
  });

  it('refuses a non-positive time unit', () => {
    expect(() => summariseTransactions([], { calibrationEnd, daysPerUnit: 0 })).toThrow(RangeError);
  });
});

describe('transactionsFromOrders: eligible orders, valued net of refunds', () => {
  it('keeps paid orders with a customer and drops cancelled, unpaid and anonymous ones', () => {
    const base = {
      name: null,
      financialStatus: 'paid' as const,
      cancelledAt: null,
      currency: 'EUR',
      subtotal: 100,
      totalDiscounts: 0,
      totalPrice: 100,
      totalRefunded: 0,
      discountCodes: [],
      shippingCountry: null,
      lines: [],
    };
    const orders = [
      {
        ...base,
        orderId: '1',
        customerId: 'c1',
        createdAt: day('2024-01-01'),
        financialStatus: 'partially_refunded' as const,
        totalRefunded: 30,
      },
      { ...base, orderId: '2', customerId: 'c1', createdAt: day('2024-01-02'), cancelledAt: day('2024-01-03') },
      { ...base, orderId: '3', customerId: 'c1', createdAt: day('2024-01-04'), financialStatus: 'pending' as const },
      { ...base, orderId: '4', customerId: null, createdAt: day('2024-01-05') },
    ];
    expect(transactionsFromOrders(orders, day('2024-02-01'))).toEqual([
      { customerId: 'c1', at: day('2024-01-01'), amount: 70 },
    ]);
  });
});

describe('the published CDNOW summary is reproduced from the raw transactions', () => {
  const transactions = parseCdnowTransactions(readFileSync(resolve(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8'));
  const published = parseCdnowSummary(
    readFileSync(resolve(CDNOW_DIR, 'cdnow_customers_summary_with_transactions.csv'), 'utf8'),
  );
  // Calibration end 1997-09-30 inclusive, weeks of 7 days, days counted start to start.
  const ours = new Map(
    summariseTransactions(transactions, { calibrationEnd: day('1997-09-30') }).map((s) => [s.customerId, s]),
  );

  it('has the same 2357 customers', () => {
    expect(transactions).toHaveLength(6919);
    expect(ours.size).toBe(2357);
    expect([...ours.keys()].sort()).toEqual(published.map((row) => row.id).sort());
  });

  it('matches x exactly and t_x, T, zbar to the file\'s two decimals for every customer', () => {
    const mismatches = published.filter((row) => {
      const s = ours.get(row.id)!;
      const within = (value: number, printed: number) => Math.abs(value - printed) <= 0.005 + 1e-9;
      return !(
        s.repeatPurchases === row.x &&
        within(s.timeToLastPurchase, row.tx) &&
        within(s.timeObserved, row.T) &&
        within(s.meanRepeatValue, row.zbar)
      );
    });
    expect(mismatches).toEqual([]);
  });

  it('starts the worked example, customer 1, at x = 2, t_x = 30.43, T = 38.86, zbar = 22.35', () => {
    const s = ours.get('1')!;
    expect([s.repeatPurchases, s.timeToLastPurchase.toFixed(2), s.timeObserved.toFixed(2)]).toEqual([
      2,
      '30.43',
      '38.86',
    ]);
    expect(s.meanRepeatValue).toBeCloseTo(22.345, 9); // (29.73 + 14.96) / 2, printed 22.35
  });
});

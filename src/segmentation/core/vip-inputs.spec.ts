import { buildLine, StoreBuilder } from './testing/store-builder';
import { computeVipInputs, trailingWindowStart } from './vip-inputs';

const AS_OF = new Date('2026-11-27T06:00:00Z');

describe('the trailing 12-month window of the VIP inputs', () => {
  it('starts 12 calendar months before as-of, same time of day, the day clamped to the month’s end', () => {
    expect(trailingWindowStart(AS_OF)).toEqual(new Date('2025-11-27T06:00:00Z'));
    expect(trailingWindowStart(new Date('2028-02-29T23:59:59.999Z'))).toEqual(new Date('2027-02-28T23:59:59.999Z'));
    expect(trailingWindowStart(new Date('2027-01-01T00:00:00Z'))).toEqual(new Date('2026-01-01T00:00:00Z'));
  });
});

describe('computeVipInputs', () => {
  it('sums 12-month spend, returns, full-price units and high-margin spend of one customer', () => {
    const store = new StoreBuilder(AS_OF);
    store.order('c', { daysAgo: 400, totalPrice: 5000 }); // outside the window: eligible, but not counted
    store.order('c', {
      daysAgo: 10,
      lines: [
        buildLine({ lineNo: 1, price: 300, productType: 'Coats' }),
        buildLine({ lineNo: 2, price: 50, quantity: 2, discountAmount: 20, productType: 'Socks' }),
      ],
      totalRefunded: 80,
    });
    store.order('c', { daysAgo: 20, totalPrice: 200, financialStatus: 'refunded', totalRefunded: 200 });
    store.order('c', { daysAgo: 5, totalPrice: 999, cancelledAt: AS_OF }); // cancelled: nowhere

    expect(computeVipInputs(store.orders, AS_OF, ['Coats'])).toEqual([
      {
        customerId: 'c',
        trailing12mSpend: 300, // 380 − 80 refunded
        returnsRate: 0.4828, // (80 + 200) / (380 + 200)
        fullPriceShare: 0.3333, // 1 of 3 units (the socks carry a line discount)
        highMarginShare: 0.7895, // 300 / (300 + 100 − 20)
      },
    ]);
    expect(computeVipInputs(store.orders, AS_OF)[0].highMarginShare).toBe(0);
  });

  it('lists a customer whose eligible orders are all older than 12 months with no spend', () => {
    const store = new StoreBuilder(AS_OF);
    store.order('old', { daysAgo: 800, totalPrice: 100 });
    store.order(null, { daysAgo: 1, totalPrice: 100 });
    expect(computeVipInputs(store.orders, AS_OF)).toEqual([
      { customerId: 'old', trailing12mSpend: 0, returnsRate: 0, fullPriceShare: 0, highMarginShare: 0 },
    ]);
  });

  it('clamps rates and shares to 0..1 when refunds exceed the price', () => {
    const store = new StoreBuilder(AS_OF);
    store.order('c', { daysAgo: 1, totalPrice: 100, totalRefunded: 150, financialStatus: 'partially_refunded' });
    expect(computeVipInputs(store.orders, AS_OF)[0]).toMatchObject({ trailing12mSpend: -50, returnsRate: 1 });
  });
});

import { computeFeatures, type CustomerFeatures } from './features';
import { buildLine, daysBefore, StoreBuilder } from './testing/store-builder';

const asOf = new Date('2026-11-27T06:00:00Z');

/**
 * Alice's history, as of 2026-11-27 06:00 UTC:
 *   #1001 120 days ago   paid                100.00  2 × 30.00 Shoes (full price) + 1 × 40.00 Bags (compare-at 50.00)
 *   #1002 30 days ago    partially_refunded   60.10  code WELCOME10, 2 × 30.05 Shoes, 20.05 refunded
 *   #1003 10 days ago    refunded             50.00  refunded in full: not eligible, but a return
 *   #1004 5 days ago     paid, cancelled     999.00  Hats: ignored entirely
 *   #1005 3 days ago     pending              80.00  ignored entirely
 *   #1006 2¼ days ago    paid                 37.99  1 × 19.99 with a 2.00 line discount, category ''
 *                                                    + 4 × 5.00 with compare-at 5.00 (not a markdown), no category
 */
function alicesStore(): StoreBuilder {
  const store = new StoreBuilder(asOf);
  store.customer('alice', { country: 'FR', emailConsent: 'subscribed', smsConsent: 'unsubscribed' });
  store.order('alice', {
    daysAgo: 120,
    lines: [
      buildLine({ lineNo: 1, quantity: 2, price: 30, productType: 'Shoes' }),
      buildLine({ lineNo: 2, quantity: 1, price: 40, compareAtPrice: 50, productType: 'Bags' }),
    ],
  });
  store.order('alice', {
    daysAgo: 30,
    financialStatus: 'partially_refunded',
    discountCodes: ['WELCOME10'],
    totalRefunded: 20.05,
    lines: [buildLine({ quantity: 2, price: 30.05, productType: 'Shoes' })],
  });
  store.order('alice', { daysAgo: 10, financialStatus: 'refunded', totalPrice: 50, totalRefunded: 50 });
  store.order('alice', {
    daysAgo: 5,
    cancelledAt: daysBefore(asOf, 4),
    lines: [buildLine({ price: 999, productType: 'Hats' })],
  });
  store.order('alice', { daysAgo: 3, financialStatus: 'pending', totalPrice: 80 });
  store.order('alice', {
    daysAgo: 2.25,
    lines: [
      buildLine({ lineNo: 1, quantity: 1, price: 19.99, discountAmount: 2, productType: '' }),
      buildLine({ lineNo: 2, quantity: 4, price: 5, compareAtPrice: 5, productType: null }),
    ],
  });
  return store;
}

describe('computeFeatures', () => {
  it("computes each feature of Alice's history by its rule", () => {
    const store = alicesStore();
    const [alice] = computeFeatures(store.customers, store.orders, asOf);
    expect(alice).toEqual<CustomerFeatures>({
      customerId: 'alice',
      recencyDays: 2, // floor(2.25)
      frequency: 3, // #1001, #1002, #1006
      monetary: 178.04, // 100.00 + (60.10 − 20.05) + 37.99
      aov: 59.35, // 178.04 / 3 = 59.3466…
      firstOrderAt: daysBefore(asOf, 120),
      lastOrderAt: daysBefore(asOf, 2.25),
      returnsRate: 0.2824, // (20.05 + 50.00) / (100.00 + 60.10 + 50.00 + 37.99) = 70.05 / 248.09
      discountShare: 0.3333, // 1 of 3 eligible orders used a code
      fullPriceShare: 0.6, // 6 of 10 units: 2 Shoes of #1001 and the 4 units at compare-at = price of #1006
      categoryCount: 2, // Shoes, Bags ('' and null do not count; Hats was cancelled)
      country: 'FR',
      emailConsent: 'subscribed',
      smsConsent: 'unsubscribed',
    });
  });

  it('keeps orders of a customer missing from the customer list, with no country and no consent', () => {
    const store = new StoreBuilder(asOf);
    store.order('bob', { daysAgo: 400, totalPrice: 10 });
    expect(computeFeatures([], store.orders, asOf)).toEqual<CustomerFeatures[]>([
      {
        customerId: 'bob',
        recencyDays: 400,
        frequency: 1,
        monetary: 10,
        aov: 10,
        firstOrderAt: daysBefore(asOf, 400),
        lastOrderAt: daysBefore(asOf, 400),
        returnsRate: 0,
        discountShare: 0,
        fullPriceShare: 1,
        categoryCount: 0,
        country: null,
        emailConsent: 'not_subscribed',
        smsConsent: 'not_subscribed',
      },
    ]);
  });

  it('leaves out customers with no eligible order and guest orders', () => {
    const store = new StoreBuilder(asOf);
    store.customer('carol'); // only a fully refunded order
    store.order('carol', { daysAgo: 3, financialStatus: 'refunded', totalPrice: 40, totalRefunded: 40 });
    store.customer('dave'); // no order at all
    store.customer('erin'); // only an order older than ten years
    store.order('erin', { daysAgo: 3653 + 1, totalPrice: 40 });
    store.order(null, { daysAgo: 1, totalPrice: 40 });
    expect(computeFeatures(store.customers, store.orders, asOf)).toEqual([]);
  });

  it('sorts customers by id in code-unit order', () => {
    const store = new StoreBuilder(asOf);
    for (const id of ['b', 'a10', 'B', 'a9']) store.order(id);
    expect(computeFeatures([], store.orders, asOf).map((customer) => customer.customerId)).toEqual(['B', 'a10', 'a9', 'b']);
  });

  it('sums money exactly in cents and rounds the average order value half away from zero', () => {
    const store = new StoreBuilder(asOf);
    for (const totalPrice of [19.99, 20.01, 0.01]) store.order('gina', { totalPrice });
    for (const totalPrice of [5, 5.01]) store.order('hugo', { totalPrice });
    const [gina, hugo] = computeFeatures([], store.orders, asOf);
    expect(gina.monetary).toBe(40.01); // 19.99 + 20.01 + 0.01 in floating point is 40.010000000000005
    expect(gina.aov).toBe(13.34); // 40.01 / 3 = 13.3366…
    expect(hugo.aov).toBe(5.01); // 10.01 / 2 = 5.005 exactly, half rounds up
  });

  it('gives a returns rate of 0 to free orders and a full-price share of 0 to orders without lines', () => {
    const store = new StoreBuilder(asOf);
    store.order('ivan', { totalPrice: 0 });
    store.order('jade', { lines: [], totalPrice: 25 });
    const [ivan, jade] = computeFeatures([], store.orders, asOf);
    expect([ivan.returnsRate, ivan.fullPriceShare, ivan.monetary]).toEqual([0, 1, 0]);
    expect([jade.fullPriceShare, jade.categoryCount, jade.monetary]).toEqual([0, 0, 25]);
  });

  it('weights the full-price share by quantity and treats any discount code as a discount on every line', () => {
    const store = new StoreBuilder(asOf);
    store.order('kim', {
      lines: [buildLine({ quantity: 3, price: 10 }), buildLine({ lineNo: 2, quantity: 1, price: 8, compareAtPrice: 12 })],
    });
    store.order('kim', { discountCodes: ['FREESHIP'], lines: [buildLine({ quantity: 4, price: 10 })] });
    const [kim] = computeFeatures([], store.orders, asOf);
    expect(kim.fullPriceShare).toBe(0.375); // 3 of 8 units
    expect(kim.discountShare).toBe(0.5);
  });

  it('counts the whole refund of a partially refunded order against its price in the returns rate', () => {
    const store = new StoreBuilder(asOf);
    store.order('lea', { totalPrice: 30, totalRefunded: 10, financialStatus: 'partially_refunded' });
    store.order('lea', { totalPrice: 30, totalRefunded: 0, cancelledAt: asOf }); // cancelled: ignored
    store.order('lea', { totalPrice: 60, financialStatus: 'voided' }); // voided: ignored
    const [lea] = computeFeatures([], store.orders, asOf);
    expect(lea.returnsRate).toBe(0.3333);
    expect(lea.monetary).toBe(20);
  });
});

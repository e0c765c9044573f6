import type { CheckoutRecord } from '../../../store/store-records';
import { StoreBuilder, buildLine, daysBefore } from '../testing/store-builder';
import { NEW_PRODUCT_WINDOW_DAYS, storeAttributes } from './store-attributes';

const asOf = new Date('2026-03-31T10:30:00Z');
const DAY = 86_400_000;
const utcMidnight = (at: Date) => new Date(Math.floor(at.getTime() / DAY) * DAY);

let checkoutNumber = 0;
function checkout(customerId: string | null, fields: Partial<CheckoutRecord> & { createdAt: Date }): CheckoutRecord {
  return {
    checkoutId: `checkout-${++checkoutNumber}`,
    customerId,
    email: null,
    completedAt: null,
    totalPrice: 50,
    currency: 'EUR',
    recoveryUrl: null,
    categories: [],
    ...fields,
  };
}

describe('storeAttributes: customers and order totals', () => {
  it('gives every customer record a row; a prospect has 0 orders, 0 spent and no order-derived values', () => {
    const store = new StoreBuilder(asOf);
    store.customer('buyer', { country: 'FR', tags: ['vip'], emailConsent: 'subscribed', smsConsent: 'unsubscribed' });
    store.customer('prospect');
    store.order('buyer', { totalPrice: 40, daysAgo: 10, discountCodes: ['WELCOME'] });
    store.order('buyer', { totalPrice: 60, daysAgo: 5 });
    store.order('buyer', { totalPrice: 20, daysAgo: 3 });
    store.order('ghost', { totalPrice: 15, daysAgo: 2 });
    store.order('prospect', { totalPrice: 99, daysAgo: 2, cancelledAt: daysBefore(asOf, 1) });
    const rows = storeAttributes({ customers: store.customers, orders: store.orders, checkouts: [], asOf });
    expect([...rows.keys()]).toEqual(['buyer', 'ghost', 'prospect']);
    expect(rows.get('buyer')).toMatchObject({
      amount_spent: 120,
      number_of_orders: 3,
      aov: 40,
      customer_countries: ['FR'],
      customer_tags: ['vip'],
      email_subscription_status: 'subscribed',
      sms_subscription_status: 'unsubscribed',
      discount_share: 0.3333,
      full_price_share: 0.6667,
      returns_rate: 0,
    });
    expect(rows.get('ghost')).toMatchObject({ customer_countries: [], email_subscription_status: 'not_subscribed', number_of_orders: 1 });
    expect(rows.get('prospect')).toEqual({
      amount_spent: 0,
      number_of_orders: 0,
      aov: null,
      first_order_date: null,
      last_order_date: null,
      customer_countries: [],
      customer_tags: [],
      email_subscription_status: 'subscribed',
      sms_subscription_status: 'not_subscribed',
      discount_share: null,
      full_price_share: null,
      returns_rate: null,
      expected_reorder_date: null,
      abandoned_checkout_date: null,
      abandoned_checkout_categories: [],
      trend_purchase_share: null,
    });
  });
});

describe('storeAttributes: expected_reorder_date', () => {
  const reorder = (ordersDaysAgo: number[]) => {
    const store = new StoreBuilder(asOf);
    store.customer('c');
    for (const daysAgo of ordersDaysAgo) store.order('c', { daysAgo });
    return storeAttributes({ customers: store.customers, orders: store.orders, checkouts: [], asOf }).get('c')!.expected_reorder_date;
  };

  it('is the last purchase day plus the mean gap between purchase days, at 00:00 UTC', () => {
    // Purchase days 100, 70 and 40 days ago: a 30-day rhythm, due 10 days ago.
    expect(reorder([100, 70, 40])).toEqual(utcMidnight(daysBefore(asOf, 10)));
  });

  it('rounds the mean gap down to whole days', () => {
    // Days -10, -5, -3: span 7 over 2 gaps = 3.5 → 3, so due today at midnight.
    expect(reorder([10, 5, 3])).toEqual(utcMidnight(asOf));
  });

  it('counts purchase days, not orders: same-day orders are one purchase', () => {
    // 40.1 days ago is 08:06 UTC of the same day as 40 days ago (10:30).
    expect(reorder([100, 70, 40, 40.1])).toEqual(utcMidnight(daysBefore(asOf, 10)));
    expect(reorder([3, 3.05])).toBeNull();
  });

  it('is null for one-time buyers and prospects', () => {
    expect(reorder([12])).toBeNull();
    expect(reorder([])).toBeNull();
  });
});

describe('storeAttributes: open abandoned checkouts', () => {
  it('keeps checkouts not completed by as-of and created after the last eligible order', () => {
    const store = new StoreBuilder(asOf);
    store.customer('buyer');
    store.customer('prospect');
    store.customer('recovered');
    store.order('buyer', { daysAgo: 10 });
    store.order('recovered', { daysAgo: 2 });
    const checkouts = [
      checkout('buyer', { createdAt: daysBefore(asOf, 12), categories: ['Hats'] }), // before the last order
      checkout('buyer', { createdAt: daysBefore(asOf, 6), categories: ['Footwear', ''] }),
      checkout('buyer', { createdAt: daysBefore(asOf, 4), categories: ['Bags', 'Footwear'], completedAt: daysBefore(asOf, 3) }),
      checkout('buyer', { createdAt: daysBefore(asOf, 3), categories: ['Bags'], completedAt: daysBefore(asOf, -1) }), // completed later
      checkout('buyer', { createdAt: daysBefore(asOf, -1), categories: ['Future'] }), // after as-of
      checkout('prospect', { createdAt: daysBefore(asOf, 400), categories: ['footwear'] }),
      checkout('recovered', { createdAt: daysBefore(asOf, 2.5), categories: ['Footwear'] }),
      checkout(null, { createdAt: daysBefore(asOf, 1), categories: ['Guest'] }),
    ];
    const rows = storeAttributes({ customers: store.customers, orders: store.orders, checkouts, asOf });
    expect(rows.get('buyer')).toMatchObject({
      abandoned_checkout_date: daysBefore(asOf, 3),
      abandoned_checkout_categories: ['Bags', 'Footwear'],
    });
    expect(rows.get('prospect')).toMatchObject({
      abandoned_checkout_date: daysBefore(asOf, 400),
      abandoned_checkout_categories: ['footwear'],
    });
    expect(rows.get('recovered')).toMatchObject({ abandoned_checkout_date: null, abandoned_checkout_categories: [] });
  });
});

describe('storeAttributes: trend_purchase_share', () => {
  const window = NEW_PRODUCT_WINDOW_DAYS * DAY;
  const line = (productId: string) => [buildLine({ productId })];

  it('counts orders of a product within 30 days of its first sale, after the history’s first 30 days', () => {
    const store = new StoreBuilder(asOf);
    const start = daysBefore(asOf, 200);
    const launch = daysBefore(asOf, 100);
    // The history starts with a product that may be older than the history: never new.
    store.order('early', { createdAt: start, lines: line('old') });
    store.order('early', { createdAt: new Date(start.getTime() + 1000), lines: line('old') });
    // A product first sold exactly 30 days into the history is new; its launching order counts.
    store.order('edge', { createdAt: new Date(start.getTime() + window), lines: line('edge') });
    store.order('late_edge', { createdAt: new Date(start.getTime() + window - 1), lines: line('almost') });
    store.order('launcher', { createdAt: launch, lines: line('new') });
    store.order('follower', { createdAt: new Date(launch.getTime() + window), lines: line('new') });
    store.order('follower', { daysAgo: 5, lines: line('old') });
    store.order('slow', { createdAt: new Date(launch.getTime() + window + 1), lines: line('new') });
    // A cancelled guest order still dates a launch: product 'q' launched 150 days ago.
    store.order(null, { daysAgo: 150, lines: line('q'), cancelledAt: daysBefore(asOf, 149) });
    store.order('q_buyer', { daysAgo: 125, lines: [buildLine({ productId: 'x' }), buildLine({ productId: 'q', lineNo: 2 })] });
    // A pending order is no eligible order (not in the share) but it is history.
    store.order('pending', { daysAgo: 60, lines: line('p'), financialStatus: 'pending' });
    store.order('p_buyer', { daysAgo: 59, lines: line('p') });
    store.order('no_product', { daysAgo: 1, lines: [buildLine({ productId: null })] });
    const rows = storeAttributes({ customers: [], orders: store.orders, checkouts: [], asOf });
    const share = (id: string) => rows.get(id)?.trend_purchase_share;
    expect(share('early')).toBe(0);
    expect(share('edge')).toBe(1);
    expect(share('late_edge')).toBe(0);
    expect(share('launcher')).toBe(1);
    expect(share('follower')).toBe(0.5);
    expect(share('slow')).toBe(0);
    expect(share('q_buyer')).toBe(1);
    expect(share('p_buyer')).toBe(1);
    expect(rows.has('pending')).toBe(false);
    expect(share('no_product')).toBe(0);
  });

  it('finds no new product in a history shorter than 30 days', () => {
    const store = new StoreBuilder(asOf);
    store.order('first', { daysAgo: 29, lines: line('a') });
    store.order('second', { daysAgo: 1, lines: line('b') });
    const rows = storeAttributes({ customers: [], orders: store.orders, checkouts: [], asOf });
    expect([rows.get('first')?.trend_purchase_share, rows.get('second')?.trend_purchase_share]).toEqual([0, 0]);
  });
});

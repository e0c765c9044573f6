import type { CheckoutRecord } from '../../store/store-records';
import { CATALOGUE_THRESHOLDS, catalogueSegments, slug, type CatalogueSegment } from './catalogue-segments';
import {
  SEGMENT_ATTRIBUTE_NAMES,
  compileSegmentQuery,
  formatSegmentQuery,
  matchesSegmentQuery,
  parseSegmentQuery,
  storeAttributes,
  type SegmentQueryColumns,
  type SegmentQueryCustomer,
} from './query';
import { StoreBuilder, buildLine, daysBefore } from './testing/store-builder';

const now = new Date('2026-03-31T10:30:00Z');
const DAY = 86_400_000;
const ago = (ms: number) => new Date(now.getTime() - ms);
const todayMidnight = new Date(Math.floor(now.getTime() / DAY) * DAY);

/** Who of the named customers the segment selects, in the order they are listed. */
function members(segment: CatalogueSegment, customers: Record<string, SegmentQueryCustomer>, at = now): string[] {
  const ast = parseSegmentQuery(segment.query);
  return Object.keys(customers).filter((name) => matchesSegmentQuery(ast, customers[name], at));
}

function byKey(segments: readonly CatalogueSegment[]): Map<string, CatalogueSegment> {
  return new Map(segments.map((segment) => [segment.key, segment]));
}

/** A buyer with ordinary values; each customer below changes what its name says. */
const buyer = (overrides: SegmentQueryCustomer): SegmentQueryCustomer => ({
  amount_spent: 100,
  number_of_orders: 3,
  last_order_date: ago(20 * DAY),
  email_subscription_status: 'not_subscribed',
  discount_share: 0,
  full_price_share: 0.5,
  trend_purchase_share: 0,
  customer_countries: ['DE'],
  ...overrides,
});

const customers: Record<string, SegmentQueryCustomer> = {
  prospect: { amount_spent: 0, number_of_orders: 0, email_subscription_status: 'subscribed', customer_countries: ['FR'] },
  unknown: {},
  ordinary: buyer({}),
  one_timer: buyer({ number_of_orders: 1, amount_spent: 40, discount_share: 1, full_price_share: 0 }),
  subscriber: buyer({ email_subscription_status: 'subscribed' }),
  pending_optin: buyer({ email_subscription_status: 'pending' }),
  coupon_half: buyer({ number_of_orders: 2, discount_share: 0.5 }),
  coupon_most: buyer({ discount_share: 0.6667 }),
  full_price_almost: buyer({ full_price_share: 0.8999 }),
  full_price_edge: buyer({ full_price_share: 0.9 }),
  full_price_all: buyer({ full_price_share: 1 }),
  due_today: buyer({ expected_reorder_date: todayMidnight }),
  due_now: buyer({ expected_reorder_date: now }),
  not_due: buyer({ expected_reorder_date: new Date(now.getTime() + 1) }),
  due_at_dormancy_edge: buyer({ expected_reorder_date: ago(300 * DAY), last_order_date: ago(365 * DAY) }),
  due_but_dormant: buyer({ expected_reorder_date: ago(300 * DAY), last_order_date: ago(365 * DAY + 1) }),
  trend_two: buyer({ number_of_orders: 2, trend_purchase_share: 0.5 }),
  trend_one_order: buyer({ number_of_orders: 1, trend_purchase_share: 1 }),
  trend_low: buyer({ number_of_orders: 5, trend_purchase_share: 0.4 }),
  spender_edge: buyer({ amount_spent: 500 }),
  spender_below: buyer({ amount_spent: 499.99 }),
  cart_recent: buyer({ abandoned_checkout_categories: ['Footwear', 'Bags'], abandoned_checkout_date: ago(30 * DAY) }),
  cart_old: buyer({ abandoned_checkout_categories: ['Footwear'], abandoned_checkout_date: ago(30 * DAY + 1) }),
  cart_lower: buyer({ abandoned_checkout_categories: ['footwear'], abandoned_checkout_date: ago(DAY) }),
  french: buyer({ customer_countries: ['FR'] }),
  nowhere: buyer({ customer_countries: [] }),
};

const context = { categories: ['Footwear', 'Bags', 'footwear', 'Footwear', ''], countries: ['fr', 'DE', 'FR', 'France'], bigSpenderThreshold: 500 };
const catalogue = catalogueSegments(context);

/** Every segment of the catalogue above, with exactly who is in it. */
const EXPECTED: Record<string, string[]> = {
  big_spenders: ['spender_edge'],
  one_time_buyers: ['one_timer', 'trend_one_order'],
  coupon_customers: ['one_timer', 'coupon_most'],
  full_price_buyers: ['full_price_edge', 'full_price_all'],
  replenishment_due: ['due_today', 'due_now', 'due_at_dormancy_edge'],
  newsletter_subscribers: ['prospect', 'subscriber'],
  prospects: ['prospect'],
  dormant: ['due_but_dormant'],
  trend_followers: ['trend_two'],
  abandoned_cart_bags: ['cart_recent'],
  abandoned_cart_footwear: ['cart_recent'],
  abandoned_cart_footwear_2: ['cart_lower'],
  location_de: Object.keys(customers).filter((name) => !['prospect', 'unknown', 'french', 'nowhere'].includes(name)),
  location_fr: ['prospect', 'french'],
};

describe('catalogueSegments: who is in each segment', () => {
  it('has exactly the expected segments, in order', () => {
    expect(catalogue.map((segment) => segment.key)).toEqual(Object.keys(EXPECTED));
  });

  it.each(Object.entries(EXPECTED))('%s', (key, expected) => {
    expect(members(byKey(catalogue).get(key)!, customers)).toEqual(expected);
  });

  it('keeps dormant and replenishment due apart', () => {
    const segments = byKey(catalogue);
    const dormant = new Set(members(segments.get('dormant')!, customers));
    expect(members(segments.get('replenishment_due')!, customers).filter((name) => dormant.has(name))).toEqual([]);
  });

  it('moves relative dates with the run: tomorrow the not-yet-due customer is due, the old cart stays out', () => {
    const tomorrow = new Date(now.getTime() + DAY);
    const segments = byKey(catalogue);
    expect(members(segments.get('replenishment_due')!, { not_due: customers.not_due }, tomorrow)).toEqual(['not_due']);
    expect(members(segments.get('abandoned_cart_footwear')!, customers, tomorrow)).toEqual([]);
  });
});

describe('catalogueSegments: the queries', () => {
  it('reads as documented', () => {
    const queries = Object.fromEntries(catalogue.map((segment) => [segment.key, segment.query]));
    expect(queries).toMatchObject({
      big_spenders: 'amount_spent >= 500',
      one_time_buyers: 'number_of_orders = 1',
      coupon_customers: 'discount_share > 0.5',
      full_price_buyers: 'full_price_share >= 0.9',
      replenishment_due: 'expected_reorder_date <= -0d AND last_order_date >= -365d',
      newsletter_subscribers: "email_subscription_status = 'subscribed'",
      prospects: 'number_of_orders = 0',
      dormant: 'last_order_date < -365d',
      trend_followers: 'trend_purchase_share >= 0.5 AND number_of_orders >= 2',
      abandoned_cart_footwear: "abandoned_checkout_categories CONTAINS 'Footwear' AND abandoned_checkout_date >= -30d",
      location_fr: "customer_countries CONTAINS 'FR'",
    });
    expect(CATALOGUE_THRESHOLDS.dormantAfterDays).toBe(365);
  });

  /** Every attribute mapped to a column, so that no query can be refused as "unavailable". */
  const columns: SegmentQueryColumns = Object.fromEntries(SEGMENT_ATTRIBUTE_NAMES.map((name) => [name, `s.${name}`]));

  it.each(catalogue.map((segment) => [segment.key, segment]))('%s compiles to parameterised SQL', (_, segment) => {
    const { sql, parameters, attributes } = compileSegmentQuery(segment.query, { now, firstParameter: 2, columns });
    expect(sql).toMatch(/^[\s()A-Za-z_.$0-9=<>]+$/);
    expect(sql.match(/\$\d+/g)).toEqual(parameters.map((_, i) => `$${i + 2}`));
    expect(attributes.length).toBeGreaterThan(0);
  });

  it('compiles an abandoned-cart query to the expected SQL and parameters', () => {
    const segment = byKey(catalogue).get('abandoned_cart_footwear')!;
    expect(compileSegmentQuery(segment.query, { now, firstParameter: 1, columns })).toEqual({
      sql: '(($1 = ANY(s.abandoned_checkout_categories)) AND (s.abandoned_checkout_date >= $2))',
      parameters: ['Footwear', '2026-03-01T10:30:00.000Z'],
      attributes: ['abandoned_checkout_categories', 'abandoned_checkout_date'],
    });
  });

  it.each(catalogue.map((segment) => [segment.key, segment.query]))('%s is canonical: format(parse(q)) = q', (_, query) => {
    expect(formatSegmentQuery(parseSegmentQuery(query))).toBe(query);
  });

  it('has unique keys of lower-case letters, digits and underscores, and a name and description each', () => {
    expect(new Set(catalogue.map((segment) => segment.key)).size).toBe(catalogue.length);
    for (const segment of catalogue) {
      expect(segment.key).toMatch(/^[a-z0-9_]+$/);
      expect(segment.name.length).toBeGreaterThan(0);
      expect(segment.description.length).toBeGreaterThan(0);
    }
  });
});

describe('catalogueSegments: parameters', () => {
  it('names categories and countries for the merchant', () => {
    const segments = byKey(catalogue);
    expect(segments.get('abandoned_cart_footwear')!.name).toBe('Abandoned cart: Footwear');
    expect(segments.get('location_fr')!.name).toBe('Location: France');
    expect(segments.get('location_de')!.description).toBe('Customers whose address is in Germany (DE).');
  });

  it('quotes categories with quotes in them and keeps hostile text out of the SQL', () => {
    const hostile = "x'); DROP TABLE customers; --";
    const segments = catalogueSegments({ categories: ["Men's", hostile], countries: [] });
    const mens = segments.find((segment) => segment.name === "Abandoned cart: Men's")!;
    expect(mens.key).toBe('abandoned_cart_men_s');
    expect(mens.query).toBe("abandoned_checkout_categories CONTAINS 'Men''s' AND abandoned_checkout_date >= -30d");
    const drop = segments.find((segment) => segment.name.endsWith(hostile))!;
    const compiled = compileSegmentQuery(drop.query, { now, firstParameter: 1, columns: { abandoned_checkout_categories: 'a.c', abandoned_checkout_date: 'a.d' } });
    expect(compiled.sql).not.toContain('DROP');
    expect(compiled.parameters[0]).toBe(hostile);
    expect(members(drop, { in: { abandoned_checkout_categories: [hostile], abandoned_checkout_date: now } })).toEqual(['in']);
  });

  it('makes keys from any category, unique even when slugs collide', () => {
    expect(slug('Bags & Purses')).toBe('bags_purses');
    expect(slug('Café crème')).toBe('cafe_creme');
    expect(slug('靴')).toBe('category');
    const keys = catalogueSegments({ categories: ['Bags, Purses', 'Bags & Purses', '靴', '鞄'], countries: [] })
      .map((segment) => segment.key)
      .filter((key) => key.startsWith('abandoned_cart_'));
    expect(keys).toEqual(['abandoned_cart_bags_purses', 'abandoned_cart_bags_purses_2', 'abandoned_cart_category', 'abandoned_cart_category_2']);
  });

  it('leaves out values the language cannot hold, rather than failing the run', () => {
    const segments = catalogueSegments({ categories: ['', 'a\u0000b', 'x'.repeat(256)], countries: ['France', 'F', '', 'us'] });
    expect(segments.filter((segment) => segment.key.startsWith('abandoned_cart_'))).toEqual([]);
    expect(segments.filter((segment) => segment.key.startsWith('location_')).map((segment) => segment.key)).toEqual(['location_us']);
  });

  it('leaves big spenders out without a threshold, and rounds a threshold up to cents', () => {
    expect(catalogueSegments({ categories: [], countries: [] }).map((segment) => segment.key)).not.toContain('big_spenders');
    const query = (threshold: number) => catalogueSegments({ categories: [], countries: [], bigSpenderThreshold: threshold })[0].query;
    expect(query(412.45)).toBe('amount_spent >= 412.45');
    expect(query(412.451)).toBe('amount_spent >= 412.46');
    expect(query(0.1 + 0.2)).toBe('amount_spent >= 0.31');
    expect(query(0)).toBe('amount_spent >= 0');
    expect(query(999_999_999_999.99)).toBe('amount_spent >= 999999999999.99');
    expect(() => query(Number.NaN)).toThrow(RangeError);
    expect(() => query(1e13)).toThrow(RangeError);
  });
});

describe('catalogueSegments on a hand-built store', () => {
  it('selects the customers the store says, from records through the reference attributes', () => {
    const store = new StoreBuilder(now);
    const lines = (productId: string, productType: string) => [buildLine({ productId, productType, price: 50 })];
    store.customer('ana', { country: 'FR', emailConsent: 'subscribed' });
    store.customer('ben', { country: 'DE', emailConsent: 'unsubscribed' });
    store.customer('cleo', { country: 'FR', emailConsent: 'not_subscribed' });
    store.customer('dan', { country: 'US', emailConsent: 'subscribed' });
    store.customer('eve', { country: null, emailConsent: 'not_subscribed' });
    // Opening month of the store: products 'tee' and 'boot' predate the history.
    store.order('ben', { daysAgo: 500, lines: lines('tee', 'Tops') });
    store.order('ben', { daysAgo: 490, lines: lines('boot', 'Footwear') });
    // ana: a 30-day rhythm, now due; buys at full price; the last big spender.
    store.repeatOrders('ana', { count: 4, everyDays: 30, lastDaysAgo: 31 }, { lines: [buildLine({ productId: 'tee', productType: 'Tops', price: 300 })] });
    // cleo: buys every new product at launch, with codes.
    store.order('cleo', { daysAgo: 200, lines: lines('jacket', 'Outerwear'), discountCodes: ['NEW10'] });
    store.order('cleo', { daysAgo: 60, lines: lines('sneaker', 'Footwear'), discountCodes: ['NEW10'] });
    store.order('cleo', { daysAgo: 45, lines: lines('tee', 'Tops') });
    // dan: one order (a sneaker 20 days after its launch), then an abandoned cart with footwear.
    store.order('dan', { daysAgo: 40, lines: lines('sneaker', 'Footwear') });
    const checkouts: CheckoutRecord[] = [
      { checkoutId: 'k1', customerId: 'dan', email: null, createdAt: daysBefore(now, 3), completedAt: null, totalPrice: 80, currency: 'EUR', recoveryUrl: null, categories: ['Footwear'] },
      { checkoutId: 'k2', customerId: 'eve', email: null, createdAt: daysBefore(now, 2), completedAt: null, totalPrice: 30, currency: 'EUR', recoveryUrl: null, categories: ['Tops'] },
    ];
    const rows = storeAttributes({ customers: store.customers, orders: store.orders, checkouts, asOf: now });
    const people = Object.fromEntries(rows);
    // amount_spent: ana 1200, ben 100, cleo 150, dan 50: the 90th percentile (percentile_disc) is ana's.
    const segments = catalogueSegments({ categories: ['Footwear', 'Tops', 'Outerwear'], countries: ['FR', 'DE', 'US'], bigSpenderThreshold: 1200 });
    const result = Object.fromEntries(segments.map((segment) => [segment.key, members(segment, people)]));
    expect(result).toEqual({
      big_spenders: ['ana'],
      one_time_buyers: ['dan'],
      coupon_customers: ['cleo'],
      full_price_buyers: ['ana', 'ben', 'dan'],
      replenishment_due: ['ana'],
      newsletter_subscribers: ['ana', 'dan'],
      prospects: ['eve'],
      dormant: ['ben'],
      trend_followers: ['cleo'],
      abandoned_cart_footwear: ['dan'],
      abandoned_cart_outerwear: [],
      abandoned_cart_tops: ['eve'],
      location_de: ['ben'],
      location_fr: ['ana', 'cleo'],
      location_us: ['dan'],
    });
  });
});

import type { SegmentQueryCustomer } from './attributes';
import { matchesSegmentQuery } from './evaluate';
import { parseSegmentQuery } from './parser';

const now = new Date('2026-03-31T10:30:00Z');

/** Which of the named customers a query selects. */
function selected(query: string, customers: Record<string, SegmentQueryCustomer>): string[] {
  const ast = parseSegmentQuery(query);
  return Object.entries(customers)
    .filter(([, customer]) => matchesSegmentQuery(ast, customer, now))
    .map(([name]) => name);
}

const spenders: Record<string, SegmentQueryCustomer> = {
  low: { amount_spent: 100, number_of_orders: 1, vip_tier: null },
  exact: { amount_spent: 500, number_of_orders: 3, vip_tier: 'silver' },
  high: { amount_spent: 500.01, number_of_orders: 4, vip_tier: 'gold' },
  unknown: {},
};

describe('matchesSegmentQuery: numbers and enums', () => {
  it.each([
    ['amount_spent = 500', ['exact']],
    ['amount_spent > 500', ['high']],
    ['amount_spent >= 500', ['exact', 'high']],
    ['amount_spent < 500', ['low']],
    ['amount_spent <= 500', ['low', 'exact']],
    ['amount_spent BETWEEN 100 AND 500', ['low', 'exact']],
    ['amount_spent IS NULL', ['unknown']],
    ['amount_spent IS NOT NULL', ['low', 'exact', 'high']],
    ['amount_spent != 500', ['low', 'high', 'unknown']],
    ['NOT amount_spent > 500', ['low', 'exact', 'unknown']],
    ["vip_tier = 'gold'", ['high']],
    ["vip_tier != 'gold'", ['low', 'exact', 'unknown']],
    ['vip_tier IS NULL', ['low', 'unknown']],
    ['amount_spent > 200 AND number_of_orders >= 4', ['high']],
    ["number_of_orders = 1 OR vip_tier = 'silver'", ['low', 'exact']],
  ])('%s', (query, expected) => {
    expect(selected(query, spenders)).toEqual(expected);
  });
});

const shoppers: Record<string, SegmentQueryCustomer> = {
  french_vip: { customer_countries: ['FR'], customer_tags: ['vip', 'wholesale'] },
  american: { customer_countries: ['US'], customer_tags: ['VIP'] },
  empty: { customer_countries: [], customer_tags: [] },
  unknown: { customer_countries: null },
};

describe('matchesSegmentQuery: sets', () => {
  it.each([
    ["customer_countries CONTAINS 'fr'", ['french_vip']],
    ["customer_countries NOT CONTAINS 'FR'", ['american', 'empty', 'unknown']],
    ['customer_countries IS NULL', ['empty', 'unknown']],
    ['customer_countries IS NOT NULL', ['french_vip', 'american']],
    ["customer_tags CONTAINS 'vip'", ['french_vip']],
    ["customer_tags CONTAINS 'VIP'", ['american']],
    ["customer_tags NOT CONTAINS 'vip'", ['american', 'empty', 'unknown']],
    ['customer_tags IS NULL', ['empty', 'unknown']],
    ["customer_tags CONTAINS 'vip' AND customer_tags CONTAINS 'wholesale'", ['french_vip']],
  ])('%s', (query, expected) => {
    expect(selected(query, shoppers)).toEqual(expected);
  });
});

const carts: Record<string, SegmentQueryCustomer> = {
  shoes: { abandoned_checkout_categories: ['Footwear', 'Bags'] },
  lower: { abandoned_checkout_categories: ['footwear'] },
  empty: { abandoned_checkout_categories: [] },
  none: {},
};

describe('matchesSegmentQuery: product-category sets compare exactly', () => {
  it.each([
    ["abandoned_checkout_categories CONTAINS 'Footwear'", ['shoes']],
    ["abandoned_checkout_categories CONTAINS 'footwear'", ['lower']],
    ["abandoned_checkout_categories NOT CONTAINS 'Footwear'", ['lower', 'empty', 'none']],
    ['abandoned_checkout_categories IS NULL', ['empty', 'none']],
    ['abandoned_checkout_categories IS NOT NULL', ['shoes', 'lower']],
  ])('%s', (query, expected) => {
    expect(selected(query, carts)).toEqual(expected);
  });
});

const shares: Record<string, SegmentQueryCustomer> = {
  half: { discount_share: 0.5, full_price_share: 0.5, returns_rate: 0.5, trend_purchase_share: 0.5 },
  most: { discount_share: 0.6667, full_price_share: 0.9, returns_rate: 0, trend_purchase_share: 1 },
  none: { discount_share: 0, full_price_share: 1, returns_rate: 0.0001, trend_purchase_share: 0 },
  prospect: {},
};

describe('matchesSegmentQuery: shares from 0 to 1', () => {
  it.each([
    ['discount_share > 0.5', ['most']],
    ['discount_share >= 0.5', ['half', 'most']],
    ['full_price_share >= 0.9', ['most', 'none']],
    ['returns_rate > 0', ['half', 'none']],
    ['returns_rate = 0', ['most']],
    ['trend_purchase_share BETWEEN 0.5 AND 1', ['half', 'most']],
    ['trend_purchase_share IS NULL', ['prospect']],
    ['NOT discount_share > 0.5', ['half', 'none', 'prospect']],
  ])('%s', (query, expected) => {
    expect(selected(query, shares)).toEqual(expected);
  });
});

const at = (iso: string) => new Date(iso);
const buyers: Record<string, SegmentQueryCustomer> = {
  day_start: { last_order_date: at('2025-01-31T00:00:00Z') },
  day_end: { last_order_date: at('2025-01-31T23:59:59.999Z') },
  next_day: { last_order_date: at('2025-02-01T00:00:00Z') },
  day_before: { last_order_date: at('2025-01-30T23:59:59.999Z') },
  never: { last_order_date: null },
};

describe('matchesSegmentQuery: absolute dates are whole UTC days', () => {
  it.each([
    ['last_order_date = 2025-01-31', ['day_start', 'day_end']],
    ['last_order_date != 2025-01-31', ['next_day', 'day_before', 'never']],
    ['last_order_date > 2025-01-31', ['next_day']],
    ['last_order_date >= 2025-01-31', ['day_start', 'day_end', 'next_day']],
    ['last_order_date < 2025-01-31', ['day_before']],
    ['last_order_date <= 2025-01-31', ['day_start', 'day_end', 'day_before']],
    ['last_order_date BETWEEN 2025-01-31 AND 2025-01-31', ['day_start', 'day_end']],
    ['last_order_date BETWEEN 2025-01-01 AND 2025-01-30', ['day_before']],
    ['last_order_date IS NULL', ['never']],
  ])('%s', (query, expected) => {
    expect(selected(query, buyers)).toEqual(expected);
  });
});

describe('matchesSegmentQuery: relative dates count back from now', () => {
  // now is 2026-03-31 10:30 UTC; -90d is 2025-12-31 10:30 UTC.
  const recent: Record<string, SegmentQueryCustomer> = {
    just_before: { last_order_date: at('2025-12-31T10:29:59.999Z') },
    exactly: { last_order_date: at('2025-12-31T10:30:00Z') },
    just_after: { last_order_date: at('2025-12-31T10:30:00.001Z') },
    same_day_early: { last_order_date: at('2025-12-31T00:00:00Z') },
    next_day: { last_order_date: at('2026-01-01T00:00:00Z') },
    never: {},
  };
  it.each([
    ['last_order_date < -90d', ['just_before', 'same_day_early']],
    ['last_order_date <= -90d', ['just_before', 'exactly', 'same_day_early']],
    ['last_order_date > -90d', ['just_after', 'next_day']],
    ['last_order_date >= -90d', ['exactly', 'just_after', 'next_day']],
    ['last_order_date = -90d', ['just_before', 'exactly', 'just_after', 'same_day_early']],
    ['last_order_date != -90d', ['next_day', 'never']],
    ['last_order_date BETWEEN -90d AND -0d', ['exactly', 'just_after', 'next_day']],
    ['last_order_date BETWEEN -3m AND -90d', ['exactly']],
    ['NOT last_order_date > -90d', ['just_before', 'exactly', 'same_day_early', 'never']],
  ])('%s', (query, expected) => {
    expect(selected(query, recent)).toEqual(expected);
  });

  it('reads -0d as the reference moment itself', () => {
    const due: Record<string, SegmentQueryCustomer> = {
      yesterday: { expected_reorder_date: at('2026-03-30T00:00:00Z') },
      today_midnight: { expected_reorder_date: at('2026-03-31T00:00:00Z') },
      exactly_now: { expected_reorder_date: at('2026-03-31T10:30:00Z') },
      later_today: { expected_reorder_date: at('2026-03-31T10:30:00.001Z') },
      tomorrow: { expected_reorder_date: at('2026-04-01T00:00:00Z') },
      no_rhythm: { expected_reorder_date: null },
    };
    expect(selected('expected_reorder_date < -0d', due)).toEqual(['yesterday', 'today_midnight']);
    expect(selected('expected_reorder_date <= -0d', due)).toEqual(['yesterday', 'today_midnight', 'exactly_now']);
    expect(selected('expected_reorder_date > -0d', due)).toEqual(['later_today', 'tomorrow']);
    expect(selected('expected_reorder_date = -0d', due)).toEqual(['today_midnight', 'exactly_now', 'later_today']);
  });

  it('moves with the reference moment', () => {
    const ast = parseSegmentQuery('last_order_date > -30d');
    const customer = { last_order_date: at('2026-03-10T00:00:00Z') };
    expect(matchesSegmentQuery(ast, customer, at('2026-04-01T00:00:00Z'))).toBe(true);
    expect(matchesSegmentQuery(ast, customer, at('2026-04-10T00:00:01Z'))).toBe(false);
  });
});

describe('matchesSegmentQuery: logic', () => {
  it('treats absent and null alike, and NOT / != / NOT CONTAINS as exact complements', () => {
    const customers: SegmentQueryCustomer[] = [{}, { churn_risk: null, customer_tags: null }, { churn_risk: 0.5, customer_tags: ['x'] }];
    const pairs: [string, string][] = [
      ['churn_risk = 0.5', 'churn_risk != 0.5'],
      ["customer_tags CONTAINS 'x'", "customer_tags NOT CONTAINS 'x'"],
      ['churn_risk > 0.1', 'NOT churn_risk > 0.1'],
      ['churn_risk IS NULL', 'churn_risk IS NOT NULL'],
      ['customer_tags IS NULL', 'customer_tags IS NOT NULL'],
    ];
    for (const [a, b] of pairs) {
      for (const customer of customers) {
        expect(matchesSegmentQuery(parseSegmentQuery(a), customer, now)).toBe(!matchesSegmentQuery(parseSegmentQuery(b), customer, now));
      }
    }
  });

  it('follows precedence: a OR b AND NOT c', () => {
    const query = 'aov > 10 OR amount_spent > 10 AND NOT number_of_orders > 1';
    const customers: Record<string, SegmentQueryCustomer> = {
      a_only: { aov: 20 },
      b_not_c: { amount_spent: 20, number_of_orders: 1 },
      b_and_c: { amount_spent: 20, number_of_orders: 2 },
    };
    expect(selected(query, customers)).toEqual(['a_only', 'b_not_c']);
  });
});

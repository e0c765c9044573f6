import { compileSegmentQuery, compileSegmentQueryAst } from './compiler';
import { resolveRelativeDate } from './dates';
import { parseSegmentQuery } from './parser';
import { TEST_COLUMNS as COLUMNS } from './testing/query-arbitraries';


const now = new Date('2026-03-31T10:30:00Z');

function compile(query: string, firstParameter = 3) {
  const { sql, parameters } = compileSegmentQuery(query, { now, firstParameter, columns: COLUMNS });
  return [sql, parameters];
}

describe('compileSegmentQuery: numbers, amounts and enums', () => {
  it.each([
    ['amount_spent = 500', '(m.monetary = $3)', [500]],
    ['amount_spent != 19.99', '(m.monetary IS DISTINCT FROM $3)', [19.99]],
    ['aov > -5', '(m.aov > $3)', [-5]],
    ['predicted_clv >= 1000', '(p.clv >= $3)', [1000]],
    ['number_of_orders < 3', '(m.frequency < $3)', [3]],
    ['churn_risk <= 0.3', '(p.churn_risk <= $3)', [0.3]],
    ['rfm_score BETWEEN 411 AND 555', '(m.rfm_score BETWEEN $3 AND $4)', [411, 555]],
    ['amount_spent BETWEEN 100 AND 100', '(m.monetary BETWEEN $3 AND $4)', [100, 100]],
    ['aov IS NULL', '(m.aov IS NULL)', []],
    ['predicted_clv IS NOT NULL', '(p.clv IS NOT NULL)', []],
    ["rfm_group = 'loyal_at_risk'", '(m.rfm_group = $3)', ['loyal_at_risk']],
    ["vip_tier != 'Gold'", '(v.tier IS DISTINCT FROM $3)', ['gold']],
    ["email_subscription_status = 'subscribed'", '(c.email_consent = $3)', ['subscribed']],
    ["sms_subscription_status != 'unsubscribed'", '(c.sms_consent IS DISTINCT FROM $3)', ['unsubscribed']],
    ['vip_tier IS NULL', '(v.tier IS NULL)', []],
    ['discount_share > 0.5', '(m.discount_share > $3)', [0.5]],
    ['full_price_share >= 0.9', '(m.full_price_share >= $3)', [0.9]],
    ['returns_rate BETWEEN 0 AND 0.25', '(m.returns_rate BETWEEN $3 AND $4)', [0, 0.25]],
    ['trend_purchase_share IS NULL', '(m.trend_purchase_share IS NULL)', []],
  ])('%s', (query, sql, parameters) => {
    expect(compile(query)).toEqual([sql, parameters]);
  });
});

describe('compileSegmentQuery: sets', () => {
  it.each([
    ["customer_countries CONTAINS 'fr'", '(c.country = $3)', ['FR']],
    ["customer_countries NOT CONTAINS 'US'", '(c.country IS DISTINCT FROM $3)', ['US']],
    ['customer_countries IS NULL', '(c.country IS NULL)', []],
    ['customer_countries IS NOT NULL', '(c.country IS NOT NULL)', []],
    ["customer_tags CONTAINS 'vip'", '($3 = ANY(c.tags))', ['vip']],
    ["customer_tags NOT CONTAINS 'vip'", '(($3 = ANY(c.tags)) IS NOT TRUE)', ['vip']],
    ['customer_tags IS NULL', '(coalesce(cardinality(c.tags), 0) = 0)', []],
    ['customer_tags IS NOT NULL', '(cardinality(c.tags) > 0)', []],
    ["customer_tags CONTAINS '''); DROP TABLE customers; --'", '($3 = ANY(c.tags))', ["'); DROP TABLE customers; --"]],
    ["abandoned_checkout_categories CONTAINS 'Footwear'", '($3 = ANY(a.categories))', ['Footwear']],
    ["abandoned_checkout_categories NOT CONTAINS 'Men''s'", '(($3 = ANY(a.categories)) IS NOT TRUE)', ["Men's"]],
    ['abandoned_checkout_categories IS NULL', '(coalesce(cardinality(a.categories), 0) = 0)', []],
    ['abandoned_checkout_categories IS NOT NULL', '(cardinality(a.categories) > 0)', []],
  ])('%s', (query, sql, parameters) => {
    expect(compile(query)).toEqual([sql, parameters]);
  });
});

describe('compileSegmentQuery: dates', () => {
  const day = (iso: string) => `${iso}T00:00:00.000Z`;
  it.each([
    ['last_order_date = 2025-01-31', '(m.last_order_at >= $3 AND m.last_order_at < $4)', [day('2025-01-31'), day('2025-02-01')]],
    ['last_order_date != 2025-01-31', '((m.last_order_at >= $3 AND m.last_order_at < $4) IS NOT TRUE)', [day('2025-01-31'), day('2025-02-01')]],
    ['last_order_date > 2025-01-31', '(m.last_order_at >= $3)', [day('2025-02-01')]],
    ['last_order_date >= 2025-01-31', '(m.last_order_at >= $3)', [day('2025-01-31')]],
    ['last_order_date < 2025-01-31', '(m.last_order_at < $3)', [day('2025-01-31')]],
    ['last_order_date <= 2025-12-31', '(m.last_order_at < $3)', [day('2026-01-01')]],
    ['first_order_date BETWEEN 2025-01-01 AND 2025-03-31', '(m.first_order_at >= $3 AND m.first_order_at < $4)', [day('2025-01-01'), day('2025-04-01')]],
    ['first_order_date IS NULL', '(m.first_order_at IS NULL)', []],
    ['last_order_date < -90d', '(m.last_order_at < $3)', ['2025-12-31T10:30:00.000Z']],
    ['last_order_date <= -4w', '(m.last_order_at <= $3)', ['2026-03-03T10:30:00.000Z']],
    ['last_order_date > -6m', '(m.last_order_at > $3)', ['2025-09-30T10:30:00.000Z']],
    ['last_order_date >= -2y', '(m.last_order_at >= $3)', ['2024-03-31T10:30:00.000Z']],
    ['last_order_date = -30d', '(m.last_order_at >= $3 AND m.last_order_at < $4)', [day('2026-03-01'), day('2026-03-02')]],
    ['last_order_date != -1d', '((m.last_order_at >= $3 AND m.last_order_at < $4) IS NOT TRUE)', [day('2026-03-30'), day('2026-03-31')]],
    ['last_order_date BETWEEN -6m AND -1m', '(m.last_order_at >= $3 AND m.last_order_at <= $4)', ['2025-09-30T10:30:00.000Z', '2026-02-28T10:30:00.000Z']],
    ['last_order_date BETWEEN 2026-01-01 AND -0d', '(m.last_order_at >= $3 AND m.last_order_at <= $4)', [day('2026-01-01'), '2026-03-31T10:30:00.000Z']],
    ['last_order_date BETWEEN -0d AND 2026-01-01', '(m.last_order_at >= $3 AND m.last_order_at < $4)', ['2026-03-31T10:30:00.000Z', day('2026-01-02')]],
    ['expected_reorder_date <= -0d', '(m.expected_reorder_at <= $3)', ['2026-03-31T10:30:00.000Z']],
    ['expected_reorder_date BETWEEN -90d AND -0d', '(m.expected_reorder_at >= $3 AND m.expected_reorder_at <= $4)', ['2025-12-31T10:30:00.000Z', '2026-03-31T10:30:00.000Z']],
    ['abandoned_checkout_date >= -30d', '(a.abandoned_at >= $3)', ['2026-03-01T10:30:00.000Z']],
    ['abandoned_checkout_date IS NULL', '(a.abandoned_at IS NULL)', []],
  ])('%s', (query, sql, parameters) => {
    expect(compile(query)).toEqual([sql, parameters]);
  });

  it('counts months and years on the UTC calendar, clamping to the end of the month', () => {
    const at = (iso: string, amount: number, unit: 'd' | 'w' | 'm' | 'y') => resolveRelativeDate(new Date(iso), amount, unit).toISOString();
    expect(at('2026-03-31T10:30:00Z', 1, 'm')).toBe('2026-02-28T10:30:00.000Z');
    expect(at('2024-03-31T00:00:00Z', 1, 'm')).toBe('2024-02-29T00:00:00.000Z');
    expect(at('2026-03-31T10:30:00Z', 13, 'm')).toBe('2025-02-28T10:30:00.000Z');
    expect(at('2026-01-15T23:59:59.999Z', 1, 'm')).toBe('2025-12-15T23:59:59.999Z');
    expect(at('2024-02-29T12:00:00Z', 1, 'y')).toBe('2023-02-28T12:00:00.000Z');
    expect(at('2024-02-29T12:00:00Z', 4, 'y')).toBe('2020-02-29T12:00:00.000Z');
    expect(at('2026-03-29T01:30:00Z', 1, 'd')).toBe('2026-03-28T01:30:00.000Z');
    expect(at('2026-01-01T00:00:00Z', 2, 'w')).toBe('2025-12-18T00:00:00.000Z');
    expect(at('2026-01-01T00:00:00Z', 0, 'y')).toBe('2026-01-01T00:00:00.000Z');
    expect(at('0150-06-30T00:00:00Z', 100, 'y')).toBe('0050-06-30T00:00:00.000Z');
  });
});

describe('compileSegmentQuery: connectives, parameters and attributes', () => {
  it('parenthesises every connective and compiles NOT as IS NOT TRUE', () => {
    expect(compile("amount_spent > 500 AND number_of_orders >= 3 AND customer_countries CONTAINS 'FR'")).toEqual([
      '((m.monetary > $3) AND (m.frequency >= $4) AND (c.country = $5))',
      [500, 3, 'FR'],
    ]);
    expect(compile("aov > 1 OR NOT (rfm_group = 'new' AND vip_tier IS NULL)")).toEqual([
      '((m.aov > $3) OR (((m.rfm_group = $4) AND (v.tier IS NULL)) IS NOT TRUE))',
      [1, 'new'],
    ]);
    expect(compile('NOT NOT aov > 1', 1)).toEqual(['(((m.aov > $1) IS NOT TRUE) IS NOT TRUE)', [1]]);
  });

  it('numbers placeholders from firstParameter without gaps, one per literal', () => {
    const { sql, parameters } = compileSegmentQuery('aov > 1 OR aov > 1 OR last_order_date = 2025-01-01', {
      now,
      firstParameter: 10,
      columns: COLUMNS,
    });
    expect(sql).toBe('((m.aov > $10) OR (m.aov > $11) OR (m.last_order_at >= $12 AND m.last_order_at < $13))');
    expect(parameters).toEqual([1, 1, '2025-01-01T00:00:00.000Z', '2025-01-02T00:00:00.000Z']);
  });

  it('lists the attributes used, once each, in order of first use', () => {
    const result = compileSegmentQuery("vip_tier IS NULL OR aov > 1 AND vip_tier = 'gold' OR customer_tags CONTAINS 'x'", {
      now,
      firstParameter: 1,
      columns: COLUMNS,
    });
    expect(result.attributes).toEqual(['vip_tier', 'aov', 'customer_tags']);
  });

  it('needs columns only for the attributes a query uses', () => {
    const result = compileSegmentQuery('aov > 1', { now, firstParameter: 1, columns: { aov: 'aov' } });
    expect(result).toEqual({ sql: '(aov > $1)', parameters: [1], attributes: ['aov'] });
  });

  it('compiles a tree parsed earlier the same way as its text', () => {
    const query = "last_order_date < -90d AND customer_tags NOT CONTAINS 'vip'";
    expect(compileSegmentQueryAst(parseSegmentQuery(query), { now, firstParameter: 2, columns: COLUMNS })).toEqual(
      compileSegmentQuery(query, { now, firstParameter: 2, columns: COLUMNS }),
    );
  });

  it('refuses bad options as programming errors (TypeError), not query errors', () => {
    const options = { now, firstParameter: 1, columns: COLUMNS };
    expect(() => compileSegmentQuery('aov > 1', { ...options, now: new Date('nope') })).toThrow(TypeError);
    expect(() => compileSegmentQuery('aov > 1', { ...options, firstParameter: 0 })).toThrow(TypeError);
    expect(() => compileSegmentQuery('aov > 1', { ...options, firstParameter: 1.5 })).toThrow(TypeError);
    expect(() => compileSegmentQuery('aov > 1', { ...options, columns: { aov: 'm.aov; DROP TABLE x' } })).toThrow(
      'the column of aov must be an identifier such as m.monetary, got "m.aov; DROP TABLE x"',
    );
    expect(() => compileSegmentQuery('aov > 1', { ...options, columns: { aov: 'public.m.aov' } })).not.toThrow();
  });
});

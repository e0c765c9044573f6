import { formatSegmentQuery } from './format';
import { parseSegmentQuery } from './parser';

const format = (query: string) => formatSegmentQuery(parseSegmentQuery(query));

describe('formatSegmentQuery', () => {
  it.each([
    ["amount_spent>500 and\n number_of_orders>=3 AND customer_countries contains 'fr'", "amount_spent > 500 AND number_of_orders >= 3 AND customer_countries CONTAINS 'FR'"],
    ['LAST_ORDER_DATE < -90D', 'last_order_date < -90d'],
    ["rfm_group = 'Loyal_At_Risk'", "rfm_group = 'loyal_at_risk'"],
    ["customer_tags not contains 'it''s'", "customer_tags NOT CONTAINS 'it''s'"],
    ['aov between 1.50 and 2', 'aov BETWEEN 1.5 AND 2'],
    ['first_order_date between 2025-01-01 and -1w', 'first_order_date BETWEEN 2025-01-01 AND -1w'],
    ['aov is not null or aov is null', 'aov IS NOT NULL OR aov IS NULL'],
    ['aov > -0', 'aov > 0'],
    ['churn_risk >= 0.000001', 'churn_risk >= 0.000001'],
    ['amount_spent > 999999999999.99', 'amount_spent > 999999999999.99'],
  ])('%s', (query, expected) => {
    expect(format(query)).toBe(expected);
  });

  it('keeps only the parentheses the tree needs', () => {
    expect(format('((aov > 1)) OR (aov > 2 AND aov > 3)')).toBe('aov > 1 OR aov > 2 AND aov > 3');
    expect(format('(aov > 1 OR aov > 2) AND aov > 3')).toBe('(aov > 1 OR aov > 2) AND aov > 3');
    expect(format('(aov > 1 AND aov > 2) AND aov > 3')).toBe('(aov > 1 AND aov > 2) AND aov > 3');
    expect(format('aov > 1 OR (aov > 2 OR aov > 3)')).toBe('aov > 1 OR (aov > 2 OR aov > 3)');
    expect(format('NOT aov > 1 AND NOT NOT (aov > 2 OR aov > 3)')).toBe('NOT (aov > 1) AND NOT NOT (aov > 2 OR aov > 3)');
  });

  it('prints text that parses back to the same tree, positions aside', () => {
    const strip = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'position' ? undefined : v)));
    for (const query of ["NOT (customer_tags CONTAINS 'a''b' OR vip_tier = 'gold') AND aov BETWEEN 0 AND 0.01", '(aov > 1 AND aov > 2) AND aov > 3']) {
      expect(strip(parseSegmentQuery(format(query)))).toEqual(strip(parseSegmentQuery(query)));
    }
  });
});

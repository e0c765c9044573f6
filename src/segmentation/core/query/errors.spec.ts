import { compileSegmentQuery } from './compiler';
import { SegmentQueryError, closest, editDistance } from './errors';
import { parseSegmentQuery } from './parser';

function failure(query: string): SegmentQueryError {
  try {
    parseSegmentQuery(query);
  } catch (error) {
    if (error instanceof SegmentQueryError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be refused`);
}

/** [query, kind, token, message]: the message starts with the position. */
type Case = [string, SegmentQueryError['kind'], string, string];

const OPERATORS = '=, !=, >, >=, <, <=, BETWEEN, CONTAINS, NOT CONTAINS, IS NULL or IS NOT NULL';
const CONDITION = "expected a condition (an attribute such as amount_spent), NOT or '('";

const syntaxCases: Case[] = [
  ['', 'syntax', '', 'at 0: the query is empty: expected a condition such as amount_spent > 100'],
  ['  \n ', 'syntax', '', 'at 4 (line 2, column 2): the query is empty: expected a condition such as amount_spent > 100'],
  ['AND aov > 1', 'syntax', 'AND', `at 0: ${CONDITION} but found 'AND'`],
  ['aov > 1 AND', 'syntax', '', `at 11: ${CONDITION} but found end of query`],
  ['()', 'syntax', ')', `at 1: ${CONDITION} but found ')'`],
  ["'vip'", 'syntax', "'vip'", `at 0: ${CONDITION} but found string 'vip'`],
  ['aov 5', 'syntax', '5', `at 4: expected an operator (${OPERATORS}) after 'aov' but found number 5`],
  ['aov betwen 1 and 2', 'syntax', 'betwen', `at 4: expected an operator (${OPERATORS}) after 'aov' but found 'betwen' (did you mean BETWEEN?)`],
  ['aov', 'syntax', '', `at 3: expected an operator (${OPERATORS}) after 'aov' but found end of query`],
  ["customer_tags NOT 'x'", 'syntax', "'x'", "at 18: expected CONTAINS after NOT but found string 'x'"],
  ['aov IS 5', 'syntax', '5', 'at 7: expected NULL or NOT NULL after IS but found number 5'],
  ['aov IS NOT', 'syntax', '', 'at 10: expected NULL after IS NOT but found end of query'],
  ['amount_spent > 500 AND aov >=', 'syntax', '', "at 29: expected a value after '>=' but found end of query"],
  ['aov > (1)', 'syntax', '(', "at 6: expected a value after '>' but found '('"],
  ['aov > AND', 'syntax', 'AND', "at 6: expected a value after '>' but found 'AND'"],
  ['aov BETWEEN 1 OR 2', 'syntax', 'OR', "at 14: expected AND between the two BETWEEN values but found 'OR'"],
  ['aov BETWEEN 1 AND', 'syntax', '', "at 17: expected a value after 'AND' but found end of query"],
  ['aov > 1 aov > 2', 'syntax', 'aov', "at 8: expected AND or OR but found 'aov'"],
  ['amount_spent > 5 ADN aov > 3', 'syntax', 'ADN', "at 17: expected AND or OR but found 'ADN' (did you mean AND?)"],
  ['(aov > 1 aov', 'syntax', 'aov', "at 9: expected AND, OR or ')' but found 'aov'"],
  ['((aov > 1)', 'syntax', '', "at 10: expected ')' to close the '(' at 0 but found end of query"],
  ['aov > 1)', 'syntax', ')', "at 7: unexpected ')' with no matching '('"],
  ['aov = NULL', 'syntax', 'NULL', 'at 6: NULL is not a value to compare with: write aov IS NULL or aov IS NOT NULL'],
  ['aov > amount_spent', 'syntax', 'amount_spent', "at 6: expected a value after '>' but found attribute 'amount_spent' (comparing two attributes is not supported)"],
  ['rfm_group = loyal', 'syntax', 'loyal', "at 12: expected a value after '=' but found 'loyal' (strings are written in single quotes: 'loyal')"],
  ['aov > five', 'syntax', 'five', "at 6: expected a value after '>' but found 'five'"],
];

const attributeCases: Case[] = [
  ['amount_spend > 500', 'unknown_attribute', 'amount_spend', "at 0: unknown attribute 'amount_spend' (did you mean 'amount_spent'?)"],
  ['NOT AOV > 1 AND contry CONTAINS 1', 'unknown_attribute', 'contry', expect.stringMatching(/^at 16: unknown attribute 'contry': the attributes are amount_spent, /) as unknown as string],
  ['customer_tag CONTAINS \'x\'', 'unknown_attribute', 'customer_tag', "at 0: unknown attribute 'customer_tag' (did you mean 'customer_tags'?)"],
  ['discount_shares > 0.5', 'unknown_attribute', 'discount_shares', "at 0: unknown attribute 'discount_shares' (did you mean 'discount_share'?)"],
  ["abandoned_checkout_category CONTAINS 'x'", 'unknown_attribute', 'abandoned_checkout_category', "at 0: unknown attribute 'abandoned_checkout_category' (did you mean 'abandoned_checkout_categories'?)"],
];

const typeCases: Case[] = [
  ['customer_tags > 3', 'type', '>', "at 14: operator '>' does not apply to customer_tags, a set of tags: use CONTAINS, NOT CONTAINS, IS NULL or IS NOT NULL"],
  ["customer_countries = 'FR'", 'type', '=', "at 19: operator '=' does not apply to customer_countries, a set of country codes: use CONTAINS, NOT CONTAINS, IS NULL or IS NOT NULL"],
  ["rfm_group > 'new'", 'type', '>', "at 10: operator '>' does not apply to rfm_group, an RFM group: use =, !=, IS NULL or IS NOT NULL"],
  ["vip_tier BETWEEN 'silver' AND 'gold'", 'type', 'BETWEEN', "at 9: operator 'BETWEEN' does not apply to vip_tier, a VIP tier: use =, !=, IS NULL or IS NOT NULL"],
  ['aov CONTAINS 5', 'type', 'CONTAINS', 'at 4: CONTAINS applies only to customer_countries, customer_tags and abandoned_checkout_categories; aov is an amount: use =, !=, >, >=, <, <=, BETWEEN, IS NULL or IS NOT NULL'],
  ['last_order_date not contains 5', 'type', 'not', expect.stringMatching(/^at 16: NOT CONTAINS applies only to customer_countries, customer_tags and abandoned_checkout_categories; last_order_date is a date: /) as unknown as string],
  ["rfm_group = 'vip'", 'type', "'vip'", "at 12: unknown rfm_group 'vip': expected one of 'new', 'about_to_sleep', 'sleepers', 'potential_loyal', 'loyal', 'loyal_at_risk'"],
  ["rfm_group = 'loyl'", 'type', "'loyl'", "at 12: unknown rfm_group 'loyl': expected one of 'new', 'about_to_sleep', 'sleepers', 'potential_loyal', 'loyal', 'loyal_at_risk' (did you mean 'loyal'?)"],
  ["email_subscription_status = 'yes'", 'type', "'yes'", "at 28: unknown email_subscription_status 'yes': expected one of 'subscribed', 'not_subscribed', 'unsubscribed', 'pending'"],
  ['vip_tier = 3', 'type', '3', "at 11: expected one of 'silver', 'gold', 'platinum' for vip_tier but found number 3"],
  ["last_order_date > 'abc'", 'type', "'abc'", "at 18: expected a date such as 2025-01-31 or a relative date such as -30d for last_order_date but found string 'abc'"],
  ["last_order_date > '2025-01-31'", 'type', "'2025-01-31'", 'at 18: expected a date such as 2025-01-31 or a relative date such as -30d for last_order_date but found a string: write the date without quotes, 2025-01-31'],
  ['first_order_date < 2025', 'type', '2025', 'at 19: expected a date such as 2025-01-31 or a relative date such as -30d for first_order_date but found number 2025'],
  ["amount_spent > '500'", 'type', "'500'", "at 15: expected an amount such as 100 or 19.99 for amount_spent but found string '500'"],
  ['amount_spent > -30d', 'type', '-30d', 'at 15: expected an amount such as 100 or 19.99 for amount_spent but found relative date -30d'],
  ['number_of_orders > 2025-01-01', 'type', '2025-01-01', 'at 19: expected a whole number such as 3 for number_of_orders but found date 2025-01-01'],
  ['number_of_orders > 2.5', 'type', '2.5', 'at 19: number_of_orders is a whole number, not 2.5'],
  ['aov > 10.505', 'type', '10.505', 'at 6: aov is an amount with at most 2 decimals (cents), not 10.505'],
  ['churn_risk > 2', 'type', '2', 'at 13: churn_risk is between 0 and 1; 2 is out of range'],
  ['rfm_score > 600', 'type', '600', 'at 12: rfm_score is between 111 and 555; 600 is out of range'],
  ['rfm_score = 160', 'type', '160', 'at 12: there is no RFM score 160: each of its three digits (R, F, M) is from 1 to 5'],
  ["customer_countries CONTAINS 'France'", 'type', "'France'", "at 28: invalid customer_countries element 'France': a country is a two-letter ISO code such as 'FR'"],
  ["customer_tags CONTAINS ''", 'type', "''", "at 23: invalid customer_tags element '': a tag cannot be empty"],
  ["customer_tags CONTAINS 'a\u0000b'", 'type', "'a\u0000b'", "at 23: invalid customer_tags element 'a\\u0000b': a tag cannot contain the NUL character"],
  ["customer_tags CONTAINS 'a\ud800'", 'type', "'a\ud800'", "at 23: invalid customer_tags element 'a\\ud800': a tag must be valid Unicode text"],
  [`customer_tags CONTAINS '${'x'.repeat(256)}'`, 'type', `'${'x'.repeat(256)}'`, `at 23: invalid customer_tags element '${'x'.repeat(40)}…': a tag has at most 255 characters`],
  ['discount_share > 1.5', 'type', '1.5', 'at 17: discount_share is between 0 and 1; 1.5 is out of range'],
  ['returns_rate >= -0.1', 'type', '-0.1', 'at 16: returns_rate is between 0 and 1; -0.1 is out of range'],
  ["trend_purchase_share > '0.5'", 'type', "'0.5'", "at 23: expected a number from 0 to 1 such as 0.5 for trend_purchase_share but found string '0.5'"],
  ["abandoned_checkout_categories = 'Footwear'", 'type', '=', "at 30: operator '=' does not apply to abandoned_checkout_categories, a set of product categories: use CONTAINS, NOT CONTAINS, IS NULL or IS NOT NULL"],
  ['abandoned_checkout_categories CONTAINS 5', 'type', '5', "at 39: expected a product category in quotes such as 'Footwear' for abandoned_checkout_categories but found number 5"],
  ["abandoned_checkout_categories CONTAINS ''", 'type', "''", "at 39: invalid abandoned_checkout_categories element '': a category cannot be empty"],
  ["abandoned_checkout_date > 'yesterday'", 'type', "'yesterday'", "at 26: expected a date such as 2025-01-31 or a relative date such as -30d for abandoned_checkout_date but found string 'yesterday'"],
  ['expected_reorder_date CONTAINS 5', 'type', 'CONTAINS', expect.stringMatching(/^at 22: CONTAINS applies only to customer_countries, customer_tags and abandoned_checkout_categories; expected_reorder_date is a date: /) as unknown as string],
  ['amount_spent BETWEEN 500 AND 100', 'type', '500', 'at 21: BETWEEN bounds are reversed: 500 is greater than 100; write the smaller bound first'],
  ['last_order_date BETWEEN 2025-02-01 AND 2025-01-31', 'type', '2025-02-01', 'at 24: BETWEEN bounds are reversed: 2025-02-01 is after 2025-01-31; write the smaller bound first'],
];

const limitCases: Case[] = [
  [`aov > 1 OR ${'x'.repeat(10_000)}`, 'limit', '', 'at 10000: query is too long: 10011 characters, at most 10000'],
  [`${'('.repeat(51)}aov > 1${')'.repeat(51)}`, 'limit', '(', 'at 50: nesting is too deep: at most 50 levels of parentheses and NOT'],
  [`${'NOT '.repeat(51)}aov > 1`, 'limit', 'NOT', 'at 200: nesting is too deep: at most 50 levels of parentheses and NOT'],
  [`${'(NOT '.repeat(25)}(aov > 1)`, 'limit', '(', 'at 125: nesting is too deep: at most 50 levels of parentheses and NOT'],
  [Array.from({ length: 201 }, () => 'aov > 1').join(' OR '), 'limit', 'aov', 'at 2200: too many conditions: at most 200'],
];

describe('SegmentQueryError: every kind, with its position, token and message', () => {
  it.each([...syntaxCases, ...attributeCases, ...typeCases, ...limitCases])('%j', (query, kind, token, message) => {
    const error = failure(query);
    expect(error).toBeInstanceOf(SegmentQueryError);
    expect(error.name).toBe('SegmentQueryError');
    expect(error.kind).toBe(kind);
    expect(error.token).toBe(token);
    expect(error.message).toEqual(message);
    expect(error.message.startsWith(`at ${error.position}`)).toBe(true);
    expect(error.detail).toBe(error.message.replace(/^at [^:]*: /, ''));
  });

  it('reports line and column for multi-line queries', () => {
    const error = failure('amount_spent > 5\n  AND\n  aov >');
    expect(error).toMatchObject({ position: 30, line: 3, column: 8, token: '' });
    expect(error.message).toBe("at 30 (line 3, column 8): expected a value after '>' but found end of query");
    const windows = failure("aov > 1\r\nAND rfm_group = 'x'");
    expect(windows).toMatchObject({ position: 25, line: 2, column: 17 });
  });

  it('gives line 1 and the column of one-line queries without putting them in the message', () => {
    expect(failure('aov > ')).toMatchObject({ position: 6, line: 1, column: 7, message: "at 6: expected a value after '>' but found end of query" });
  });

  it('fails fast on 100,000 opening parentheses or NOTs', () => {
    const started = Date.now();
    expect(failure('('.repeat(100_000)).kind).toBe('limit');
    expect(failure(`${'NOT '.repeat(2_400)}aov > 1`).kind).toBe('limit');
    expect(failure(`${'('.repeat(4_000)}aov > 1${')'.repeat(4_000)}`).position).toBe(50);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('reports an attribute without a column as unavailable, at the condition', () => {
    const compile = () =>
      compileSegmentQuery('aov > 1 AND\nChurn_Risk > 0.5', { now: new Date(), firstParameter: 1, columns: { aov: 'm.aov' } });
    expect(compile).toThrow(SegmentQueryError);
    try {
      compile();
    } catch (error) {
      expect(error).toMatchObject({
        kind: 'unavailable',
        position: 12,
        line: 2,
        column: 1,
        token: 'Churn_Risk',
        message: "at 12 (line 2, column 1): attribute 'churn_risk' is not available in this segment query",
      });
    }
  });
});

describe('did-you-mean hints', () => {
  it('counts a swap of neighbours as one edit and gives up on long words', () => {
    expect(editDistance('adn', 'and')).toBe(1);
    expect(editDistance('amount_spend', 'amount_spent')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('x'.repeat(41), 'x')).toBe(Infinity);
  });

  it('suggests only close candidates', () => {
    expect(closest('OT', ['OR', 'AND'])).toBe('OR');
    expect(closest('xyz', ['OR', 'AND'])).toBeUndefined();
    expect(closest('number_of_order', ['number_of_orders', 'aov'])).toBe('number_of_orders');
  });
});

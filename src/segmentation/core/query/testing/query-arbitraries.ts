/**
 * fast-check generators for segment queries and customers, shared by the property tests here and by the
 * database test that checks the compiled SQL against the evaluator. Test support only: nothing in the
 * application imports this file (fast-check is a devDependency).
 *
 * Queries are generated from the grammar (GRAMMAR.md) as text, independently of the formatter, with the
 * freedoms a person takes: any keyword case, any whitespace (spaces, tabs, newlines), redundant
 * parentheses, lower-case country codes and enum keys in any case. Literals and customer values are drawn
 * from small shared pools around a fixed reference moment, so that equalities and day boundaries are
 * actually hit and a random query selects some customers and not others.
 */
import fc from 'fast-check';
import {
  SEGMENT_ATTRIBUTES,
  SEGMENT_ATTRIBUTE_NAMES,
  type SegmentAttributeName,
  type SegmentQueryColumns,
  type SegmentQueryCustomer,
} from '../attributes';
import { MS_PER_DAY } from '../dates';

/** Columns of the test table (m: memberships, c: customers, v: VIP tiers, p: predictions). */
export const TEST_COLUMNS: SegmentQueryColumns = {
  amount_spent: 'm.monetary',
  number_of_orders: 'm.frequency',
  aov: 'm.aov',
  last_order_date: 'm.last_order_at',
  first_order_date: 'm.first_order_at',
  customer_countries: 'c.country',
  customer_tags: 'c.tags',
  email_subscription_status: 'c.email_consent',
  sms_subscription_status: 'c.sms_consent',
  rfm_group: 'm.rfm_group',
  rfm_score: 'm.rfm_score',
  vip_tier: 'v.tier',
  predicted_clv: 'p.clv',
  churn_risk: 'p.churn_risk',
  expected_next_order_date: 'p.expected_next_order_date',
  discount_share: 'm.discount_share',
  full_price_share: 'm.full_price_share',
  returns_rate: 'm.returns_rate',
  expected_reorder_date: 'm.expected_reorder_at',
  abandoned_checkout_date: 'a.abandoned_at',
  abandoned_checkout_categories: 'a.categories',
  trend_purchase_share: 'm.trend_purchase_share',
};

/** The reference moment of generated queries and customers: a month end, so that -1m clamps. */
export const QUERY_TEST_NOW = new Date('2026-03-31T10:30:00Z');

export const MONEY_POOL = [-5, 0, 0.01, 19.99, 50, 100, 100.01, 250.5, 500, 999.99, 1000];
export const INTEGER_POOL = [0, 1, 2, 3, 5, 10];
export const PROBABILITY_POOL = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];
export const COUNTRY_POOL = ['FR', 'US', 'DE', 'GB', 'CA'];
/** Tags a hostile or careless merchant might use: quotes, SQL, unicode, LIKE wildcards, case variants. */
export const TAG_POOL = ['vip', 'VIP', "it's", 'wholesale', 'a b', 'ünïcödé', '😀', "'; DROP TABLE customers; --", '\\', '%', '_', '$1'];
/** Product categories (Shopify product types), with the same hostile and case-variant spellings. */
export const CATEGORY_POOL = ['Footwear', 'footwear', 'Bags & Purses', "Men's", 'Café', "'; DROP TABLE orders; --", '%', '_'];

const DAY_POOL = Array.from({ length: 40 }, (_, i) => i * 13);

/** A keyword in upper, lower or mixed case. */
function keyword(word: string): fc.Arbitrary<string> {
  return fc.constantFrom(word.toUpperCase(), word.toLowerCase(), word[0].toUpperCase() + word.slice(1).toLowerCase());
}

const space = fc.constantFrom(' ', '  ', '\n', '\t', ' \r\n ');

/** Tokens joined with random whitespace. */
function phrase(...parts: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.tuple(fc.tuple(...parts), fc.array(space, { minLength: parts.length, maxLength: parts.length })).map(
    ([texts, spaces]) => texts.map((text, i) => (i === 0 ? text : spaces[i] + text)).join(''),
  );
}

function numberLiteral(pool: readonly number[]): fc.Arbitrary<string> {
  return fc.constantFrom(...pool).map(String);
}

function isoDay(daysBefore: number): string {
  return new Date(QUERY_TEST_NOW.getTime() - daysBefore * MS_PER_DAY).toISOString().slice(0, 10);
}

const dateLiteral: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...DAY_POOL).map(isoDay),
  fc.tuple(fc.constantFrom(0, 1, 7, 13, 30, 90, 365), fc.constantFrom('d', 'D')).map(([n, u]) => `-${n}${u}`),
  fc.tuple(fc.integer({ min: 0, max: 60 }), fc.constantFrom('w', 'W')).map(([n, u]) => `-${n}${u}`),
  fc.tuple(fc.integer({ min: 0, max: 24 }), fc.constantFrom('m', 'M')).map(([n, u]) => `-${n}${u}`),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom('y', 'Y')).map(([n, u]) => `-${n}${u}`),
);

function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function randomCase(value: string): fc.Arbitrary<string> {
  return fc.constantFrom(value, value.toUpperCase(), value[0].toUpperCase() + value.slice(1));
}

const comparison = fc.constantFrom('=', '!=', '>', '>=', '<', '<=');
const nullTest = fc.oneof(phrase(keyword('IS'), keyword('NULL')), phrase(keyword('IS'), keyword('NOT'), keyword('NULL')));

/** Literals of an ordered kind, two of them sorted for BETWEEN. */
function ordered(name: fc.Arbitrary<string>, literal: fc.Arbitrary<string>, sortKey: (text: string) => number): fc.Arbitrary<string> {
  const between = fc.tuple(literal, literal).chain(([a, b]) => {
    // Only sortable pairs are put in order; relative/absolute date mixes may come out reversed (allowed).
    const [low, high] = sortKey(a) <= sortKey(b) ? [a, b] : [b, a];
    return phrase(name, keyword('BETWEEN'), fc.constant(low), keyword('AND'), fc.constant(high));
  });
  return fc.oneof(phrase(name, comparison, literal), between, phrase(name, nullTest));
}

function dateSortKey(text: string): number {
  return /^\d{4}-/.test(text) ? Date.parse(`${text}T00:00:00Z`) : -Infinity;
}

/** One condition, valid for its attribute. */
export function conditionText(name: SegmentAttributeName): fc.Arbitrary<string> {
  const attribute = SEGMENT_ATTRIBUTES[name];
  const attributeText = randomCase(name);
  switch (attribute.kind) {
    case 'money':
      return ordered(attributeText, numberLiteral(MONEY_POOL), Number);
    case 'integer': {
      const pool = name === 'rfm_score' ? [111, 155, 234, 333, 345, 512, 555] : INTEGER_POOL;
      return ordered(attributeText, numberLiteral(pool), Number);
    }
    case 'number':
      return ordered(attributeText, numberLiteral(PROBABILITY_POOL), Number);
    case 'date':
      return ordered(attributeText, dateLiteral, dateSortKey);
    case 'enum': {
      const value = fc.constantFrom(...(attribute.values ?? [])).chain(randomCase).map(quoted);
      return fc.oneof(phrase(attributeText, fc.constantFrom('=', '!='), value), phrase(attributeText, nullTest));
    }
    case 'set': {
      const element =
        name === 'customer_countries'
          ? fc.constantFrom(...COUNTRY_POOL).chain((c) => fc.constantFrom(c, c.toLowerCase()))
          : fc.constantFrom(...(name === 'abandoned_checkout_categories' ? CATEGORY_POOL : TAG_POOL));
      const operator = fc.oneof(keyword('CONTAINS'), phrase(keyword('NOT'), keyword('CONTAINS')));
      return fc.oneof(phrase(attributeText, operator, element.map(quoted)), phrase(attributeText, nullTest));
    }
  }
}

export const anyConditionText: fc.Arbitrary<string> = fc.constantFrom(...SEGMENT_ATTRIBUTE_NAMES).chain(conditionText);

/**
 * A whole valid query: conditions combined with AND, OR, NOT and parentheses, a few levels deep (far
 * inside the limits). Without parentheses the combination may regroup by precedence; it stays valid.
 */
export const queryText: fc.Arbitrary<string> = fc.letrec<{ query: string }>((tie) => ({
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyConditionText,
    phrase(keyword('NOT'), tie('query')),
    phrase(fc.constant('('), tie('query'), fc.constant(')')),
    fc.tuple(tie('query'), keyword('AND'), tie('query')).map(([a, k, b]) => `(${a}) ${k} (${b})`),
    fc.tuple(tie('query'), keyword('OR'), tie('query')).map(([a, k, b]) => `${a} ${k} ${b}`),
    fc.tuple(tie('query'), keyword('AND'), tie('query')).map(([a, k, b]) => `${a}\n${k} ${b}`),
  ),
})).query;

function maybeNull<T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> {
  return fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(undefined) });
}

/** A moment some days before the reference moment, sometimes exactly on a UTC midnight (a day boundary). */
const moment = fc
  .tuple(fc.constantFrom(...DAY_POOL, 1, 7, 30, 90, 365), fc.constantFrom(0, 1, 10.5 * 3600 * 1000, -1, 23 * 3600 * 1000))
  .map(([days, offset]) => {
    const midnight = Math.floor((QUERY_TEST_NOW.getTime() - days * MS_PER_DAY) / MS_PER_DAY) * MS_PER_DAY;
    return new Date(midnight + offset);
  });

/** A customer with values from the same pools as the query literals, any of them possibly unknown. */
export const customerArbitrary: fc.Arbitrary<SegmentQueryCustomer> = fc.record({
  amount_spent: maybeNull(fc.constantFrom(...MONEY_POOL)),
  number_of_orders: maybeNull(fc.constantFrom(...INTEGER_POOL)),
  aov: maybeNull(fc.constantFrom(...MONEY_POOL)),
  last_order_date: maybeNull(moment),
  first_order_date: maybeNull(moment),
  // The schema has one country column: a customer's set is one country or none.
  customer_countries: maybeNull(fc.constantFrom(...COUNTRY_POOL).map((c) => [c])),
  customer_tags: maybeNull(fc.uniqueArray(fc.constantFrom(...TAG_POOL), { maxLength: 4 })),
  email_subscription_status: maybeNull(fc.constantFrom(...SEGMENT_ATTRIBUTES.email_subscription_status.values!)),
  sms_subscription_status: maybeNull(fc.constantFrom(...SEGMENT_ATTRIBUTES.sms_subscription_status.values!)),
  rfm_group: maybeNull(fc.constantFrom(...SEGMENT_ATTRIBUTES.rfm_group.values!)),
  rfm_score: maybeNull(fc.constantFrom(111, 155, 234, 333, 345, 512, 555)),
  vip_tier: maybeNull(fc.constantFrom(...SEGMENT_ATTRIBUTES.vip_tier.values!)),
  predicted_clv: maybeNull(fc.constantFrom(...MONEY_POOL)),
  churn_risk: maybeNull(fc.constantFrom(...PROBABILITY_POOL)),
  expected_next_order_date: maybeNull(moment),
  discount_share: maybeNull(fc.constantFrom(...PROBABILITY_POOL)),
  full_price_share: maybeNull(fc.constantFrom(...PROBABILITY_POOL)),
  returns_rate: maybeNull(fc.constantFrom(...PROBABILITY_POOL)),
  expected_reorder_date: maybeNull(moment),
  abandoned_checkout_date: maybeNull(moment),
  abandoned_checkout_categories: maybeNull(fc.uniqueArray(fc.constantFrom(...CATEGORY_POOL), { maxLength: 3 })),
  trend_purchase_share: maybeNull(fc.constantFrom(...PROBABILITY_POOL)),
});

/**
 * The catalogue of segments every store gets (DESIGN.md, "Catalogue segments"), each written as a segment
 * query (query/GRAMMAR.md) so that it is saved, previewed, compiled to SQL and re-evaluated on every run
 * exactly like a merchant's own query. Queries are in canonical form (formatSegmentQuery prints them back
 * unchanged). What each attribute means, exactly, is in GRAMMAR.md's "Attribute definitions".
 *
 *   key                      query
 *   big_spenders             amount_spent >= T          T: the store's 90th percentile of amount_spent,
 *                                                      computed by the caller (see bigSpenderThreshold)
 *   one_time_buyers          number_of_orders = 1
 *   coupon_customers         discount_share > 0.5       more than half of the orders used a code
 *   full_price_buyers        full_price_share >= 0.9    at least 90% of the units bought at full price
 *   replenishment_due        expected_reorder_date <= -0d AND last_order_date >= -365d
 *                                                      the customer's own rhythm says the next order is due
 *                                                      (today or earlier), and they are not dormant yet
 *   newsletter_subscribers   email_subscription_status = 'subscribed'
 *   prospects                number_of_orders = 0       a customer record without an eligible order
 *   dormant                  last_order_date < -365d    no order for more than 365 days
 *   trend_followers          trend_purchase_share >= 0.5 AND number_of_orders >= 2
 *                                                      at least half of their orders (and at least two
 *                                                      orders) bought a new product within 30 days of launch
 *   abandoned_cart_<slug>    abandoned_checkout_categories CONTAINS '<category>' AND abandoned_checkout_date >= -30d
 *                                                      one per category: an open cart with that category,
 *                                                      abandoned in the last 30 days
 *   location_<cc>            customer_countries CONTAINS '<CC>'          one per country
 *
 * Thresholds are fixed, absolute values where the attribute is itself relative to the customer (shares,
 * their own rhythm) or to the calendar (365 days, 30 days); spend is relative to the store, through T.
 * Dormant and replenishment due are disjoint by construction (last order before / since −365d).
 */
import { SEGMENT_ATTRIBUTES, formatSegmentQuery, parseSegmentQuery } from './query';

export interface CatalogueSegment {
  /** Stable identifier, unique within the catalogue: lower-case letters, digits and underscores. */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  /** A segment query in canonical form. */
  readonly query: string;
}

export interface CatalogueContext {
  /** Product categories (product types) present in the store; one abandoned-cart segment each. */
  readonly categories: readonly string[];
  /** Countries (ISO 3166-1 alpha-2, any case) present in the store; one location segment each. */
  readonly countries: readonly string[];
  /**
   * The store's big-spender line: the 90th percentile of amount_spent over customers with at least one
   * eligible order, `percentile_disc(0.9) WITHIN GROUP (ORDER BY amount_spent)`. Rounded up to cents (which
   * selects the same customers, amounts being in cents). Without it (a store with no orders yet) the
   * big-spenders segment is left out rather than given a made-up line.
   */
  readonly bigSpenderThreshold?: number;
}

/** The fixed thresholds of the catalogue, named so that tests and documentation use the same numbers. */
export const CATALOGUE_THRESHOLDS = {
  bigSpenderPercentile: 0.9,
  couponShareAbove: 0.5,
  fullPriceShareAtLeast: 0.9,
  dormantAfterDays: 365,
  trendShareAtLeast: 0.5,
  trendMinimumOrders: 2,
  abandonedWithinDays: 30,
} as const;

const T = CATALOGUE_THRESHOLDS;

/** Money literals of the language: at most 12 integer digits and 2 decimals. */
const MONEY_LIMIT = 999_999_999_999.99;

const FIXED_SEGMENTS: readonly CatalogueSegment[] = [
  {
    key: 'one_time_buyers',
    name: 'One-time buyers',
    description: 'Customers with exactly one order.',
    query: 'number_of_orders = 1',
  },
  {
    key: 'coupon_customers',
    name: 'Coupon customers',
    description: `Customers who used a discount code on most of their orders (more than ${percent(T.couponShareAbove)}).`,
    query: `discount_share > ${T.couponShareAbove}`,
  },
  {
    key: 'full_price_buyers',
    name: 'Full-price buyers',
    description:
      `Customers who bought at least ${percent(T.fullPriceShareAtLeast)} of their items at full price: ` +
      'no markdown, no discount, no code.',
    query: `full_price_share >= ${T.fullPriceShareAtLeast}`,
  },
  {
    key: 'replenishment_due',
    name: 'Replenishment due',
    description:
      'Customers whose own buying rhythm (last purchase day plus their average gap between purchase days) ' +
      `says their next order is due today or overdue, and who have ordered in the last ${T.dormantAfterDays} days.`,
    query: `expected_reorder_date <= -0d AND last_order_date >= -${T.dormantAfterDays}d`,
  },
  {
    key: 'newsletter_subscribers',
    name: 'Newsletter subscribers',
    description: 'Customers subscribed to email marketing.',
    query: "email_subscription_status = 'subscribed'",
  },
  {
    key: 'prospects',
    name: 'Prospects',
    description: 'Customers who have not placed an order yet.',
    query: 'number_of_orders = 0',
  },
  {
    key: 'dormant',
    name: 'Dormant',
    description: `Customers whose last order was more than ${T.dormantAfterDays} days ago.`,
    query: `last_order_date < -${T.dormantAfterDays}d`,
  },
  {
    key: 'trend_followers',
    name: 'Trend followers',
    description:
      `Customers with at least ${T.trendMinimumOrders} orders, at least ${percent(T.trendShareAtLeast)} of which ` +
      'bought a new product within 30 days of its launch (its first sale in the store).',
    query: `trend_purchase_share >= ${T.trendShareAtLeast} AND number_of_orders >= ${T.trendMinimumOrders}`,
  },
];

/**
 * The catalogue for one store: big spenders (when the threshold is known), the fixed segments, then one
 * abandoned-cart segment per category and one location segment per country, each list sorted and without
 * duplicates. Categories and countries the language cannot hold (empty, too long, not a country code) are
 * left out, so a store's odd data cannot break its nightly run.
 */
export function catalogueSegments(context: CatalogueContext): CatalogueSegment[] {
  const segments: CatalogueSegment[] = [];
  if (context.bigSpenderThreshold !== undefined) segments.push(bigSpenders(context.bigSpenderThreshold));
  segments.push(...FIXED_SEGMENTS);
  const keys = new Set(segments.map((segment) => segment.key));
  const uniqueKey = (base: string): string => {
    let key = base;
    for (let n = 2; keys.has(key); n++) key = `${base}_${n}`;
    keys.add(key);
    return key;
  };
  for (const category of validElements('abandoned_checkout_categories', context.categories)) {
    segments.push({
      key: uniqueKey(`abandoned_cart_${slug(category)}`),
      name: `Abandoned cart: ${category}`,
      description:
        `Customers who left a checkout with ${category} in the last ${T.abandonedWithinDays} days ` +
        'and have not ordered since.',
      query: canonical(
        `abandoned_checkout_categories CONTAINS ${quoted(category)} AND abandoned_checkout_date >= -${T.abandonedWithinDays}d`,
      ),
    });
  }
  for (const country of validElements('customer_countries', context.countries)) {
    const place = countryName(country);
    segments.push({
      key: uniqueKey(`location_${country.toLowerCase()}`),
      name: `Location: ${place}`,
      description: `Customers whose address is in ${place}${place === country ? '' : ` (${country})`}.`,
      query: canonical(`customer_countries CONTAINS ${quoted(country)}`),
    });
  }
  return segments;
}

function bigSpenders(threshold: number): CatalogueSegment {
  if (!Number.isFinite(threshold) || Math.abs(threshold) > MONEY_LIMIT) {
    throw new RangeError(`catalogueSegments: bigSpenderThreshold must be a finite amount, got ${threshold}`);
  }
  const line = centsAtLeast(threshold);
  return {
    key: 'big_spenders',
    name: 'Big spenders',
    description:
      `The store's top ${percent(1 - T.bigSpenderPercentile)} by amount spent: ` +
      `customers who spent ${line} or more (the store's ${Math.round(T.bigSpenderPercentile * 100)}th percentile).`,
    query: canonical(`amount_spent >= ${line}`),
  };
}

/** The smallest amount in cents that is ≥ x, printed as a literal: amounts in cents are ≥ x exactly when ≥ it. */
function centsAtLeast(x: number): string {
  let cents = Math.round(x * 100);
  if (cents / 100 < x) cents += 1;
  return String(cents / 100 + 0);
}

/** The elements the attribute accepts, normalised (country codes upper-cased), sorted, without duplicates. */
function validElements(attribute: 'abandoned_checkout_categories' | 'customer_countries', values: readonly string[]): string[] {
  const element = SEGMENT_ATTRIBUTES[attribute].element!;
  const accepted = new Set<string>();
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const result = element(value);
    if ('value' in result) accepted.add(result.value);
  }
  return [...accepted].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A key fragment: ASCII letters and digits, lower-case, accents dropped, other runs as one underscore. */
export function slug(text: string): string {
  const ascii = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  const result = ascii.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return result === '' ? 'category' : result.slice(0, 60).replace(/_+$/, '');
}

function quoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Parses and prints back: a catalogue query is valid and in the form a saved segment is stored in. */
function canonical(query: string): string {
  return formatSegmentQuery(parseSegmentQuery(query));
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** The English name of a country code when the runtime knows it (Node ships full ICU), else the code. */
function countryName(code: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

/**
 * The attributes a custom segment query can filter on, and what kind of value each one holds. The kind
 * decides which operators and literals make sense (checked by the parser) and how a condition compiles
 * (compiler.ts) and evaluates (evaluate.ts). The core never learns table names: the caller maps each
 * attribute to a SQL column (SegmentQueryColumns).
 */
import { RFM_GROUP_KEYS } from '../rfm-groups';

/**
 *   money    numeric amount in the shop currency, at most 2 decimals (cents), like numeric(14, 2)
 *   integer  whole number
 *   number   real number
 *   date     a moment (timestamptz), compared by UTC day for absolute dates (see GRAMMAR.md)
 *   enum     one of a fixed list of lower-case keys
 *   set      a set of strings, queried with CONTAINS / NOT CONTAINS
 */
export type AttributeKind = 'money' | 'integer' | 'number' | 'date' | 'enum' | 'set';

export interface AttributeDefinition {
  readonly name: SegmentAttributeName;
  readonly kind: AttributeKind;
  /** What a value of this attribute is, for error messages ("a set of tags"). */
  readonly description: string;
  /** enum: the allowed values. */
  readonly values?: readonly string[];
  /** money, integer, number: the smallest and largest literal that can sensibly be compared. */
  readonly min?: number;
  readonly max?: number;
  /** set: how one element literal is validated and normalised, or why it is invalid. */
  readonly element?: (text: string) => { value: string } | { problem: string };
  /**
   * set: how the caller's column holds the set. 'array': a text[] column (CONTAINS is `$n = ANY(col)`,
   * an empty array is no elements); 'scalar': one text column holding the only element, or NULL.
   */
  readonly storage?: 'array' | 'scalar';
  /** set: what one element is, for "expected ..." messages ("a tag in quotes such as 'vip'"). */
  readonly elementExample?: string;
}

export const SEGMENT_ATTRIBUTE_NAMES = [
  'amount_spent',
  'number_of_orders',
  'aov',
  'last_order_date',
  'first_order_date',
  'customer_countries',
  'customer_tags',
  'email_subscription_status',
  'sms_subscription_status',
  'rfm_group',
  'rfm_score',
  'vip_tier',
  'predicted_clv',
  'churn_risk',
  'expected_next_order_date',
  'discount_share',
  'full_price_share',
  'returns_rate',
  'expected_reorder_date',
  'abandoned_checkout_date',
  'abandoned_checkout_categories',
  'trend_purchase_share',
] as const;
export type SegmentAttributeName = (typeof SEGMENT_ATTRIBUTE_NAMES)[number];

/**
 * Shopify's marketing consent states. Kept here rather than imported from store/store-records so that the
 * query language depends on nothing outside core/; docs.spec.ts checks the two lists are the same.
 */
export const SUBSCRIPTION_STATUSES = ['subscribed', 'not_subscribed', 'unsubscribed', 'pending'] as const;
export const VIP_TIERS = ['silver', 'gold', 'platinum'] as const;

/** Money literals stay inside numeric(14, 2): 12 integer digits. */
const MONEY_LIMIT = 999_999_999_999.99;

/** A UTF-16 surrogate without its partner: not a character. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Tag length limit of Shopify's admin. */
const MAX_TAG_LENGTH = 255;

function countryCode(text: string): { value: string } | { problem: string } {
  // ISO 3166-1 alpha-2; accepted in any case and stored upper-case, as Shopify reports country codes.
  if (!/^[A-Za-z]{2}$/.test(text)) return { problem: 'a country is a two-letter ISO code such as \'FR\'' };
  return { value: text.toUpperCase() };
}

/** An element of a text[] set (a tag, a product category): exact text, as `$n = ANY(col)` compares it. */
function exactText(what: string, maxLength: number): (text: string) => { value: string } | { problem: string } {
  return (text) => {
    if (text.length === 0) return { problem: `${what} cannot be empty` };
    if (text.length > maxLength) return { problem: `${what} has at most ${maxLength} characters` };
    // PostgreSQL text cannot hold NUL, and a lone surrogate is not Unicode (the driver would send U+FFFD):
    // either would make the database disagree with the evaluator or fail, so both are refused here.
    if (text.includes('\0')) return { problem: `${what} cannot contain the NUL character` };
    if (LONE_SURROGATE.test(text)) return { problem: `${what} must be valid Unicode text` };
    // Compared exactly (case-sensitive), as `$n = ANY(col)` does in SQL: no normalisation.
    return { value: text };
  };
}

const tag = exactText('a tag', MAX_TAG_LENGTH);
/** Shopify's product type, our product category, is at most 255 characters like a tag. */
const category = exactText('a category', MAX_TAG_LENGTH);

/** A share or a rate: a number from 0 to 1 (4 decimals, see GRAMMAR.md). */
function share(name: SegmentAttributeName, description = 'a share from 0 to 1'): AttributeDefinition {
  return { name, kind: 'number', description, min: 0, max: 1 };
}

export const SEGMENT_ATTRIBUTES: Readonly<Record<SegmentAttributeName, AttributeDefinition>> = {
  amount_spent: { name: 'amount_spent', kind: 'money', description: 'an amount', min: -MONEY_LIMIT, max: MONEY_LIMIT },
  number_of_orders: {
    name: 'number_of_orders',
    kind: 'integer',
    description: 'a whole number',
    min: -2_147_483_648,
    max: 2_147_483_647,
  },
  aov: { name: 'aov', kind: 'money', description: 'an amount', min: -MONEY_LIMIT, max: MONEY_LIMIT },
  last_order_date: { name: 'last_order_date', kind: 'date', description: 'a date' },
  first_order_date: { name: 'first_order_date', kind: 'date', description: 'a date' },
  customer_countries: {
    name: 'customer_countries',
    kind: 'set',
    description: 'a set of country codes',
    element: countryCode,
    storage: 'scalar',
    elementExample: "a country code in quotes such as 'FR'",
  },
  customer_tags: {
    name: 'customer_tags',
    kind: 'set',
    description: 'a set of tags',
    element: tag,
    storage: 'array',
    elementExample: "a tag in quotes such as 'vip'",
  },
  email_subscription_status: {
    name: 'email_subscription_status',
    kind: 'enum',
    description: 'a subscription status',
    values: SUBSCRIPTION_STATUSES,
  },
  sms_subscription_status: {
    name: 'sms_subscription_status',
    kind: 'enum',
    description: 'a subscription status',
    values: SUBSCRIPTION_STATUSES,
  },
  rfm_group: { name: 'rfm_group', kind: 'enum', description: 'an RFM group', values: RFM_GROUP_KEYS },
  // 111..555: three digits R, F, M, each 1-5 (equality additionally checks each digit, see parser).
  rfm_score: { name: 'rfm_score', kind: 'integer', description: 'an RFM score', min: 111, max: 555 },
  vip_tier: { name: 'vip_tier', kind: 'enum', description: 'a VIP tier', values: VIP_TIERS },
  predicted_clv: {
    name: 'predicted_clv',
    kind: 'money',
    description: 'an amount',
    min: -MONEY_LIMIT,
    max: MONEY_LIMIT,
  },
  churn_risk: { name: 'churn_risk', kind: 'number', description: 'a probability', min: 0, max: 1 },
  expected_next_order_date: { name: 'expected_next_order_date', kind: 'date', description: 'a date' },
  discount_share: share('discount_share'),
  full_price_share: share('full_price_share'),
  returns_rate: share('returns_rate', 'a rate from 0 to 1'),
  expected_reorder_date: { name: 'expected_reorder_date', kind: 'date', description: 'a date' },
  abandoned_checkout_date: { name: 'abandoned_checkout_date', kind: 'date', description: 'a date' },
  abandoned_checkout_categories: {
    name: 'abandoned_checkout_categories',
    kind: 'set',
    description: 'a set of product categories',
    element: category,
    storage: 'array',
    elementExample: "a product category in quotes such as 'Footwear'",
  },
  trend_purchase_share: share('trend_purchase_share'),
};

/** The set attributes, for messages ("CONTAINS applies only to ..."). */
export const SET_ATTRIBUTE_NAMES: readonly SegmentAttributeName[] = SEGMENT_ATTRIBUTE_NAMES.filter(
  (name) => SEGMENT_ATTRIBUTES[name].kind === 'set',
);

export function isSegmentAttributeName(name: string): name is SegmentAttributeName {
  return Object.prototype.hasOwnProperty.call(SEGMENT_ATTRIBUTES, name);
}

/**
 * The SQL column expression of each attribute, chosen by the caller (e.g. `{ amount_spent: 'm.monetary',
 * customer_countries: 'c.country', customer_tags: 'c.tags' }`). customer_countries is a single text column
 * (a customer has one country); customer_tags and abandoned_checkout_categories are text[] columns (see
 * `storage`); every other attribute a scalar column of the matching type (dates timestamptz). What each
 * column must hold, exactly, is in GRAMMAR.md ("Attribute definitions"). An attribute left out is "not available" to queries, which then
 * get a SegmentQueryError naming it — so attributes can be offered as the data behind them arrives.
 */
export type SegmentQueryColumns = { readonly [K in SegmentAttributeName]?: string };

/**
 * A customer as the evaluator sees it: the same attributes, absent or null when unknown. Sets are arrays
 * (customer_countries is [country], or [] / null when the single country column is NULL). Dates are moments.
 */
export interface SegmentQueryCustomer {
  readonly amount_spent?: number | null;
  readonly number_of_orders?: number | null;
  readonly aov?: number | null;
  readonly last_order_date?: Date | null;
  readonly first_order_date?: Date | null;
  readonly customer_countries?: readonly string[] | null;
  readonly customer_tags?: readonly string[] | null;
  readonly email_subscription_status?: string | null;
  readonly sms_subscription_status?: string | null;
  readonly rfm_group?: string | null;
  readonly rfm_score?: number | null;
  readonly vip_tier?: string | null;
  readonly predicted_clv?: number | null;
  readonly churn_risk?: number | null;
  readonly expected_next_order_date?: Date | null;
  readonly discount_share?: number | null;
  readonly full_price_share?: number | null;
  readonly returns_rate?: number | null;
  readonly expected_reorder_date?: Date | null;
  readonly abandoned_checkout_date?: Date | null;
  readonly abandoned_checkout_categories?: readonly string[] | null;
  readonly trend_purchase_share?: number | null;
}

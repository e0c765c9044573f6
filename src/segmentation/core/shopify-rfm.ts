/**
 * Shopify's RFM groups: the second, selectable scheme beside the six K-means groups (rfm-groups.ts). A
 * customer's group depends on two numbers only: R, and FM = (F + M) / 2, where R, F and M are the store's
 * own quintile scores 1..5 (rfm-scores.ts, 5 = best). A customer without an order has no scores and is a
 * Prospect.
 *
 * WHAT SHOPIFY PUBLISHES, AND WHAT IT DOES NOT. Shopify's help centre ("RFM customer analysis") states the
 * inputs above (R, and FM = (F + M)/2; a score of 5 = top 20% of the store, 1 = bottom 20%) and names the 11
 * groups; the Admin GraphQL enum CustomerRfmGroup describes each group in words ("very recent purchases,
 * many orders, and the most spend", "without recent purchases, but with a very strong history", ...).
 * The help centre also has a table of R and FM ranges per group, but no copy of that table was reachable
 * when this was written, so THE GRID BELOW IS RECONSTRUCTED FROM THE PUBLISHED DESCRIPTIONS, not copied
 * from Shopify's ranges. It will not match Shopify's own `customer.statistics.rfmGroup` in every cell.
 * To align it later, edit SHOPIFY_RFM_GROUPS only: the lookup, the tests' coverage checks and the SQL
 * below all follow that one table.
 *
 * THE GRID. Recency reads as Shopify's words do: R = 5 "very recent", R = 4 "recent", R = 3 "less
 * recently", R ≤ 2 "without recent purchases". FM falls into three bands of three possible values each:
 *
 *     low       FM 1, 1.5, 2       "few orders, low spend"
 *     moderate  FM 2.5, 3, 3.5     "some orders, moderate spend"
 *     high      FM 4, 4.5, 5       "many orders, the most spend"
 *
 *     FM \ R      1                  2                  3                  4            5
 *     high        previously_loyal   previously_loyal   loyal              loyal        champions
 *     moderate    at_risk            at_risk            needs_attention    active       active
 *     low         dormant            almost_lost        almost_lost        promising    new
 *
 * Each group is one rectangle of that grid, the rectangles do not overlap and together cover all of it, so
 * every (R, F, M) in 1..5³ has exactly one group (the spec checks all 125).
 *
 * GAPS FILLED (documented rules, not Shopify's):
 *   - FM x.5 values. FM is a half-integer when F + M is odd; the bands are closed ranges on FM with whole-
 *     number edges at 2 and 4, i.e. low = F + M ≤ 4, high = F + M ≥ 8, moderate in between. Working on the
 *     integer F + M keeps every comparison exact (no 2.5 in floating point or SQL numeric).
 *   - "Strong" versus "very strong" history (At Risk versus Previously Loyal): the same FM bands as the
 *     recent customers, so Previously Loyal is what Loyal or Champions become without recent orders and
 *     At Risk what Active or Needs Attention become.
 *   - "Almost lost" versus "Dormant" (both without recent orders, low FM): Almost Lost while R is 2 or 3,
 *     Dormant at R = 1.
 *
 * SQL, same rule (r, f, m the integer scores, null r for customers without an order):
 *     CASE WHEN r IS NULL THEN 'prospects'
 *          WHEN f + m >= 8 THEN CASE WHEN r = 5 THEN 'champions' WHEN r >= 3 THEN 'loyal' ELSE 'previously_loyal' END
 *          WHEN f + m >= 5 THEN CASE WHEN r >= 4 THEN 'active' WHEN r = 3 THEN 'needs_attention' ELSE 'at_risk' END
 *          ELSE CASE WHEN r = 5 THEN 'new' WHEN r = 4 THEN 'promising' WHEN r >= 2 THEN 'almost_lost' ELSE 'dormant' END
 *     END
 */

export const SHOPIFY_RFM_GROUP_KEYS = [
  'champions',
  'loyal',
  'active',
  'promising',
  'new',
  'needs_attention',
  'at_risk',
  'previously_loyal',
  'almost_lost',
  'dormant',
  'prospects',
] as const;
export type ShopifyRfmGroupKey = (typeof SHOPIFY_RFM_GROUP_KEYS)[number];

/** A closed range of scores, both ends included. */
export interface ScoreRange {
  min: number;
  max: number;
}

export interface ShopifyRfmGroup {
  key: ShopifyRfmGroupKey;
  name: string;
  /** Shopify's Admin GraphQL value (CustomerRfmGroup), for comparing with `customer.statistics.rfmGroup`. */
  shopifyEnum: Uppercase<ShopifyRfmGroupKey>;
  description: string;
  /** R range; null for Prospects, who have no scores. */
  r: ScoreRange | null;
  /** FM = (F + M) / 2 range, in steps of 0.5; null for Prospects. */
  fm: ScoreRange | null;
}

export const SHOPIFY_RFM_GROUPS: readonly ShopifyRfmGroup[] = [
  {
    key: 'champions',
    name: 'Champions',
    shopifyEnum: 'CHAMPIONS',
    description: 'bought very recently, order often and spend the most',
    r: { min: 5, max: 5 },
    fm: { min: 4, max: 5 },
  },
  {
    key: 'loyal',
    name: 'Loyal',
    shopifyEnum: 'LOYAL',
    description: 'bought recently, order often and spend the most',
    r: { min: 3, max: 4 },
    fm: { min: 4, max: 5 },
  },
  {
    key: 'active',
    name: 'Active',
    shopifyEnum: 'ACTIVE',
    description: 'bought recently, with some orders and moderate spend',
    r: { min: 4, max: 5 },
    fm: { min: 2.5, max: 3.5 },
  },
  {
    key: 'promising',
    name: 'Promising',
    shopifyEnum: 'PROMISING',
    description: 'bought recently, with few orders and low spend',
    r: { min: 4, max: 4 },
    fm: { min: 1, max: 2 },
  },
  {
    key: 'new',
    name: 'New',
    shopifyEnum: 'NEW',
    description: 'bought very recently, with few orders and low spend',
    r: { min: 5, max: 5 },
    fm: { min: 1, max: 2 },
  },
  {
    key: 'needs_attention',
    name: 'Needs Attention',
    shopifyEnum: 'NEEDS_ATTENTION',
    description: 'bought less recently, order sometimes and spend moderately',
    r: { min: 3, max: 3 },
    fm: { min: 2.5, max: 3.5 },
  },
  {
    key: 'at_risk',
    name: 'At Risk',
    shopifyEnum: 'AT_RISK',
    description: 'no recent purchase, but a strong history of orders and spend',
    r: { min: 1, max: 2 },
    fm: { min: 2.5, max: 3.5 },
  },
  {
    key: 'previously_loyal',
    name: 'Previously Loyal',
    shopifyEnum: 'PREVIOUSLY_LOYAL',
    description: 'no recent purchase, but a very strong history of orders and spend',
    r: { min: 1, max: 2 },
    fm: { min: 4, max: 5 },
  },
  {
    key: 'almost_lost',
    name: 'Almost Lost',
    shopifyEnum: 'ALMOST_LOST',
    description: 'no recent purchase, fewer orders and lower spend',
    r: { min: 2, max: 3 },
    fm: { min: 1, max: 2 },
  },
  {
    key: 'dormant',
    name: 'Dormant',
    shopifyEnum: 'DORMANT',
    description: 'no order for the longest time, infrequent orders and low spend',
    r: { min: 1, max: 1 },
    fm: { min: 1, max: 2 },
  },
  {
    key: 'prospects',
    name: 'Prospects',
    shopifyEnum: 'PROSPECTS',
    description: 'no order yet, so no recency, frequency or spend score',
    r: null,
    fm: null,
  },
];

function assertScore(name: string, value: number | null): asserts value is number {
  if (value === null || !Number.isInteger(value) || value < 1 || value > 5) {
    throw new RangeError(`${name} must be a whole score from 1 to 5 for a customer with orders, got ${value}`);
  }
}

/** FM = (F + M) / 2, one of 1, 1.5, …, 5. */
export function shopifyFm(f: number, m: number): number {
  assertScore('F', f);
  assertScore('M', m);
  return (f + m) / 2;
}

/**
 * The group of a customer with scores (r, f, m); r null (no order, no scores) gives 'prospects' whatever f
 * and m are. Ranges compare on the integer F + M against twice the FM ends, so half values are exact.
 */
export function shopifyRfmGroup(r: number | null, f: number | null, m: number | null): ShopifyRfmGroupKey {
  if (r === null) return 'prospects';
  assertScore('R', r);
  assertScore('F', f);
  assertScore('M', m);
  const sum = f + m;
  const group = SHOPIFY_RFM_GROUPS.find(
    ({ r: rRange, fm }) =>
      rRange !== null && fm !== null && r >= rRange.min && r <= rRange.max && sum >= 2 * fm.min && sum <= 2 * fm.max,
  );
  // Unreachable while the table covers the grid (the spec checks every cell); a gap must fail loudly.
  if (!group) throw new Error(`No Shopify RFM group covers R ${r}, FM ${sum / 2}`);
  return group.key;
}

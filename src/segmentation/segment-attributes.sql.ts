import { SEGMENT_ATTRIBUTE_NAMES, type SegmentQueryColumns } from './core/query';
import { inCustomerPartSql } from '../store/customer-parts';

/**
 * Every customer of a shop with every attribute the segment query language knows (GRAMMAR.md, "Attribute
 * definitions"), as of one segment run: buyers from their membership, prospects with no orders and zero
 * spend, abandoned-checkout attributes from the checkouts. Saved segments and previews select from it with a
 * compiled query. $1 shop, $2 run, $3 as-of, $4 eligible statuses, $5 window years.
 *
 * trend_purchase_share reads the lines of new products (product_launches, kept by the store writer). Inside
 * a segment run each customer's trend purchases are counted beside the features (segment_run_values,
 * customer-values.sql.ts); elsewhere they are counted here, only when a query asks for them.
 *
 * Open checkouts are those after the customer's last order. Inside a segment run (buyers 'run') the last
 * orders come from the run's analyzed feature table: the memberships just written have no statistics on a
 * server yet, and the planner, expecting a handful of rows, sorted a million of them for a merge join.
 * Elsewhere (buyers 'stored') they come from the run's memberships.
 *
 * Inside a run, the rows are those of one part of the customers (store/customer-parts.ts): $6 parts, $7 part.
 */
export function segmentAttributesSql(options: { trend: boolean; buyers: 'run' | 'stored' }): string {
  const inRun = options.buyers === 'run';
  // Each table read for the part only: scanning the other part's rows too cost both parts time.
  const inPart = (column: string) => (inRun ? `AND ${inCustomerPartSql(column, '$6', '$7')}` : '');
  const lastOrders = `${inRun ? 'segment_run_features' : 'segment_memberships'} m
    ON m.shop_id = k.shop_id AND m.run_id = $2 AND m.customer_id = k.customer_id ${inPart('m.customer_id')}`;
  const trendHere = options.trend && options.buyers === 'stored';
  const trendJoin = !options.trend
    ? ''
    : trendHere
      ? 'LEFT JOIN trend_orders t ON t.customer_id = c.customer_id'
      : `LEFT JOIN segment_run_values t ON t.shop_id = $1 AND t.run_id = $2 AND t.customer_id = c.customer_id ${inPart('t.customer_id')}`;
  return `
  WITH eligibility AS (
    -- Types $4 even when no trend purchases are asked for (an untyped unused parameter is an error).
    SELECT $4::text[] AS statuses
  ),
  -- In two steps: distinct categories by hashing, then each customer's sorted list. A DISTINCT aggregate
  -- straight over the checkouts wanted its input sorted by customer, so the planner merge-joined and sorted
  -- every buyer's last order (3 of the 6 seconds of this part at a million customers).
  open_checkout_categories AS (
    SELECT k.customer_id, category, max(k.created_at) AS latest
    FROM checkouts k
    LEFT JOIN ${lastOrders}
    LEFT JOIN LATERAL unnest(k.categories) AS category ON true
    WHERE k.shop_id = $1 AND k.customer_id IS NOT NULL
      AND (k.completed_at IS NULL OR k.completed_at > $3::timestamptz)
      AND k.created_at > $3::timestamptz - make_interval(years => $5) AND k.created_at <= $3::timestamptz
      AND (m.last_order_at IS NULL OR k.created_at > m.last_order_at) ${inPart('k.customer_id')}
    GROUP BY k.customer_id, category
  ),
  open_checkouts AS (
    SELECT customer_id, max(latest) AS latest, array_remove(array_agg(category ORDER BY category), '') AS categories
    FROM open_checkout_categories
    GROUP BY customer_id
  )${trendHere ? `, ${trendPurchasesSql({ shop: '$1', asOf: '$3', statuses: '$4', years: '$5' })}` : ''}
  SELECT c.customer_id,
         coalesce(m.monetary, 0) AS amount_spent,
         coalesce(m.frequency, 0) AS number_of_orders,
         m.aov,
         m.last_order_at AS last_order_date,
         m.first_order_at AS first_order_date,
         c.country AS customer_countries,
         c.tags AS customer_tags,
         c.email_consent AS email_subscription_status,
         c.sms_consent AS sms_subscription_status,
         m.rfm_group, m.rfm_score, m.vip_tier, m.predicted_clv, m.churn_risk, m.discount_share, m.full_price_share,
         m.returns_rate,
         m.expected_next_order_at AS expected_next_order_date,
         m.expected_reorder_at AS expected_reorder_date,
         o.latest AS abandoned_checkout_date,
         coalesce(o.categories, '{}') AS abandoned_checkout_categories,
         ${options.trend ? `CASE WHEN m.frequency > 0 THEN round(coalesce(t.trend_orders, 0)::numeric / m.frequency, 4) END` : 'NULL::numeric'} AS trend_purchase_share
  FROM customers c
  LEFT JOIN segment_memberships m ON m.shop_id = c.shop_id AND m.run_id = $2 AND m.customer_id = c.customer_id
  LEFT JOIN open_checkouts o ON o.customer_id = c.customer_id
  ${trendJoin}
  WHERE c.shop_id = $1 ${inPart('c.customer_id')}`;
}

/**
 * Trend purchases (GRAMMAR.md): a product launches at its first sale in the store's history up to as-of; it
 * is new if it launched at least 30 days after the history's first order; an eligible order placed within
 * 30 days of a new product's launch and containing it is a trend purchase. CTEs ending in trend_orders
 * (customer_id, trend_orders), for the caller's WITH; the placeholders name the caller's parameters.
 */
export function trendPurchasesSql(p: { shop: string; asOf: string; statuses: string; years: string }): string {
  return `
  history AS (
    SELECT min(created_at) AS start FROM orders WHERE shop_id = ${p.shop} AND created_at <= ${p.asOf}::timestamptz
  ),
  new_products AS (
    SELECT np.product_id, np.first_sold_at AS launched_at
    FROM product_launches np CROSS JOIN history h
    WHERE np.shop_id = ${p.shop} AND np.first_sold_at <= ${p.asOf}::timestamptz AND np.first_sold_at - h.start >= interval '30 days'
  ),
  new_product_lines AS MATERIALIZED (
    SELECT l.order_id, np.launched_at
    FROM new_products np JOIN order_lines l ON l.shop_id = ${p.shop} AND l.product_id = np.product_id
  ),
  -- A semi-join, so each order counts once without a DISTINCT and the planner keeps the lines (new products
  -- only) on the hashed or sorted side instead of hashing every order of the store (1M customers: 4.6 s, now 3.5).
  trend_orders AS (
    SELECT o.customer_id, count(*) AS trend_orders
    FROM orders o
    WHERE o.shop_id = ${p.shop} AND o.customer_id IS NOT NULL AND o.cancelled_at IS NULL
      AND o.financial_status = ANY(${p.statuses}::text[])
      AND o.created_at > ${p.asOf}::timestamptz - make_interval(years => ${p.years})
      AND o.created_at <= ${p.asOf}::timestamptz
      AND EXISTS (SELECT 1 FROM new_product_lines l
                  WHERE l.order_id = o.order_id AND o.created_at - l.launched_at <= interval '30 days')
    GROUP BY o.customer_id
  )`;
}

/** The compiler's column for each attribute: the same-named column of the attributes row `a`. */
export const SEGMENT_ATTRIBUTE_COLUMNS: SegmentQueryColumns = Object.fromEntries(
  SEGMENT_ATTRIBUTE_NAMES.map((name) => [name, `a.${name}`]),
);

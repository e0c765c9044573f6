/**
 * The SQL side of VIP tiers in a segment run (rules: core/vip-tiers.ts; inputs: core/vip-inputs.ts). The
 * 12-month spend, returns rate and full-price share come with the run's features (segment-run.sql.ts); this
 * file adds the high-margin share, the relative thresholds, the cursor the customers are streamed through
 * vipTierFor with, and the table the tiers land in before the memberships join it.
 */
import { inCustomerPartSql } from '../store/customer-parts';

/**
 * Spend-weighted share of high-margin categories per customer, over the lines of eligible orders in the
 * trailing 12 months, for the customers of a part; only built when the shop names categories. $1 shop, $2 as-of,
 * $3 eligible statuses, $4 high-margin product types, $5 parts, $6 part. (12 months lie inside the 10-year
 * eligibility window.)
 */
export const BUILD_RUN_VIP_MARGINS = `
  CREATE TEMP TABLE run_vip_margins ON COMMIT DROP AS
  SELECT customer_id,
         CASE WHEN total <= 0 THEN 0 ELSE least(1, greatest(0, round(high / total, 4))) END AS high_margin_share
  FROM (
    SELECT o.customer_id,
           sum(l.price * l.quantity - l.discount_amount) AS total,
           coalesce(sum(l.price * l.quantity - l.discount_amount) FILTER (WHERE l.product_type = ANY($4::text[])), 0) AS high
    FROM orders o JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
    WHERE o.shop_id = $1 AND o.customer_id IS NOT NULL AND o.cancelled_at IS NULL
      AND o.financial_status = ANY($3::text[])
      AND o.created_at > $2::timestamptz - interval '12 months' AND o.created_at <= $2::timestamptz
      AND ${inCustomerPartSql('o.customer_id', '$5', '$6')}
    GROUP BY o.customer_id) spend`;

/**
 * Relative thresholds (stage 1 of core/vip-tiers.ts): the smallest buyer spend s with
 * 10 000 × worse(s) ≥ (10 000 − bp) × n, per tier; null when no spend qualifies.
 * $1 silver, $2 gold, $3 platinum top shares in basis points, $4 shop, $5 run.
 */
export const RELATIVE_VIP_THRESHOLDS = `
  SELECT (min(spend) FILTER (WHERE 10000 * worse >= (10000 - $1::int) * n))::float8 AS silver,
         (min(spend) FILTER (WHERE 10000 * worse >= (10000 - $2::int) * n))::float8 AS gold,
         (min(spend) FILTER (WHERE 10000 * worse >= (10000 - $3::int) * n))::float8 AS platinum
  FROM (SELECT trailing_12m_spend AS spend, rank() OVER (ORDER BY trailing_12m_spend) - 1 AS worse,
               count(*) OVER () AS n
        FROM segment_run_features WHERE shop_id = $4 AND run_id = $5 AND trailing_12m_spend > 0) buyers`;

const VIP_INPUT_COLUMNS = `f.customer_id, f.trailing_12m_spend::float8 AS spend, f.vip_returns_rate::float8 AS returns_rate,
  f.vip_full_price_share::float8 AS full_price_share`;

/**
 * The inputs of every run customer of a part with spend > 0 through a cursor; with margins when the shop names
 * high-margin categories. The others all get NO_SPEND_REASON (core/vip-tiers.ts), written by the memberships
 * insert itself: at 1M customers about half of them need no round trip through the process.
 * $1 shop, $2 run, $3 parts, $4 part.
 */
export function openVipInputsSql(withMargins: boolean): string {
  const margins = withMargins
    ? { column: 'coalesce(h.high_margin_share, 0)::float8', join: 'LEFT JOIN run_vip_margins h USING (customer_id)' }
    : { column: '0::float8', join: '' };
  return `DECLARE run_vip_cursor NO SCROLL CURSOR FOR
    SELECT ${VIP_INPUT_COLUMNS}, ${margins.column} AS high_margin_share
    FROM segment_run_features f ${margins.join}
    WHERE f.shop_id = $1 AND f.run_id = $2 AND f.trailing_12m_spend > 0 AND ${inCustomerPartSql('f.customer_id', '$3', '$4')}`;
}

export const FETCH_VIP_INPUTS = (pageSize: number) => `FETCH ${Math.trunc(pageSize)} FROM run_vip_cursor`;

export const CLOSE_VIP_INPUTS = `CLOSE run_vip_cursor`;

export const CREATE_RUN_VIP = `
  CREATE TEMP TABLE run_vip (
    customer_id text NOT NULL,
    vip_tier text,
    vip_base_tier text,
    vip_reason text NOT NULL
  ) ON COMMIT DROP`;

/** One page of assignments. Arrays: $1 ids, $2 tiers, $3 base tiers, $4 reasons. */
export const INSERT_RUN_VIP = `
  INSERT INTO run_vip SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`;

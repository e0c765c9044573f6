import { RECENCY_WEIGHT } from './core/rfm-groups';
import { shopifyRfmGroupParameters, shopifyRfmGroupSql } from './shopify-rfm.sql';
import { inCustomerPartSql } from '../store/customer-parts';

/**
 * The SQL side of a segment run. Each statement mirrors a rule of the pure core (see the header of
 * core/features.ts, core/rfm-scores.ts, core/rfm-groups.ts); the parity tests hold them together.
 * Every value comes in as a parameter; the only generated SQL text is the nearest-centre expression, built
 * from the number of centres, and the Shopify RFM CASE (shopify-rfm.sql.ts), built from the number of
 * groups: never from data.
 */

/** Conditions on `orders` shared by the feature statements: $1 shop, $2 as-of, $4 statuses, $5 window years. */
const ORDERS_IN_WINDOW = `
  shop_id = $1 AND customer_id IS NOT NULL AND cancelled_at IS NULL AND financial_status = ANY($4::text[])
  AND created_at > $2::timestamptz - make_interval(years => $5) AND created_at <= $2::timestamptz`;

/** Orders of the trailing 12 months (core/vip-inputs.ts), the window of the VIP tiers' inputs. */
const TRAILING_12M = `created_at > $2::timestamptz - interval '12 months'`;

/** An exact sum of money as numeric with two decimals: summed as integer cents (see BUILD_RUN_ORDER_TOTALS). */
const cents = (sum: string) => `${sum} * 0.01`;

/**
 * Step 1 of the features: each distinct set of categories among the eligible orders (255 in the
 * 1M-customer sample store: bounded by the combinations orders have, not by the number of customers), with
 * a bit string marking its categories, one bit per category name of the store in name order. Step 2 ORs a
 * customer's masks and counts the bits: the number of distinct categories, without unnesting and
 * de-duplicating every order's categories per customer (1M customers: 8 to 10 s for the DISTINCT
 * aggregate; 1.5 s for this table and 2 to 4 s more for step 2).
 * Same parameters as step 2.
 */
export const BUILD_RUN_CATEGORY_SETS = `
  CREATE TEMP TABLE run_category_sets ON COMMIT DROP AS
  WITH sets AS (
    SELECT DISTINCT categories FROM orders WHERE ${ORDERS_IN_WINDOW} AND financial_status = ANY($3::text[])
  ),
  names AS MATERIALIZED (SELECT DISTINCT category FROM sets CROSS JOIN LATERAL unnest(categories) AS category WHERE category <> '')
  SELECT s.categories,
         coalesce((SELECT string_agg(CASE WHEN n.category = ANY (s.categories) THEN '1' ELSE '0' END, '' ORDER BY n.category)
                   FROM names n), '')::varbit AS category_mask
  FROM sets s`;

/**
 * Step 2: one aggregate pass over the shop's orders into a temporary table of the run's first transaction.
 * Orders in the window with a returns-rate status feed the returns rate; the eligible ones (status in $3)
 * feed everything else. The t12_ aggregates are the same over the trailing 12 months, the VIP tiers'
 * inputs. Parameters: $1 shop, $2 as-of, $3 eligible statuses, $4 returns-rate statuses, $5 window years.
 * Each order's conditions are evaluated once (the inner select; OFFSET 0 keeps the planner from inlining it
 * into every FILTER), and money is summed as int8 cents, as exact as numeric: a numeric sum keeps a large
 * state per customer, and a million customers' states spilled to disk (1M: 12.6 s CPU before, 8.3 s after).
 * Distinct categories: the bits of the order's category set (step 1), ORed over eligible orders.
 */
export const BUILD_RUN_ORDER_TOTALS = `
  CREATE TEMP TABLE run_order_totals ON COMMIT DROP AS
  SELECT customer_id,
         count(*) FILTER (WHERE eligible) AS frequency,
         ${cents('sum(net) FILTER (WHERE eligible)')} AS monetary,
         min(created_at) FILTER (WHERE eligible) AS first_order_at,
         max(created_at) FILTER (WHERE eligible) AS last_order_at,
         ${cents('sum(price)')} AS returns_price,
         ${cents('sum(refunded)')} AS returns_refunded,
         count(*) FILTER (WHERE eligible AND discounted) AS discounted_orders,
         sum(item_quantity) FILTER (WHERE eligible) AS units,
         sum(full_price_quantity) FILTER (WHERE eligible) AS full_price_units,
         ${cents('coalesce(sum(net) FILTER (WHERE eligible AND trailing_12m), 0)')} AS trailing_12m_spend,
         ${cents('sum(price) FILTER (WHERE trailing_12m)')} AS t12_returns_price,
         ${cents('sum(refunded) FILTER (WHERE trailing_12m)')} AS t12_returns_refunded,
         sum(item_quantity) FILTER (WHERE eligible AND trailing_12m) AS t12_units,
         sum(full_price_quantity) FILTER (WHERE eligible AND trailing_12m) AS t12_full_price_units,
         bit_count(bit_or(category_mask) FILTER (WHERE eligible))::int AS category_count
  FROM (SELECT customer_id, created_at, item_quantity, full_price_quantity, k.category_mask,
               financial_status = ANY($3::text[]) AS eligible,
               ${TRAILING_12M} AS trailing_12m,
               cardinality(discount_codes) > 0 AS discounted,
               (total_price * 100)::int8 AS price,
               (total_refunded * 100)::int8 AS refunded,
               ((total_price - total_refunded) * 100)::int8 AS net
        FROM orders LEFT JOIN run_category_sets k USING (categories)
        WHERE ${ORDERS_IN_WINDOW}
        OFFSET 0) AS o
  GROUP BY customer_id`;

/**
 * Step 3: features, quintile scores and percentile ranks of every customer with an eligible order, in one
 * statement, into segment_run_features. $1 shop, $2 as-of, $3 run.
 * Recency is whole days: floor of the elapsed seconds / 86 400, as the core's floor(ms / 86 400 000).
 * vip_returns_rate and vip_full_price_share are the VIP inputs over the trailing 12 months, clamped to 0..1
 * (core/vip-inputs.ts).
 * Scores (core/rfm-scores.ts): for each value, how many customers are strictly worse and how many equal.
 * Each comes from a per-value table joined on the value, monetary's too (nearly one value per customer,
 * but a hash join on the amount is cheaper than ranking every customer and joining back on the text id).
 */
export const BUILD_RUN_FEATURES = `
  INSERT INTO segment_run_features (shop_id, run_id, customer_id, recency_days, frequency, monetary, aov,
    first_order_at, last_order_at, returns_rate, discount_share, full_price_share, category_count,
    trailing_12m_spend, vip_returns_rate, vip_full_price_share, country, email_consent, sms_consent, r, f, m,
    u_r, u_f, u_m)
  WITH features AS (
    SELECT t.customer_id,
           floor(extract(epoch FROM $2::timestamptz - t.last_order_at) / 86400)::int AS recency_days,
           t.frequency::int AS frequency,
           t.monetary,
           round(t.monetary / t.frequency, 2) AS aov,
           t.first_order_at, t.last_order_at,
           CASE WHEN t.returns_price = 0 THEN 0 ELSE round(t.returns_refunded / t.returns_price, 4) END AS returns_rate,
           round(t.discounted_orders::numeric / t.frequency, 4) AS discount_share,
           CASE WHEN t.units <= 0 THEN 0 ELSE round(t.full_price_units::numeric / t.units, 4) END AS full_price_share,
           coalesce(t.category_count, 0) AS category_count,
           t.trailing_12m_spend,
           CASE WHEN coalesce(t.t12_returns_price, 0) = 0 THEN 0
                ELSE least(1, greatest(0, round(t.t12_returns_refunded / t.t12_returns_price, 4))) END AS vip_returns_rate,
           CASE WHEN coalesce(t.t12_units, 0) <= 0 THEN 0
                ELSE least(1, greatest(0, round(t.t12_full_price_units::numeric / t.t12_units, 4))) END AS vip_full_price_share,
           cu.country,
           coalesce(cu.email_consent, 'not_subscribed') AS email_consent,
           coalesce(cu.sms_consent, 'not_subscribed') AS sms_consent
    FROM run_order_totals t
    LEFT JOIN customers cu ON cu.shop_id = $1 AND cu.customer_id = t.customer_id
    WHERE t.frequency > 0
  ),
  n AS (SELECT count(*)::float8 AS n FROM features),
  by_recency AS (
    SELECT recency_days, count(*) AS equal,
           coalesce(sum(count(*)) OVER (ORDER BY recency_days DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS worse
    FROM features GROUP BY recency_days),
  by_frequency AS (
    SELECT frequency, count(*) AS equal,
           coalesce(sum(count(*)) OVER (ORDER BY frequency ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS worse
    FROM features GROUP BY frequency),
  by_monetary AS (
    SELECT monetary, count(*) AS equal,
           coalesce(sum(count(*)) OVER (ORDER BY monetary ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS worse
    FROM features GROUP BY monetary)
  SELECT $1, $3, x.customer_id, x.recency_days, x.frequency, x.monetary, x.aov, x.first_order_at, x.last_order_at,
         x.returns_rate, x.discount_share, x.full_price_share, x.category_count, x.trailing_12m_spend,
         x.vip_returns_rate, x.vip_full_price_share, x.country, x.email_consent, x.sms_consent,
         (1 + floor(5 * r.worse / n.n))::smallint AS r,
         (1 + floor(5 * q.worse / n.n))::smallint AS f,
         (1 + floor(5 * m.worse / n.n))::smallint AS m,
         (r.worse + 0.5 * r.equal)::float8 / n.n AS u_r,
         (q.worse + 0.5 * q.equal)::float8 / n.n AS u_f,
         (m.worse + 0.5 * m.equal)::float8 / n.n AS u_m
  FROM features x CROSS JOIN n
  JOIN by_recency r USING (recency_days)
  JOIN by_frequency q USING (frequency)
  JOIN by_monetary m USING (monetary)`;

/**
 * Writes the membership of every customer of a part (store/customer-parts.ts) with the group of the nearest
 * centre, the Shopify RFM group of the scores, the VIP tier of `run_vip` and the predicted value of
 * segment_run_values (customer-values.sql.ts).
 * Parameters: $1 shop, $2 run, $3 parts, $4 part, then per centre i (0-based) $5+4i group, $6+4i uR, $7+4i uF,
 * $8+4i uM (a single centre: its group $5 only, as an unused parameter has no type), then the Shopify grid
 * (shopifyRfmGroupParameters) right after the centres, then the VIP reason of customers with no spend, who
 * are not in `run_vip` (NO_SPEND_REASON), then the previous run (may be null).
 * Each membership carries when the customer last entered an RFM group or a VIP tier (the run's as_of when
 * the customer is new, moved group or entered a tier, else the previous run's date carried forward): the
 * Klaviyo sync sends it as last_segment_change, read from the run instead of aggregated over every change of
 * the shop's history, which grows with each run.
 * Returns the part's figures (run-figures.ts PartFigureRow), counted from the rows as they are written rather
 * than by reading them again: per RFM group, per R×F cell and per Shopify group, the customers and the exact
 * sums of recency days, orders and spend.
 */
const FIRST_CENTRE = 5;

export function insertMembershipsSql(centres: number): string {
  const shopifyFirst = FIRST_CENTRE + (centres === 1 ? 1 : 4 * centres);
  const noSpendReason = shopifyFirst + shopifyRfmGroupParameters().length;
  return `
  WITH written AS (
  INSERT INTO segment_memberships (shop_id, run_id, customer_id, recency_days, frequency, monetary, aov,
    first_order_at, last_order_at, returns_rate, discount_share, full_price_share, category_count, country,
    email_consent, sms_consent, r, f, m, rfm_score, u_r, u_f, u_m, rfm_group, shopify_rfm_group,
    vip_tier, vip_base_tier, vip_reason, trailing_12m_spend, p_alive,
    churn_risk, expected_orders_90d, expected_orders_365d, expected_order_value, predicted_clv,
    expected_next_order_at, expected_reorder_at, last_change_at)
  SELECT $1, $2, rf.customer_id, recency_days, frequency, monetary, aov, first_order_at, last_order_at, returns_rate,
         discount_share, full_price_share, category_count, country, email_consent, sms_consent, r, f, m,
         (100 * r + 10 * f + m)::smallint, u_r, u_f, u_m, rf.rfm_group,
         ${shopifyRfmGroupSql(shopifyFirst)}, p.vip_tier, p.vip_base_tier,
         coalesce(p.vip_reason, $${noSpendReason}::text), trailing_12m_spend,
         v.p_alive, v.churn_risk, v.expected_orders_90d, v.expected_orders_365d, v.expected_order_value,
         v.predicted_clv, v.expected_next_order_at, v.expected_reorder_at,
         CASE WHEN b.member IS NULL OR rf.rfm_group IS DISTINCT FROM b.was_group
                OR (p.vip_tier IS NOT NULL AND p.vip_tier IS DISTINCT FROM b.was_tier)
              THEN (SELECT as_of FROM segment_runs WHERE id = $2) ELSE b.was_changed_at END
  FROM (SELECT d.*, ${nearestCentreSql(centres)} AS rfm_group
        FROM (SELECT f.*${centreDistancesSql(centres)} FROM segment_run_features f
              WHERE f.shop_id = $1 AND f.run_id = $2 AND ${inCustomerPartSql('f.customer_id', '$3', '$4')} OFFSET 0) AS d
        OFFSET 0) AS rf
  LEFT JOIN segment_run_values v ON v.shop_id = $1 AND v.run_id = $2 AND v.customer_id = rf.customer_id
    AND ${inCustomerPartSql('v.customer_id', '$3', '$4')}
  LEFT JOIN run_vip p ON p.customer_id = rf.customer_id
  -- Renamed: the previous membership's columns would make the features' unqualified names ambiguous.
  LEFT JOIN (SELECT customer_id AS member, rfm_group AS was_group, vip_tier AS was_tier, last_change_at AS was_changed_at
             FROM segment_memberships WHERE shop_id = $1 AND run_id = $${noSpendReason + 1}::bigint
               AND ${inCustomerPartSql('customer_id', '$3', '$4')}) AS b ON b.member = rf.customer_id
  RETURNING rfm_group, r, f, shopify_rfm_group, recency_days, frequency, monetary)
  SELECT GROUPING(rfm_group) = 0 AS by_group, GROUPING(r, f) = 0 AS by_score, rfm_group, r, f, shopify_rfm_group,
         count(*)::int AS customers, sum(recency_days)::text AS recency_days, sum(frequency)::text AS orders,
         sum(monetary)::text AS monetary
  FROM written
  GROUP BY GROUPING SETS ((rfm_group), (r, f), (shopify_rfm_group))`;
}

/**
 * The group of the nearest centre, ties to the earlier centre (as core assignGroup): centre i wins when its
 * distance is ≤ that of every later centre, the earlier ones having already lost. Distances are computed with
 * the same operations, in the same order and float8 precision, as the core's squaredDistance.
 */
function nearestCentreSql(centres: number): string {
  if (centres === 1) return `$${FIRST_CENTRE}::text`;
  const branches: string[] = [];
  for (let i = 0; i < centres - 1; i++) {
    const conditions = [];
    for (let j = i + 1; j < centres; j++) conditions.push(`centre_distance_${i} <= centre_distance_${j}`);
    branches.push(`WHEN ${conditions.join(' AND ')} THEN $${FIRST_CENTRE + 4 * i}::text`);
  }
  return `CASE ${branches.join(' ')} ELSE $${FIRST_CENTRE + 4 * (centres - 1)}::text END`;
}

/**
 * Each customer's squared distance to every centre, as columns centre_distance_i of a subquery that the
 * planner may not inline (OFFSET 0): once per centre rather than once per comparison (30 times for 6).
 */
function centreDistancesSql(centres: number): string {
  if (centres === 1) return '';
  const distance = (i: number) => {
    const p = FIRST_CENTRE + 4 * i;
    const dr = `(${RECENCY_WEIGHT}::float8 * ($${p + 1}::float8 - u_r))`;
    return `(${dr} * ${dr} + ($${p + 2}::float8 - u_f) * ($${p + 2}::float8 - u_f) + ($${p + 3}::float8 - u_m) * ($${p + 3}::float8 - u_m))`;
  };
  return Array.from({ length: centres }, (_, i) => `, ${distance(i)} AS centre_distance_${i}`).join('');
}

/**
 * Customers of a part whose RFM group (family 'rfm') or VIP tier (family 'vip') changed since the previous
 * run, with their RFM score at this run (null for those who left it), from one join of the two runs.
 * $1 shop, $2 run, $3 previous run (may be null), $4 parts, $5 part. Both sides keep to the part: another
 * part's memberships, once committed, are visible here too.
 * Returns the movers between RFM groups by (from, to) as they are written (run-figures.ts PartMoverRow);
 * stayers are the group counts minus those who moved in.
 */
export const INSERT_CHANGES = `
  WITH written AS (
  INSERT INTO segment_changes (shop_id, run_id, customer_id, family, from_group, to_group, rfm_score)
  SELECT $1, $2, j.customer_id, x.family, x.from_group, x.to_group, j.rfm_score
  FROM (SELECT coalesce(c.customer_id, p.customer_id) AS customer_id, p.rfm_group AS p_rfm, c.rfm_group AS c_rfm,
               p.vip_tier AS p_vip, c.vip_tier AS c_vip, c.rfm_score
        FROM (SELECT customer_id, rfm_group, vip_tier, rfm_score FROM segment_memberships
              WHERE shop_id = $1 AND run_id = $2 AND ${inCustomerPartSql('customer_id', '$4', '$5')}) c
        FULL JOIN (SELECT customer_id, rfm_group, vip_tier FROM segment_memberships
                   WHERE shop_id = $1 AND run_id = $3 AND ${inCustomerPartSql('customer_id', '$4', '$5')}) p
          USING (customer_id)
        WHERE c.rfm_group IS DISTINCT FROM p.rfm_group OR c.vip_tier IS DISTINCT FROM p.vip_tier) AS j
  CROSS JOIN LATERAL (VALUES ('rfm', j.p_rfm, j.c_rfm), ('vip', j.p_vip, j.c_vip)) AS x (family, from_group, to_group)
  WHERE x.from_group IS DISTINCT FROM x.to_group
  RETURNING family, from_group, to_group)
  SELECT from_group, to_group, count(*)::int AS customers FROM written WHERE family = 'rfm' GROUP BY from_group, to_group`;

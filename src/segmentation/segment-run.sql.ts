/**
 * The SQL side of a segment run. Each statement mirrors a rule of the pure core (see the header of
 * core/features.ts, core/rfm-scores.ts, core/rfm-groups.ts); the parity tests hold them together.
 * Every value comes in as a parameter; the only generated SQL text is the nearest-centre expression, built
 * from the number of centres, never from data.
 */

/**
 * Per-customer features, scores and percentile ranks into a temporary table of the run's transaction.
 * $1 shop id, $2 as-of, $3 eligible statuses, $4 returns-rate statuses, $5 window years.
 */
export const BUILD_RUN_FEATURES = `
  CREATE TEMP TABLE run_features ON COMMIT DROP AS
  WITH base AS (
    SELECT customer_id, created_at, financial_status = ANY($3::text[]) AS eligible, total_price, total_refunded,
           cardinality(discount_codes) > 0 AS discounted, item_quantity, full_price_quantity, categories
    FROM orders
    WHERE shop_id = $1 AND customer_id IS NOT NULL AND cancelled_at IS NULL
      AND financial_status = ANY($4::text[])
      AND created_at > $2::timestamptz - make_interval(years => $5) AND created_at <= $2::timestamptz
  ),
  per_customer AS (
    SELECT customer_id,
           count(*) FILTER (WHERE eligible) AS frequency,
           sum(total_price - total_refunded) FILTER (WHERE eligible) AS monetary,
           min(created_at) FILTER (WHERE eligible) AS first_order_at,
           max(created_at) FILTER (WHERE eligible) AS last_order_at,
           sum(total_price) AS returns_price,
           sum(total_refunded) AS returns_refunded,
           count(*) FILTER (WHERE eligible AND discounted) AS discounted_orders,
           sum(item_quantity) FILTER (WHERE eligible) AS units,
           sum(full_price_quantity) FILTER (WHERE eligible) AS full_price_units
    FROM base GROUP BY customer_id
  ),
  per_customer_categories AS (
    SELECT customer_id, count(DISTINCT category) AS category_count
    FROM base CROSS JOIN LATERAL unnest(categories) AS category
    WHERE eligible AND category <> ''
    GROUP BY customer_id
  ),
  features AS (
    SELECT p.customer_id,
           floor(extract(epoch FROM $2::timestamptz - p.last_order_at) * 1000 / 86400000)::int AS recency_days,
           p.frequency::int AS frequency,
           p.monetary,
           round(p.monetary / p.frequency, 2) AS aov,
           p.first_order_at, p.last_order_at,
           CASE WHEN p.returns_price = 0 THEN 0 ELSE round(p.returns_refunded / p.returns_price, 4) END AS returns_rate,
           round(p.discounted_orders::numeric / p.frequency, 4) AS discount_share,
           CASE WHEN p.units <= 0 THEN 0 ELSE round(p.full_price_units::numeric / p.units, 4) END AS full_price_share,
           coalesce(c.category_count, 0)::int AS category_count,
           cu.country,
           coalesce(cu.email_consent, 'not_subscribed') AS email_consent,
           coalesce(cu.sms_consent, 'not_subscribed') AS sms_consent
    FROM per_customer p
    LEFT JOIN per_customer_categories c USING (customer_id)
    LEFT JOIN customers cu ON cu.shop_id = $1 AND cu.customer_id = p.customer_id
    WHERE p.frequency > 0
  ),
  ranked AS (
    SELECT f.*,
           count(*) OVER () AS n,
           rank() OVER (ORDER BY recency_days DESC) - 1 AS r_worse,
           count(*) OVER (PARTITION BY recency_days) AS r_equal,
           rank() OVER (ORDER BY frequency) - 1 AS f_worse,
           count(*) OVER (PARTITION BY frequency) AS f_equal,
           rank() OVER (ORDER BY monetary) - 1 AS m_worse,
           count(*) OVER (PARTITION BY monetary) AS m_equal
    FROM features f
  )
  SELECT customer_id, recency_days, frequency, monetary, aov, first_order_at, last_order_at, returns_rate,
         discount_share, full_price_share, category_count, country, email_consent, sms_consent,
         (1 + (5 * r_worse) / n)::smallint AS r,
         (1 + (5 * f_worse) / n)::smallint AS f,
         (1 + (5 * m_worse) / n)::smallint AS m,
         (r_worse + 0.5 * r_equal)::float8 / n::float8 AS u_r,
         (f_worse + 0.5 * f_equal)::float8 / n::float8 AS u_f,
         (m_worse + 0.5 * m_equal)::float8 / n::float8 AS u_m
  FROM ranked`;

/**
 * The points K-means is fitted on: everyone in a small store, else a deterministic sample (by a hash of
 * the customer id, so the same customers are drawn every time for the same data). $1 sample size.
 */
export const SAMPLE_RUN_POINTS = `
  SELECT u_r, u_f, u_m FROM run_features ORDER BY md5(customer_id), customer_id LIMIT $1`;

/**
 * Writes every customer's membership with the group of the nearest centre. Parameters: $1 shop, $2 run,
 * then per centre i (0-based) $3+4i group, $4+4i uR, $5+4i uF, $6+4i uM.
 */
export function insertMembershipsSql(centres: number): string {
  return `
  INSERT INTO segment_memberships (shop_id, run_id, customer_id, recency_days, frequency, monetary, aov,
    first_order_at, last_order_at, returns_rate, discount_share, full_price_share, category_count, country,
    email_consent, sms_consent, r, f, m, rfm_score, u_r, u_f, u_m, rfm_group)
  SELECT $1, $2, customer_id, recency_days, frequency, monetary, aov, first_order_at, last_order_at, returns_rate,
         discount_share, full_price_share, category_count, country, email_consent, sms_consent, r, f, m,
         (100 * r + 10 * f + m)::smallint, u_r, u_f, u_m, ${nearestCentreSql(centres)}
  FROM run_features`;
}

/**
 * The group of the nearest centre, ties to the earlier centre (as core assignGroup): centre i wins when its
 * distance is ≤ that of every later centre, the earlier ones having already lost. Distances are summed in
 * the same order and float8 precision as the core's squaredDistance.
 */
function nearestCentreSql(centres: number): string {
  if (centres === 1) return '$3::text';
  const distance = (i: number) => {
    const p = 3 + 4 * i;
    return `(($${p + 1}::float8 - u_r) * ($${p + 1}::float8 - u_r) + ($${p + 2}::float8 - u_f) * ($${p + 2}::float8 - u_f) + ($${p + 3}::float8 - u_m) * ($${p + 3}::float8 - u_m))`;
  };
  const branches: string[] = [];
  for (let i = 0; i < centres - 1; i++) {
    const conditions = [];
    for (let j = i + 1; j < centres; j++) conditions.push(`${distance(i)} <= ${distance(j)}`);
    branches.push(`WHEN ${conditions.join(' AND ')} THEN $${3 + 4 * i}::text`);
  }
  return `CASE ${branches.join(' ')} ELSE $${3 + 4 * (centres - 1)}::text END`;
}

/** Customers whose group changed since the previous run. $1 shop, $2 run, $3 previous run (may be null). */
export const INSERT_CHANGES = `
  INSERT INTO segment_changes (shop_id, run_id, customer_id, from_group, to_group)
  SELECT $1, $2, coalesce(c.customer_id, p.customer_id), p.rfm_group, c.rfm_group
  FROM (SELECT customer_id, rfm_group FROM segment_memberships WHERE shop_id = $1 AND run_id = $2) c
  FULL JOIN (SELECT customer_id, rfm_group FROM segment_memberships WHERE shop_id = $1 AND run_id = $3) p
    USING (customer_id)
  WHERE c.rfm_group IS DISTINCT FROM p.rfm_group`;

/** Movers between groups, by (from, to); stayers are the group counts minus those who moved in. */
export const MOVERS = `
  SELECT from_group, to_group, count(*)::int AS customers FROM segment_changes
  WHERE shop_id = $1 AND run_id = $2 GROUP BY from_group, to_group`;

export const GROUP_STATS = `
  SELECT rfm_group AS group, count(*)::int AS customers, avg(recency_days)::float8 AS mean_recency,
         avg(frequency)::float8 AS mean_frequency, avg(monetary)::float8 AS mean_monetary,
         sum(monetary)::float8 AS revenue, sum(frequency)::int AS orders
  FROM segment_memberships WHERE shop_id = $1 AND run_id = $2 GROUP BY rfm_group`;

export const SCORE_HEATMAP = `
  SELECT r, f, count(*)::int AS customers, avg(monetary)::float8 AS mean_monetary
  FROM segment_memberships WHERE shop_id = $1 AND run_id = $2 GROUP BY r, f ORDER BY r, f`;

import { trendPurchasesSql } from './segment-attributes.sql';

/**
 * The SQL side of predicted customer value in a segment run: the per-customer summaries the BG/NBD and
 * Gamma-Gamma models read (core/clv/summary.ts, same conventions), and the table the scores land in.
 */

/**
 * Purchase days: a customer's eligible orders summed per UTC calendar day (net of refunds), then x, t_x, T
 * and zbar per customer, in time units of $5 days; the calibration end is the as-of moment's UTC day.
 * $1 shop, $2 as-of, $3 eligible statuses, $4 window years, $5 days per unit.
 */
export const BUILD_VALUE_SUMMARIES = `
  CREATE TEMP TABLE run_value_summaries ON COMMIT DROP AS
  SELECT customer_id,
         min(day) AS first_day,
         max(day) AS last_day,
         (count(*) - 1)::float8 AS x,
         (max(day) - min(day))::float8 / $5::float8 AS t_x,
         (($2::timestamptz AT TIME ZONE 'UTC')::date - min(day))::float8 / $5::float8 AS t,
         -- Mean of the days after the first: everything but the first day's total.
         CASE WHEN count(*) > 1 THEN (sum(total) - (array_agg(total ORDER BY day))[1])::float8 / (count(*) - 1)
              ELSE 0 END AS zbar
  FROM (
    SELECT customer_id, (created_at AT TIME ZONE 'UTC')::date AS day, sum(total_price - total_refunded) AS total
    FROM orders
    WHERE shop_id = $1 AND customer_id IS NOT NULL AND cancelled_at IS NULL AND financial_status = ANY($3::text[])
      AND created_at > $2::timestamptz - make_interval(years => $4) AND created_at <= $2::timestamptz
    GROUP BY 1, 2
  ) AS days
  GROUP BY customer_id`;

/**
 * The BG/NBD scores depend on x, t_x and T alone, which take far fewer distinct values than there are
 * customers (whole days, few repeat orders): each distinct triple goes through the core once, a page at a
 * time from this cursor, and lands in run_value_grid.
 */
export const OPEN_VALUE_GRID = `
  DECLARE run_value_grid_cursor NO SCROLL CURSOR FOR SELECT DISTINCT x, t_x, t FROM run_value_summaries`;

export const FETCH_VALUE_GRID = (pageSize: number) => `FETCH ${Math.trunc(pageSize)} FROM run_value_grid_cursor`;

export const CLOSE_VALUE_GRID = `CLOSE run_value_grid_cursor`;

export const CREATE_RUN_VALUE_GRID = `
  CREATE TEMP TABLE run_value_grid (
    x float8 NOT NULL,
    t_x float8 NOT NULL,
    t float8 NOT NULL,
    p_alive float8 NOT NULL,
    expected_orders_90d float8 NOT NULL,
    expected_orders_365d float8 NOT NULL,
    orders_over_horizon float8 NOT NULL,
    expected_next_order_at timestamptz
  ) ON COMMIT DROP`;

/** One page of the grid. Arrays: $1 x, $2 t_x, $3 T, $4 pAlive, $5 90 d, $6 365 d, $7 horizon, $8 next order. */
export const INSERT_RUN_VALUE_GRID = `
  INSERT INTO run_value_grid
  SELECT * FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                       $7::float8[], $8::timestamptz[])`;

/** JavaScript's Math.round(y) in float8: the nearest integer, halves towards +∞ (SQL round() halves to even). */
const jsRound = (y: string) => `(floor(${y}) + CASE WHEN ${y} - floor(${y}) >= 0.5 THEN 1 ELSE 0 END)`;

/**
 * Each customer's predicted-value columns, in the memberships' order, into segment_run_values: p_alive,
 * churn_risk, expected_orders_90d, expected_orders_365d, expected_order_value and predicted_clv (rounded to
 * cents as the core's callers round them, Math.round(y · 100) / 100), expected_next_order_at, and
 * expected_reorder_at (the customer's own rhythm: last purchase day + the mean gap between purchase days,
 * at 00:00 UTC; known without a model). The Gamma-Gamma order value is computed once per customer (OFFSET 0
 * keeps the planner from copying the expression into every use) with the core's operations in the core's
 * order, in float8 like JavaScript's numbers (core/clv/gamma-gamma.ts expectedOrderValue:
 * p·(v + x·z̄) / (p·x + q − 1), +∞ when the denominator is not positive).
 * With them, each customer's trend purchases (segment-attributes.sql.ts), which also read the store only and
 * are asked for by the catalogue's trend followers at every run; every customer with one has a summary.
 * $1 shop, $2 run, $3 p, $4 q, $5 v of the Gamma-Gamma fit: null when the store has no model (the grid is
 * then empty and every value column but the reorder date null), $6 as-of, $7 eligible statuses, $8 window years.
 */
export const INSERT_RUN_VALUES = `
  WITH ${trendPurchasesSql({ shop: '$1', asOf: '$6', statuses: '$7', years: '$8' })}
  INSERT INTO segment_run_values (shop_id, run_id, customer_id, p_alive, churn_risk, expected_orders_90d,
    expected_orders_365d, expected_order_value, predicted_clv, expected_next_order_at, expected_reorder_at, trend_orders)
  SELECT $1, $2, s.customer_id, s.p_alive, 1 - s.p_alive, s.expected_orders_90d, s.expected_orders_365d,
         ${jsRound('s.order_value * 100')} / 100, ${jsRound('(s.orders_over_horizon * s.order_value) * 100')} / 100,
         s.expected_next_order_at,
         CASE WHEN s.x >= 1 THEN ((s.last_day + floor((s.last_day - s.first_day) / s.x)::int)::timestamp AT TIME ZONE 'UTC') END,
         coalesce(t.trend_orders, 0)
  FROM (
    SELECT s.customer_id, s.x, s.first_day, s.last_day, g.p_alive, g.expected_orders_90d, g.expected_orders_365d,
           g.orders_over_horizon, g.expected_next_order_at,
           CASE WHEN $3::float8 * s.x + $4::float8 - 1 <= 0 THEN 'Infinity'::float8
                ELSE ($3::float8 * ($5::float8 + s.x * CASE WHEN s.x > 0 THEN s.zbar ELSE 0 END)) / ($3::float8 * s.x + $4::float8 - 1)
           END AS order_value
    FROM run_value_summaries s
    LEFT JOIN run_value_grid g ON g.x = s.x AND g.t_x = s.t_x AND g.t = s.t
    OFFSET 0) AS s
  LEFT JOIN trend_orders t ON t.customer_id = s.customer_id`;

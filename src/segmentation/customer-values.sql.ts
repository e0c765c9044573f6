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

/** Every summary through a cursor of the run's transaction, fetched a page at a time for scoring. */
export const OPEN_VALUE_SUMMARIES = `
  DECLARE run_value_summaries_cursor NO SCROLL CURSOR FOR SELECT customer_id, x, t_x, t, zbar FROM run_value_summaries`;

export const FETCH_VALUE_SUMMARIES = (pageSize: number) => `FETCH ${Math.trunc(pageSize)} FROM run_value_summaries_cursor`;

export const CLOSE_VALUE_SUMMARIES = `CLOSE run_value_summaries_cursor`;

/** No key or index: each customer is written once, and the memberships read it whole through a hash join. */
export const CREATE_RUN_VALUES = `
  CREATE TEMP TABLE run_values (
    customer_id text NOT NULL,
    p_alive float8 NOT NULL,
    expected_orders_90d float8 NOT NULL,
    expected_orders_365d float8 NOT NULL,
    expected_order_value numeric(14, 2) NOT NULL,
    predicted_clv numeric(14, 2) NOT NULL,
    expected_next_order_at timestamptz
  ) ON COMMIT DROP`;

/** One page of scores. Arrays: $1 ids, $2 pAlive, $3 90 d, $4 365 d, $5 order value, $6 clv, $7 next order. */
export const INSERT_RUN_VALUES = `
  INSERT INTO run_values
  SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                       $7::timestamptz[])`;

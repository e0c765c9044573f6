import type { SqlExecutor } from '../src/store/sql-executor';

/**
 * A shop's customers and a succeeded segment run written straight in SQL for bench/klaviyo: group shares
 * like a real store's (sleepers the biggest), VIP tiers for the top 10%, predicted value for everyone.
 * Customer i: id 1000000000+i, an email, a phone for one in three, neither for one in 200 (skipped).
 */
const GROUP = `CASE WHEN g < 15 THEN 'new' WHEN g < 35 THEN 'about_to_sleep' WHEN g < 65 THEN 'sleepers'
  WHEN g < 80 THEN 'potential_loyal' WHEN g < 90 THEN 'loyal' ELSE 'loyal_at_risk' END`;

export async function writeBenchStore(db: SqlExecutor, shopId: number, customers: number): Promise<void> {
  await db.query(
    `INSERT INTO customers (shop_id, customer_id, email, phone, email_consent, sms_consent)
     SELECT $1, (1000000000 + i)::text,
            CASE WHEN i % 200 = 7 THEN NULL ELSE 'customer' || i || '@example.test' END,
            CASE WHEN i % 200 = 7 THEN NULL WHEN i % 3 = 0 THEN '+1415' || lpad((i % 10000000)::text, 7, '0') END,
            'subscribed', 'not_subscribed'
     FROM generate_series(1, $2::bigint) AS i`,
    [shopId, customers],
  );
  const [run] = await db.query(
    `INSERT INTO segment_runs (shop_id, run_number, status, as_of, parameters, finished_at)
     VALUES ($1, 1, 'succeeded', '2026-11-26T06:00:00Z', '{}', now()) RETURNING id`,
    [shopId],
  );
  await db.query(
    `INSERT INTO segment_memberships (shop_id, run_id, customer_id, recency_days, frequency, monetary, aov, first_order_at,
       last_order_at, returns_rate, discount_share, full_price_share, category_count, email_consent, sms_consent, r, f, m,
       rfm_score, u_r, u_f, u_m, rfm_group, vip_tier, predicted_clv, churn_risk, last_change_at)
     SELECT $1, $2, (1000000000 + i)::text, 1 + (i * 37) % 700, 1 + i % 7, round((20 + (i * 13) % 2000)::numeric, 2),
            round(((20 + (i * 13) % 2000) / (1 + i % 7))::numeric, 2), '2024-01-01', '2026-10-01', 0, 0.2, 0.7, 2,
            'subscribed', 'not_subscribed', 1 + i % 5, 1 + (i / 5) % 5, 1 + (i / 25) % 5,
            100 * (1 + i % 5) + 10 * (1 + (i / 5) % 5) + 1 + (i / 25) % 5, 0.5, 0.5, 0.5, ${GROUP},
            CASE WHEN i % 100 = 0 THEN 'platinum' WHEN i % 100 < 5 THEN 'gold' WHEN i % 100 < 10 THEN 'silver' END,
            round(((i * 17) % 900 + 10)::numeric, 2), ((i * 31) % 1000) / 1000.0, '2026-11-26T06:00:00Z'
     FROM generate_series(1, $3::bigint) AS i CROSS JOIN LATERAL (SELECT (i * 7919) % 100 AS g) AS pick`,
    [shopId, run.id, customers],
  );
  await db.query(
    `INSERT INTO segment_changes (shop_id, run_id, customer_id, from_group, to_group, rfm_score)
     SELECT shop_id, run_id, customer_id, NULL, rfm_group, rfm_score FROM segment_memberships WHERE shop_id = $1 AND run_id = $2`,
    [shopId, run.id],
  );
  await db.query(`ANALYZE customers, segment_memberships, segment_changes`);
}

/**
 * Run 2: everyone as in run 1, but one customer in `2 × every` moves to the next group (its last change now
 * run 2's date) and another one in `2 × every` only changes figures (net spend up by 10): a share of 1/every
 * changed, picked by a hash so they come from every group and tier.
 */
export async function writeChangedRun(db: SqlExecutor, shopId: number, every: number): Promise<void> {
  const [previous] = await db.query(`SELECT id FROM segment_runs WHERE shop_id = $1 AND run_number = 1`, [shopId]);
  const [run] = await db.query(
    `INSERT INTO segment_runs (shop_id, run_number, status, as_of, parameters, previous_run_id, finished_at)
     VALUES ($1, 2, 'succeeded', '2026-11-27T06:00:00Z', '{}', $2, now()) RETURNING id`,
    [shopId, previous.id],
  );
  await db.query(
    `INSERT INTO segment_memberships (shop_id, run_id, customer_id, recency_days, frequency, monetary, aov, first_order_at,
       last_order_at, returns_rate, discount_share, full_price_share, category_count, email_consent, sms_consent, r, f, m,
       rfm_score, u_r, u_f, u_m, rfm_group, vip_tier, predicted_clv, churn_risk, last_change_at)
     SELECT shop_id, $3, customer_id, recency_days, frequency,
            monetary + CASE WHEN n % (2 * $4::int) = $4::int THEN 10 ELSE 0 END, aov, first_order_at, last_order_at,
            returns_rate, discount_share, full_price_share, category_count, email_consent, sms_consent, r, f, m, rfm_score,
            u_r, u_f, u_m,
            CASE WHEN n % (2 * $4::int) = 0 THEN (ARRAY['new', 'about_to_sleep', 'sleepers', 'potential_loyal', 'loyal',
              'loyal_at_risk'])[1 + (array_position(ARRAY['new', 'about_to_sleep', 'sleepers', 'potential_loyal', 'loyal',
              'loyal_at_risk'], rfm_group) % 6)] ELSE rfm_group END,
            vip_tier, predicted_clv, churn_risk,
            CASE WHEN n % (2 * $4::int) = 0 THEN '2026-11-27T06:00:00Z'::timestamptz ELSE last_change_at END
     FROM (SELECT *, ((customer_id::bigint - 1000000000) * 48271) % 2147483647 AS n
           FROM segment_memberships WHERE shop_id = $1 AND run_id = $2) AS m`,
    [shopId, previous.id, run.id, every],
  );
  await db.query(
    `INSERT INTO segment_changes (shop_id, run_id, customer_id, from_group, to_group, rfm_score)
     SELECT $1, $3, c.customer_id, p.rfm_group, c.rfm_group, c.rfm_score
     FROM segment_memberships c JOIN segment_memberships p ON p.shop_id = c.shop_id AND p.customer_id = c.customer_id AND p.run_id = $2
     WHERE c.shop_id = $1 AND c.run_id = $3 AND c.rfm_group <> p.rfm_group`,
    [shopId, previous.id, run.id],
  );
  await db.query(`ANALYZE segment_memberships, segment_changes`);
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A segment run's features, scores and percentile ranks, committed by its first transaction so that the
 * memberships, diff and saved segments can then be worked out in two halves of the customers at once, each
 * half in a transaction on its own connection (segment-run.service.ts). The run deletes its rows when it
 * finishes or fails; the next run of the shop deletes those of a run that was killed.
 * Like segment_run_values: nothing here is the only copy of anything, so no write-ahead log, no key.
 */
export class RunFeatures1764380000000 implements MigrationInterface {
  name = 'RunFeatures1764380000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE segment_run_features (
        shop_id integer NOT NULL,
        run_id bigint NOT NULL,
        customer_id text NOT NULL,
        recency_days integer NOT NULL,
        frequency integer NOT NULL,
        monetary numeric NOT NULL,
        aov numeric NOT NULL,
        first_order_at timestamptz NOT NULL,
        last_order_at timestamptz NOT NULL,
        returns_rate numeric NOT NULL,
        discount_share numeric NOT NULL,
        full_price_share numeric NOT NULL,
        category_count integer NOT NULL,
        trailing_12m_spend numeric NOT NULL,
        vip_returns_rate numeric NOT NULL,
        vip_full_price_share numeric NOT NULL,
        country text,
        email_consent text NOT NULL,
        sms_consent text NOT NULL,
        r smallint NOT NULL,
        f smallint NOT NULL,
        m smallint NOT NULL,
        u_r double precision NOT NULL,
        u_f double precision NOT NULL,
        u_m double precision NOT NULL
      )`);
    await db.query(`CREATE INDEX segment_run_features_run ON segment_run_features (shop_id, run_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE segment_run_features`);
  }
}

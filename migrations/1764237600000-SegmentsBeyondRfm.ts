import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Beyond RFM: each membership also carries the customer's predicted value (BG/NBD + Gamma-Gamma), VIP tier
 * with its reason, and group in Shopify's RFM scheme; shops keep their segmentation settings; merchants'
 * saved segments (custom queries and the catalogue) and who was in each at every run.
 */
export class SegmentsBeyondRfm1764237600000 implements MigrationInterface {
  name = 'SegmentsBeyondRfm1764237600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE shops ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'`);
    await db.query(`
      ALTER TABLE segment_memberships
        ADD COLUMN trailing_12m_spend numeric(14, 2) NOT NULL DEFAULT 0,
        ADD COLUMN shopify_rfm_group text,
        ADD COLUMN vip_tier text,
        ADD COLUMN vip_reason text,
        ADD COLUMN p_alive double precision,
        ADD COLUMN churn_risk double precision,
        ADD COLUMN expected_orders_90d double precision,
        ADD COLUMN expected_orders_365d double precision,
        ADD COLUMN expected_order_value numeric(14, 2),
        ADD COLUMN predicted_clv numeric(14, 2),
        ADD COLUMN expected_next_order_at timestamptz,
        ADD COLUMN expected_reorder_at timestamptz`);
    await db.query(`
      CREATE TABLE saved_segments (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        segment_id serial NOT NULL,
        key text NOT NULL,
        name text NOT NULL,
        description text,
        query text NOT NULL,
        source text NOT NULL DEFAULT 'custom',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, segment_id),
        UNIQUE (shop_id, key)
      )`);
    // When each product first sold (its launch, for trend purchases), kept up to date by the store writer so
    // that no run scans every order line to find it; and the lines of a product, to find its early buyers.
    await db.query(`
      CREATE TABLE product_launches (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        product_id text NOT NULL,
        first_sold_at timestamptz NOT NULL,
        PRIMARY KEY (shop_id, product_id)
      )`);
    await db.query(`CREATE INDEX order_lines_product ON order_lines (shop_id, product_id)`);
    await db.query(`CREATE INDEX orders_created ON orders (shop_id, created_at)`);
    // One row per customer and run listing the saved segments the customer is in: a catalogue puts most
    // customers in several segments, and one row each would multiply the rows a run writes.
    await db.query(`
      CREATE TABLE saved_segment_members (
        shop_id integer NOT NULL,
        run_id bigint NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
        customer_id text NOT NULL,
        segment_ids integer[] NOT NULL,
        PRIMARY KEY (shop_id, run_id, customer_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS saved_segment_members`);
    await db.query(`DROP TABLE IF EXISTS product_launches`);
    await db.query(`DROP INDEX IF EXISTS order_lines_product`);
    await db.query(`DROP INDEX IF EXISTS orders_created`);
    await db.query(`DROP TABLE IF EXISTS saved_segments`);
    await db.query(`
      ALTER TABLE segment_memberships
        DROP COLUMN trailing_12m_spend, DROP COLUMN shopify_rfm_group, DROP COLUMN vip_tier,
        DROP COLUMN vip_reason, DROP COLUMN p_alive, DROP COLUMN churn_risk, DROP COLUMN expected_orders_90d,
        DROP COLUMN expected_orders_365d, DROP COLUMN expected_order_value, DROP COLUMN predicted_clv,
        DROP COLUMN expected_next_order_at, DROP COLUMN expected_reorder_at`);
    await db.query(`ALTER TABLE shops DROP COLUMN settings`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Predicted value is worked out on a connection of its own while the run's main transaction builds the
 * features (customer-values.ts), so it cannot hand its result over in a temporary table: it commits each
 * customer's value columns here (with the trend purchases the saved segments read), the memberships copy
 * them, and the run deletes them in its own transaction.
 * Nothing here is the only copy of anything (a crash loses a run in progress, which is rerun), so the table
 * skips the write-ahead log. No key and no foreign key, as for the other per-run tables (LeanRunTables).
 */
export class RunCustomerValues1764370000000 implements MigrationInterface {
  name = 'RunCustomerValues1764370000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE segment_run_values (
        shop_id integer NOT NULL,
        run_id bigint NOT NULL,
        customer_id text NOT NULL,
        p_alive double precision,
        churn_risk double precision,
        expected_orders_90d double precision,
        expected_orders_365d double precision,
        expected_order_value numeric(14,2),
        predicted_clv numeric(14,2),
        expected_next_order_at timestamptz,
        expected_reorder_at timestamptz,
        trend_orders integer NOT NULL DEFAULT 0
      )`);
    await db.query(`CREATE INDEX segment_run_values_run ON segment_run_values (shop_id, run_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE segment_run_values`);
  }
}

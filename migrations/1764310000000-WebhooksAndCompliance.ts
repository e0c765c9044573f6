import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shopify webhooks and privacy compliance.
 * - source_updated_at on customers, orders and checkouts: the source's own update time of the stored version,
 *   so an older webhook (or import) never overwrites a newer one.
 * - webhook_inbox: every verified webhook, written before it is acknowledged and applied afterwards. Keyed by
 *   the shop's domain rather than shop_id, so erasing a shop's rows never erases the delivery being applied.
 *   A payload is dropped once applied: the inbox keeps no personal data beyond what still waits to be applied.
 * - compliance_requests: data exports for the merchant (customers/data_request).
 * - compliance_audit: one row per privacy webhook applied, without personal data.
 * - destination_deletions: erasures each connected destination (Klaviyo, Twilio) still has to carry out.
 * - shops.uninstalled_at: set by app/uninstalled.
 */
export class WebhooksAndCompliance1764310000000 implements MigrationInterface {
  name = 'WebhooksAndCompliance1764310000000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['customers', 'orders', 'checkouts']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN source_updated_at timestamptz`);
    }
    await db.query(`ALTER TABLE shops ADD COLUMN uninstalled_at timestamptz`);
    await db.query(`
      CREATE TABLE webhook_inbox (
        id bigserial PRIMARY KEY,
        webhook_id text NOT NULL UNIQUE,
        topic text NOT NULL,
        shop_domain text NOT NULL,
        payload jsonb,
        triggered_at timestamptz,
        received_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        applied_at timestamptz
      )`);
    await db.query(`CREATE INDEX webhook_inbox_pending ON webhook_inbox (next_attempt_at, id) WHERE status = 'pending'`);
    await db.query(`CREATE INDEX webhook_inbox_shop ON webhook_inbox (shop_domain)`);
    await db.query(`
      CREATE TABLE order_refunds (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        refund_id text NOT NULL,
        order_id text NOT NULL,
        amount numeric(14, 2) NOT NULL,
        created_at timestamptz,
        PRIMARY KEY (shop_id, refund_id)
      )`);
    await db.query(`CREATE INDEX order_refunds_order ON order_refunds (shop_id, order_id)`);
    await db.query(`
      CREATE TABLE compliance_requests (
        id bigserial PRIMARY KEY,
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        customer_id text NOT NULL,
        source text NOT NULL,
        request_ref text,
        document jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX compliance_requests_customer ON compliance_requests (shop_id, customer_id)`);
    await db.query(`
      CREATE TABLE compliance_audit (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        shop_domain text NOT NULL,
        shopify_customer_id text,
        webhook_id text,
        rows_by_table jsonb NOT NULL DEFAULT '{}',
        received_at timestamptz,
        completed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE destination_deletions (
        id bigserial PRIMARY KEY,
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        destination text NOT NULL,
        subject_key text NOT NULL,
        sealed_contact text,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        UNIQUE (shop_id, destination, subject_key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['destination_deletions', 'compliance_audit', 'compliance_requests', 'order_refunds', 'webhook_inbox']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`ALTER TABLE shops DROP COLUMN uninstalled_at`);
    for (const table of ['customers', 'orders', 'checkouts']) {
      await db.query(`ALTER TABLE ${table} DROP COLUMN source_updated_at`);
    }
  }
}

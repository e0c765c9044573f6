import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shops, the store's data (customers, orders, lines, checkouts) and segment runs. Every table carries
 * shop_id in its key: two shops in one database never see each other's rows.
 */
export class InitialSchema1764230400000 implements MigrationInterface {
  name = 'InitialSchema1764230400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE shops (
        id serial PRIMARY KEY,
        domain text NOT NULL UNIQUE,
        name text,
        currency text NOT NULL DEFAULT 'USD',
        timezone text NOT NULL DEFAULT 'UTC',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE customers (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        customer_id text NOT NULL,
        email text,
        phone text,
        first_name text,
        last_name text,
        country text,
        province text,
        timezone text,
        tags text[] NOT NULL DEFAULT '{}',
        email_consent text NOT NULL DEFAULT 'not_subscribed',
        sms_consent text NOT NULL DEFAULT 'not_subscribed',
        created_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, customer_id)
      )`);
    await db.query(`CREATE INDEX customers_email ON customers (shop_id, lower(email))`);
    // item_quantity, full_price_quantity and categories are derived from the lines when an order is written,
    // so a segment run aggregates orders only and never scans line items.
    await db.query(`
      CREATE TABLE orders (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        order_id text NOT NULL,
        name text,
        customer_id text,
        created_at timestamptz NOT NULL,
        financial_status text NOT NULL,
        cancelled_at timestamptz,
        currency text NOT NULL,
        subtotal numeric(14, 2) NOT NULL DEFAULT 0,
        total_discounts numeric(14, 2) NOT NULL DEFAULT 0,
        total_price numeric(14, 2) NOT NULL,
        total_refunded numeric(14, 2) NOT NULL DEFAULT 0,
        discount_codes text[] NOT NULL DEFAULT '{}',
        shipping_country text,
        item_quantity integer NOT NULL DEFAULT 0,
        full_price_quantity integer NOT NULL DEFAULT 0,
        categories text[] NOT NULL DEFAULT '{}',
        import_id text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, order_id)
      )`);
    await db.query(`CREATE INDEX orders_customer ON orders (shop_id, customer_id)`);
    await db.query(`
      CREATE TABLE order_lines (
        shop_id integer NOT NULL,
        order_id text NOT NULL,
        line_no integer NOT NULL,
        product_id text,
        sku text,
        title text NOT NULL,
        product_type text,
        quantity integer NOT NULL,
        price numeric(14, 2) NOT NULL,
        compare_at_price numeric(14, 2),
        discount_amount numeric(14, 2) NOT NULL DEFAULT 0,
        PRIMARY KEY (shop_id, order_id, line_no),
        FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, order_id) ON DELETE CASCADE
      )`);
    await db.query(`
      CREATE TABLE checkouts (
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        checkout_id text NOT NULL,
        customer_id text,
        email text,
        created_at timestamptz NOT NULL,
        completed_at timestamptz,
        total_price numeric(14, 2) NOT NULL,
        currency text NOT NULL,
        recovery_url text,
        categories text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (shop_id, checkout_id)
      )`);
    await db.query(`
      CREATE TABLE segment_runs (
        id bigserial PRIMARY KEY,
        shop_id integer NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
        run_number integer NOT NULL,
        status text NOT NULL,
        as_of timestamptz NOT NULL,
        parameters jsonb NOT NULL,
        model jsonb,
        summary jsonb,
        previous_run_id bigint REFERENCES segment_runs (id) ON DELETE SET NULL,
        customers integer,
        orders integer,
        error text,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (shop_id, run_number)
      )`);
    await db.query(`
      CREATE TABLE segment_memberships (
        shop_id integer NOT NULL,
        run_id bigint NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
        customer_id text NOT NULL,
        recency_days integer NOT NULL,
        frequency integer NOT NULL,
        monetary numeric(14, 2) NOT NULL,
        aov numeric(14, 2) NOT NULL,
        first_order_at timestamptz NOT NULL,
        last_order_at timestamptz NOT NULL,
        returns_rate real NOT NULL,
        discount_share real NOT NULL,
        full_price_share real NOT NULL,
        category_count integer NOT NULL,
        country text,
        email_consent text NOT NULL,
        sms_consent text NOT NULL,
        r smallint NOT NULL,
        f smallint NOT NULL,
        m smallint NOT NULL,
        rfm_score smallint NOT NULL,
        u_r double precision NOT NULL,
        u_f double precision NOT NULL,
        u_m double precision NOT NULL,
        rfm_group text NOT NULL,
        PRIMARY KEY (shop_id, run_id, customer_id)
      )`);
    // One row per customer whose group changed since the previous run (from or to may be null: entered, left).
    await db.query(`
      CREATE TABLE segment_changes (
        shop_id integer NOT NULL,
        run_id bigint NOT NULL REFERENCES segment_runs (id) ON DELETE CASCADE,
        customer_id text NOT NULL,
        from_group text,
        to_group text,
        PRIMARY KEY (shop_id, run_id, customer_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'segment_changes',
      'segment_memberships',
      'segment_runs',
      'checkouts',
      'order_lines',
      'orders',
      'customers',
      'shops',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}

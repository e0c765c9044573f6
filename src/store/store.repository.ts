import { summariseOrderLines } from '../segmentation/core/order-lines';
import type { CheckoutRecord, CustomerRecord, FinancialStatus, OrderRecord } from './store-records';
import type { SqlExecutor } from './sql-executor';

/**
 * Writes the store's customers, orders and checkouts in batches: one statement per table per batch, rows
 * passed as one JSON parameter (never spliced into SQL), upserted so a re-import updates and never
 * duplicates.
 *
 * Orders: a source may deliver one order in several records (a generic CSV whose rows of an order are not
 * adjacent). Records that share an order id within one import (`importId`) are merged: money adds up, lines
 * are appended. A record from another import replaces the order and its lines.
 */
export class StoreRepository {
  constructor(private readonly db: SqlExecutor) {}

  /**
   * Inserts or replaces customers. A customer given with the source's version (`sourceUpdatedAt`, as a
   * Shopify export has) is order-safe, as the webhooks are: it does not replace a newer stored version, nor
   * come back after a deletion as new or newer. Without a version (CSV files) it always replaces.
   */
  async upsertCustomers(shopId: number, customers: (CustomerRecord & { sourceUpdatedAt?: Date | null })[]): Promise<void> {
    if (customers.length === 0) return;
    const rows = dedupeLast(customers, (customer) => customer.customerId).map((customer) => ({
      source_updated_at: customer.sourceUpdatedAt ?? null,
      customer_id: customer.customerId,
      email: customer.email,
      phone: customer.phone,
      first_name: customer.firstName,
      last_name: customer.lastName,
      country: customer.country,
      province: customer.province,
      timezone: customer.timezone,
      tags: customer.tags,
      email_consent: customer.emailConsent,
      sms_consent: customer.smsConsent,
      created_at: customer.createdAt,
    }));
    await this.db.query(
      `INSERT INTO customers (shop_id, customer_id, email, phone, first_name, last_name, country, province,
                              timezone, tags, email_consent, sms_consent, created_at, updated_at, source_updated_at)
       SELECT $1, c.customer_id, c.email, c.phone, c.first_name, c.last_name, c.country, c.province,
              c.timezone, c.tags, c.email_consent, c.sms_consent, c.created_at, now(), c.source_updated_at
       FROM jsonb_to_recordset($2::jsonb) AS c(customer_id text, email text, phone text, first_name text,
            last_name text, country text, province text, timezone text, tags text[], email_consent text,
            sms_consent text, created_at timestamptz, source_updated_at timestamptz)
       WHERE c.source_updated_at IS NULL OR NOT EXISTS (
         SELECT 1 FROM deleted_records d WHERE d.shop_id = $1 AND d.kind = 'customers' AND d.record_id = c.customer_id
           AND d.deleted_at >= c.source_updated_at)
       ON CONFLICT (shop_id, customer_id) DO UPDATE SET
         email = EXCLUDED.email, phone = EXCLUDED.phone, first_name = EXCLUDED.first_name,
         last_name = EXCLUDED.last_name, country = EXCLUDED.country, province = EXCLUDED.province,
         timezone = EXCLUDED.timezone, tags = EXCLUDED.tags, email_consent = EXCLUDED.email_consent,
         sms_consent = EXCLUDED.sms_consent, created_at = EXCLUDED.created_at, updated_at = now(),
         source_updated_at = coalesce(EXCLUDED.source_updated_at, customers.source_updated_at)
       WHERE EXCLUDED.source_updated_at IS NULL OR customers.source_updated_at IS NULL
          OR customers.source_updated_at <= EXCLUDED.source_updated_at`,
      [shopId, JSON.stringify(rows)],
    );
    await this.adoptEmailPlaceholders(shopId, rows);
  }

  async upsertOrders(shopId: number, orders: OrderRecord[], importId: string): Promise<void> {
    if (orders.length === 0) return;
    const merged = mergeOrdersById(orders);
    const emails = await this.customersByEmail(shopId, merged);
    const orderRows = merged.map((order) => {
      const lines = summariseOrderLines(order);
      return {
        order_id: order.orderId,
        name: order.name,
        customer_id: order.customerId ?? (order.customerEmail ? emails.get(order.customerEmail.toLowerCase()) : null),
        created_at: order.createdAt,
        financial_status: order.financialStatus,
        cancelled_at: order.cancelledAt,
        currency: order.currency,
        subtotal: order.subtotal,
        total_discounts: order.totalDiscounts,
        total_price: order.totalPrice,
        total_refunded: order.totalRefunded,
        discount_codes: order.discountCodes,
        shipping_country: order.shippingCountry,
        item_quantity: lines.units,
        full_price_quantity: lines.fullPriceUnits,
        categories: lines.categories,
      };
    });
    await this.ensureBuyers(shopId, orderRows);
    const ids = merged.map((order) => order.orderId);
    // What the database already holds of these orders decides what happens to their lines: an order written
    // by another import is replaced (its lines go), one written earlier by this import gets lines appended.
    const prior: { order_id: string; import_id: string | null }[] = await this.db.query(
      `SELECT order_id, import_id FROM orders WHERE shop_id = $1 AND order_id = ANY($2::text[])`,
      [shopId, ids],
    );
    const replaced = prior.filter((row) => row.import_id !== importId).map((row) => row.order_id);
    const continued = prior.filter((row) => row.import_id === importId).map((row) => row.order_id);
    if (replaced.length > 0) {
      await this.db.query(`DELETE FROM order_lines WHERE shop_id = $1 AND order_id = ANY($2::text[])`, [shopId, replaced]);
    }
    await this.db.query(UPSERT_ORDERS, [shopId, JSON.stringify(orderRows), importId]);
    await this.insertLines(shopId, merged, await this.lastLineNumbers(shopId, continued));
    await this.recordLaunches(shopId, merged);
  }

  private async lastLineNumbers(shopId: number, orderIds: string[]): Promise<Map<string, number>> {
    if (orderIds.length === 0) return new Map();
    const rows: { order_id: string; last_line: number }[] = await this.db.query(
      `SELECT order_id, max(line_no) AS last_line FROM order_lines
       WHERE shop_id = $1 AND order_id = ANY($2::text[]) GROUP BY order_id`,
      [shopId, orderIds],
    );
    return new Map(rows.map((row) => [row.order_id, row.last_line]));
  }

  /** Lines numbered from 1, or after `lastLine` of an order that already has lines from this import. */
  private async insertLines(shopId: number, orders: OrderRecord[], lastLine: Map<string, number>): Promise<void> {
    const columns = {
      orderId: [] as string[],
      lineNo: [] as number[],
      productId: [] as (string | null)[],
      sku: [] as (string | null)[],
      title: [] as string[],
      productType: [] as (string | null)[],
      quantity: [] as number[],
      price: [] as number[],
      compareAtPrice: [] as (number | null)[],
      discountAmount: [] as number[],
    };
    for (const order of orders) {
      const offset = lastLine.get(order.orderId) ?? 0;
      order.lines.forEach((line, index) => {
        columns.orderId.push(order.orderId);
        columns.lineNo.push(offset + index + 1);
        columns.productId.push(line.productId);
        columns.sku.push(line.sku);
        columns.title.push(line.title);
        columns.productType.push(line.productType);
        columns.quantity.push(line.quantity);
        columns.price.push(line.price);
        columns.compareAtPrice.push(line.compareAtPrice);
        columns.discountAmount.push(line.discountAmount);
      });
    }
    if (columns.orderId.length === 0) return;
    await this.db.query(
      `INSERT INTO order_lines (shop_id, order_id, line_no, product_id, sku, title, product_type, quantity, price,
                                compare_at_price, discount_amount)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[],
                                $9::numeric[], $10::numeric[], $11::numeric[])`,
      [shopId, ...Object.values(columns)],
    );
  }

  /**
   * Refreshes the planner's statistics after a large write. The embedded database has no autovacuum, and
   * without statistics PostgreSQL plans joins over these tables as if they held a handful of rows (a segment
   * run over 20,000 fresh customers took 50 s instead of 2).
   */
  async refreshStatistics(): Promise<void> {
    await this.db.query(`ANALYZE customers, orders, order_lines, checkouts, product_launches`);
  }

  /** Inserts or replaces checkouts; with the source's version, order-safe as upsertCustomers is. */
  async upsertCheckouts(shopId: number, checkouts: (CheckoutRecord & { sourceUpdatedAt?: Date | null })[]): Promise<void> {
    if (checkouts.length === 0) return;
    const rows = dedupeLast(checkouts, (checkout) => checkout.checkoutId).map((checkout) => ({
      source_updated_at: checkout.sourceUpdatedAt ?? null,
      checkout_id: checkout.checkoutId,
      customer_id: checkout.customerId,
      email: checkout.email,
      created_at: checkout.createdAt,
      completed_at: checkout.completedAt,
      total_price: checkout.totalPrice,
      currency: checkout.currency,
      recovery_url: checkout.recoveryUrl,
      categories: checkout.categories,
    }));
    await this.db.query(
      `INSERT INTO checkouts (shop_id, checkout_id, customer_id, email, created_at, completed_at, total_price,
                              currency, recovery_url, categories, updated_at, source_updated_at)
       SELECT $1, c.checkout_id, c.customer_id, c.email, c.created_at, c.completed_at, c.total_price, c.currency,
              c.recovery_url, c.categories, now(), c.source_updated_at
       FROM jsonb_to_recordset($2::jsonb) AS c(checkout_id text, customer_id text, email text,
            created_at timestamptz, completed_at timestamptz, total_price numeric, currency text,
            recovery_url text, categories text[], source_updated_at timestamptz)
       ON CONFLICT (shop_id, checkout_id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, email = EXCLUDED.email, created_at = EXCLUDED.created_at,
         completed_at = EXCLUDED.completed_at, total_price = EXCLUDED.total_price, currency = EXCLUDED.currency,
         recovery_url = EXCLUDED.recovery_url, categories = EXCLUDED.categories, updated_at = now(),
         source_updated_at = coalesce(EXCLUDED.source_updated_at, checkouts.source_updated_at)
       WHERE EXCLUDED.source_updated_at IS NULL OR checkouts.source_updated_at IS NULL
          OR checkouts.source_updated_at <= EXCLUDED.source_updated_at`,
      [shopId, JSON.stringify(rows)],
    );
  }

  /** A product launches at its first sale: the earliest order seen with it, whatever its status. */
  private async recordLaunches(shopId: number, orders: OrderRecord[]): Promise<void> {
    const firstSales = new Map<string, number>();
    for (const order of orders) {
      for (const line of order.lines) {
        if (!line.productId) continue;
        const at = order.createdAt.getTime();
        if (at < (firstSales.get(line.productId) ?? Infinity)) firstSales.set(line.productId, at);
      }
    }
    if (firstSales.size === 0) return;
    await this.db.query(
      `INSERT INTO product_launches (shop_id, product_id, first_sold_at)
       SELECT $1, p.product_id, p.first_sold_at FROM unnest($2::text[], $3::timestamptz[]) AS p(product_id, first_sold_at)
       ON CONFLICT (shop_id, product_id) DO UPDATE
         SET first_sold_at = least(product_launches.first_sold_at, EXCLUDED.first_sold_at)`,
      [shopId, [...firstSales.keys()], [...firstSales.values()].map((at) => new Date(at).toISOString())],
    );
  }

  /**
   * Orders from a source without customer ids (Shopify's orders export) name the buyer by email. A known
   * customer with that email is used; otherwise a placeholder customer `email:<address>` is created, which a
   * later customers import with the real id adopts (see adoptEmailPlaceholders).
   */
  private async customersByEmail(shopId: number, orders: OrderRecord[]): Promise<Map<string, string>> {
    // Each address once, with the shipping country of its first order in the batch.
    const countries = new Map<string, string | null>();
    for (const order of orders) {
      if (order.customerId !== null || !order.customerEmail) continue;
      const email = order.customerEmail.toLowerCase();
      if (!countries.has(email)) countries.set(email, order.shippingCountry);
    }
    const wanted = [...countries.keys()];
    if (wanted.length === 0) return new Map();
    await this.db.query(
      `INSERT INTO customers (shop_id, customer_id, email, country)
       SELECT $1, 'email:' || e, e, country FROM unnest($2::text[], $3::text[]) AS b(e, country)
       WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.shop_id = $1 AND lower(c.email) = e)
       ON CONFLICT (shop_id, customer_id) DO NOTHING`,
      [shopId, wanted, [...countries.values()]],
    );
    const rows: { email: string; customer_id: string }[] = await this.db.query(
      `SELECT DISTINCT ON (lower(email)) lower(email) AS email, customer_id FROM customers
       WHERE shop_id = $1 AND lower(email) = ANY($2::text[])
       ORDER BY lower(email), customer_id LIKE 'email:%', customer_id`,
      [shopId, wanted],
    );
    return new Map(rows.map((row) => [row.email, row.customer_id]));
  }

  /**
   * Sources that carry only orders (a generic CSV) still name their buyers: each unknown buyer gets a customer
   * row, with the order's shipping country, so every buyer can be segmented and synced like any other.
   */
  private async ensureBuyers(shopId: number, orders: { customer_id: string | null | undefined; shipping_country: string | null }[]) {
    const buyers = new Map<string, string | null>();
    for (const order of orders) if (order.customer_id) buyers.set(order.customer_id, order.shipping_country);
    if (buyers.size === 0) return;
    await this.db.query(
      `INSERT INTO customers (shop_id, customer_id, country)
       SELECT $1, b.customer_id, b.country FROM unnest($2::text[], $3::text[]) AS b(customer_id, country)
       ON CONFLICT (shop_id, customer_id) DO NOTHING`,
      [shopId, [...buyers.keys()], [...buyers.values()]],
    );
  }

  /** A real customer record takes over the orders of the email placeholder created for its address. */
  private async adoptEmailPlaceholders(shopId: number, rows: { customer_id: string; email: string | null }[]) {
    const adopted = rows.filter((row) => row.email && !row.customer_id.startsWith('email:'));
    if (adopted.length === 0) return;
    const [{ any }] = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM customers WHERE shop_id = $1 AND customer_id LIKE 'email:%') AS any`,
      [shopId],
    );
    if (!any) return;
    const pairs = JSON.stringify(adopted.map((row) => ({ customer_id: row.customer_id, email: row.email!.toLowerCase() })));
    await this.db.query(
      `WITH adopted AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS a(customer_id text, email text)),
       moved AS (
         UPDATE orders o SET customer_id = a.customer_id, updated_at = now() FROM adopted a
         WHERE o.shop_id = $1 AND o.customer_id = 'email:' || a.email RETURNING o.order_id)
       DELETE FROM customers c USING adopted a
       WHERE c.shop_id = $1 AND c.customer_id = 'email:' || a.email`,
      [shopId, pairs],
    );
  }
}

const UPSERT_ORDERS = `
  INSERT INTO orders (shop_id, order_id, name, customer_id, created_at, financial_status, cancelled_at, currency,
                      subtotal, total_discounts, total_price, total_refunded, discount_codes, shipping_country,
                      item_quantity, full_price_quantity, categories, import_id, updated_at)
  SELECT $1, o.order_id, o.name, o.customer_id, o.created_at, o.financial_status, o.cancelled_at, o.currency,
         o.subtotal, o.total_discounts, o.total_price, o.total_refunded, o.discount_codes, o.shipping_country,
         o.item_quantity, o.full_price_quantity, o.categories, $3, now()
  FROM jsonb_to_recordset($2::jsonb) AS o(order_id text, name text, customer_id text, created_at timestamptz,
       financial_status text, cancelled_at timestamptz, currency text, subtotal numeric, total_discounts numeric,
       total_price numeric, total_refunded numeric, discount_codes text[], shipping_country text,
       item_quantity int, full_price_quantity int, categories text[])
  ON CONFLICT (shop_id, order_id) DO UPDATE SET
    name = EXCLUDED.name, customer_id = EXCLUDED.customer_id,
    created_at = CASE WHEN orders.import_id = EXCLUDED.import_id THEN least(orders.created_at, EXCLUDED.created_at)
      ELSE EXCLUDED.created_at END,
    financial_status = CASE WHEN orders.import_id IS DISTINCT FROM EXCLUDED.import_id THEN EXCLUDED.financial_status
      WHEN orders.total_refunded + EXCLUDED.total_refunded > 0 AND orders.total_price + EXCLUDED.total_price > 0
        AND orders.total_refunded + EXCLUDED.total_refunded >= orders.total_price + EXCLUDED.total_price THEN 'refunded'
      WHEN orders.total_refunded + EXCLUDED.total_refunded > 0 THEN 'partially_refunded'
      ELSE orders.financial_status END,
    cancelled_at = EXCLUDED.cancelled_at, currency = EXCLUDED.currency,
    subtotal = ${accumulate('subtotal')}, total_discounts = ${accumulate('total_discounts')},
    total_price = ${accumulate('total_price')}, total_refunded = ${accumulate('total_refunded')},
    item_quantity = ${accumulate('item_quantity')},
    -- A discount code anywhere on the order makes none of its units full price (core/order-lines.ts).
    full_price_quantity = CASE
      WHEN orders.import_id IS DISTINCT FROM EXCLUDED.import_id THEN EXCLUDED.full_price_quantity
      WHEN cardinality(orders.discount_codes || EXCLUDED.discount_codes) > 0 THEN 0
      ELSE orders.full_price_quantity + EXCLUDED.full_price_quantity END,
    discount_codes = CASE WHEN orders.import_id = EXCLUDED.import_id
      THEN ARRAY(SELECT DISTINCT unnest(orders.discount_codes || EXCLUDED.discount_codes) ORDER BY 1)
      ELSE EXCLUDED.discount_codes END,
    categories = CASE WHEN orders.import_id = EXCLUDED.import_id
      THEN ARRAY(SELECT DISTINCT unnest(orders.categories || EXCLUDED.categories) ORDER BY 1)
      ELSE EXCLUDED.categories END,
    shipping_country = EXCLUDED.shipping_country, import_id = EXCLUDED.import_id, updated_at = now()`;

function accumulate(column: string): string {
  return `CASE WHEN orders.import_id = EXCLUDED.import_id THEN orders.${column} + EXCLUDED.${column} ELSE EXCLUDED.${column} END`;
}

/** Later records win: a batch may repeat a row that the source corrected further down. */
function dedupeLast<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

/** One statement may not touch a row twice, so records of one order within a batch are merged first. */
export function mergeOrdersById(orders: OrderRecord[]): OrderRecord[] {
  const byId = new Map<string, OrderRecord>();
  for (const order of orders) {
    const seen = byId.get(order.orderId);
    if (!seen) {
      byId.set(order.orderId, order);
      continue;
    }
    const totalPrice = addMoney(seen.totalPrice, order.totalPrice);
    const totalRefunded = addMoney(seen.totalRefunded, order.totalRefunded);
    byId.set(order.orderId, {
      ...seen,
      createdAt: order.createdAt < seen.createdAt ? order.createdAt : seen.createdAt,
      financialStatus: mergedStatus(seen.financialStatus, totalPrice, totalRefunded),
      subtotal: addMoney(seen.subtotal, order.subtotal),
      totalDiscounts: addMoney(seen.totalDiscounts, order.totalDiscounts),
      totalPrice,
      totalRefunded,
      discountCodes: [...new Set([...seen.discountCodes, ...order.discountCodes])].sort(),
      lines: [...seen.lines, ...order.lines],
    });
  }
  return [...byId.values()];
}

/**
 * The status of an order assembled from several records of one import (a return row of a generic CSV is a
 * record of its own): what the merged money says about refunds, else the first record's status. The SQL
 * upsert applies the same rule when the records arrive in different batches.
 */
function mergedStatus(first: FinancialStatus, totalPrice: number, totalRefunded: number): FinancialStatus {
  if (totalRefunded > 0 && totalPrice > 0 && totalRefunded >= totalPrice) return 'refunded';
  if (totalRefunded > 0) return 'partially_refunded';
  return first;
}

function addMoney(a: number, b: number): number {
  return Math.round(a * 100 + b * 100) / 100;
}

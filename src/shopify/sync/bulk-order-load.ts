import { isFullPriceLine } from '../../segmentation/core/order-lines';
import type { EntityManager } from 'typeorm';
import type { SqlExecutor } from '../../store/sql-executor';
import { StoreRepository } from '../../store/store.repository';
import type { OrderLineRecord, OrderRecord } from '../../store/store-records';
import { numericId } from '../core/gid';
import { parseJsonLine } from '../core/jsonl';
import { lineRecord, orderHead, type LineItemNode, type OrderNode } from '../core/records';
import { StagingWriter, type StagedType, type StagedValue } from './staging-writer';

const STAGE_BATCH = 10_000;

/**
 * Loads a bulk export of orders (parents and their line items as separate JSONL lines, in any order after
 * their parent) in set-based SQL: every line is parsed once, mapped by the core (orderHead, lineRecord), and
 * appended to typed temporary tables of the import's transaction (by COPY on a server, see StagingWriter; a
 * batch is written while the next is parsed); after the last line, a handful of
 * statements join lines to orders and write orders, order_lines and product_launches for the whole file.
 * Memory stays flat (nothing is held per order) and PostgreSQL does the joining; about 4x the throughput of
 * writing through StoreRepository.upsertOrders a batch at a time.
 *
 * The stored rows are the ones StoreRepository.upsertOrders writes for the same orders (a test compares
 * them row by row): each Shopify record replaces the order and its lines; per-order figures follow
 * segmentation/core/order-lines.ts (a line's own full-price test is isFullPriceLine, applied here per line;
 * a discount code on the order zeroes its full-price units, as the store writer's SQL does; categories are
 * the distinct product types sorted by code point, as JavaScript sorts them). Orders without a customer
 * but with an email go through upsertOrders, which matches them to customers by email.
 */
export class BulkOrderLoad {
  private orders: StagedValue[][] = [];
  private lines: StagedValue[][] = [];
  private seq = 0;
  private count = 0;
  /** The staging insert in flight: the next batch is parsed while PostgreSQL writes this one. */
  private pending: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: SqlExecutor,
    private readonly staging: StagingWriter,
    private readonly shopId: number,
    private readonly importId: string,
    private readonly step: (ended: string) => void,
  ) {}

  /** `step` is told as each step ends (download+stage, then each merge), for the import's timings. */
  static async open(db: EntityManager, shopId: number, importId: string, step: (ended: string) => void = () => undefined): Promise<BulkOrderLoad> {
    await db.query(`
      CREATE TEMP TABLE stage_orders (
        seq bigint, order_id text, name text, customer_id text, email text, created_at timestamptz,
        financial_status text, cancelled_at timestamptz, currency text, subtotal numeric, total_discounts numeric,
        total_price numeric, total_refunded numeric, discount_codes text, shipping_country text
      ) ON COMMIT DROP`);
    await db.query(`
      CREATE TEMP TABLE stage_lines (
        seq bigint, order_id text, product_id text, sku text, title text, product_type text, quantity int,
        price numeric, compare_at_price numeric, discount_amount numeric, full_price_quantity int
      ) ON COMMIT DROP`);
    return new BulkOrderLoad(db, await StagingWriter.open(db), shopId, importId, step);
  }

  /** Orders seen so far. */
  get orderCount(): number {
    return this.count;
  }

  async add(line: string): Promise<void> {
    const seq = ++this.seq;
    const node = parseJsonLine<(OrderNode | LineItemNode) & { __parentId?: string }>(line, seq);
    if (node.__parentId) {
      this.lines.push(lineRow(seq, numericId(node.__parentId), lineRecord(node as LineItemNode, 0)));
    } else {
      this.orders.push(orderRow(seq, orderHead(node as OrderNode)));
      this.count++;
    }
    if (this.orders.length + this.lines.length >= STAGE_BATCH) await this.flush();
  }

  /** After the last line: writes everything staged. */
  async finish(): Promise<void> {
    await this.flush();
    await this.pending;
    this.step('download+stage');
    // The joins and groupings below sort millions of rows: with the default 4 MB they spill to disk.
    await this.db.query(`SET LOCAL work_mem = '128MB'`);
    await this.db.query(`ANALYZE stage_orders, stage_lines`);
    this.step('analyze staging');
    await this.loadGuestOrders();
    this.step('merge guest orders');
    // Buyers the customers export did not list (usually none): only they are sorted, not every order.
    await this.db.query(`INSERT INTO customers (shop_id, customer_id, country)
       SELECT DISTINCT ON (customer_id) $1::int, customer_id, shipping_country FROM stage_orders s
       WHERE customer_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.shop_id = $1 AND c.customer_id = s.customer_id)
       ORDER BY customer_id, seq
       ON CONFLICT (shop_id, customer_id) DO NOTHING`, [this.shopId]);
    this.step('merge buyers');
    await this.db.query(
      `DELETE FROM order_lines l USING stage_orders s WHERE l.shop_id = $1 AND l.order_id = s.order_id AND s.customer_id IS NOT NULL`,
      [this.shopId],
    );
    this.step('delete old order lines');
    await this.db.query(UPSERT_STAGED_ORDERS, [this.shopId, this.importId]);
    this.step('merge orders');
    await this.db.query(
      `INSERT INTO order_lines (shop_id, order_id, line_no, product_id, sku, title, product_type, quantity, price,
                                compare_at_price, discount_amount)
       SELECT $1, l.order_id, row_number() OVER (PARTITION BY l.order_id ORDER BY l.seq), l.product_id, l.sku, l.title,
              l.product_type, l.quantity, l.price, l.compare_at_price, l.discount_amount
       FROM stage_lines l JOIN stage_orders s ON s.order_id = l.order_id AND s.customer_id IS NOT NULL`,
      [this.shopId],
    );
    this.step('merge order lines');
    await this.db.query(
      `INSERT INTO product_launches (shop_id, product_id, first_sold_at)
       SELECT $1, l.product_id, min(s.created_at) FROM stage_lines l JOIN stage_orders s ON s.order_id = l.order_id
       WHERE l.product_id IS NOT NULL AND s.customer_id IS NOT NULL GROUP BY l.product_id
       ON CONFLICT (shop_id, product_id) DO UPDATE SET first_sold_at = least(product_launches.first_sold_at, EXCLUDED.first_sold_at)`,
      [this.shopId],
    );
    this.step('merge product launches');
  }

  /** Guest orders (no customer, an email): few, and written by the store writer, which matches emails. */
  private async loadGuestOrders(): Promise<void> {
    const rows: { head: OrderRecord & { createdAt: string; cancelledAt: string | null }; lines: OrderLineRecord[] | null }[] =
      await this.db.query(`
      WITH guests AS (SELECT * FROM stage_orders WHERE customer_id IS NULL),
      guest_lines AS (
        SELECT l.order_id,
               json_agg(json_build_object('lineNo', 0, 'productId', l.product_id, 'sku', l.sku, 'title', l.title,
                 'productType', l.product_type, 'quantity', l.quantity, 'price', l.price,
                 'compareAtPrice', l.compare_at_price, 'discountAmount', l.discount_amount) ORDER BY l.seq) AS lines
        FROM stage_lines l JOIN guests g ON g.order_id = l.order_id GROUP BY l.order_id)
      SELECT json_build_object('orderId', s.order_id, 'name', s.name, 'customerId', NULL, 'customerEmail', s.email,
               'createdAt', s.created_at, 'financialStatus', s.financial_status, 'cancelledAt', s.cancelled_at,
               'currency', s.currency, 'subtotal', s.subtotal, 'totalDiscounts', s.total_discounts,
               'totalPrice', s.total_price, 'totalRefunded', s.total_refunded, 'discountCodes', s.discount_codes::text[],
               'shippingCountry', s.shipping_country) AS head,
             gl.lines
      FROM guests s LEFT JOIN guest_lines gl ON gl.order_id = s.order_id ORDER BY s.seq`);
    if (rows.length === 0) return;
    const orders: OrderRecord[] = rows.map(({ head, lines }) => ({
      ...head,
      createdAt: new Date(head.createdAt),
      cancelledAt: head.cancelledAt ? new Date(head.cancelledAt) : null,
      lines: (lines ?? []).map((line, index) => ({ ...line, lineNo: index + 1 })),
    }));
    await new StoreRepository(this.db).upsertOrders(this.shopId, orders, this.importId);
  }

  /** Hands the batch to PostgreSQL once the previous one is written, without waiting for this one. */
  private async flush(): Promise<void> {
    const orders = this.orders;
    const lines = this.lines;
    this.orders = [];
    this.lines = [];
    await this.pending;
    // One connection: the two tables' writes go one after the other, while the next batch is parsed.
    const writing = this.staging.write('stage_orders', ORDER_TYPES, orders).then(() => this.staging.write('stage_lines', LINE_TYPES, lines));
    // Awaited at the next flush or in finish(); until then a failure must not count as unhandled.
    writing.catch(() => undefined);
    this.pending = writing;
  }
}

const UPSERT_STAGED_ORDERS = `
  INSERT INTO orders (shop_id, order_id, name, customer_id, created_at, financial_status, cancelled_at, currency,
                      subtotal, total_discounts, total_price, total_refunded, discount_codes, shipping_country,
                      item_quantity, full_price_quantity, categories, import_id, updated_at)
  SELECT $1, s.order_id, s.name, s.customer_id, s.created_at, s.financial_status, s.cancelled_at, s.currency,
         s.subtotal, s.total_discounts, s.total_price, s.total_refunded,
         s.discount_codes::text[], s.shipping_country,
         coalesce(l.units, 0),
         CASE WHEN s.discount_codes <> '{}' THEN 0 ELSE coalesce(l.full_price_units, 0) END,
         coalesce(l.categories, '{}'), $2, now()
  FROM stage_orders s
  LEFT JOIN (
    SELECT order_id, sum(quantity)::int AS units, sum(full_price_quantity)::int AS full_price_units,
           array_agg(DISTINCT product_type COLLATE "C" ORDER BY product_type COLLATE "C")
             FILTER (WHERE product_type IS NOT NULL) AS categories
    FROM stage_lines GROUP BY order_id
  ) l ON l.order_id = s.order_id
  WHERE s.customer_id IS NOT NULL
  ON CONFLICT (shop_id, order_id) DO UPDATE SET
    name = EXCLUDED.name, customer_id = EXCLUDED.customer_id, created_at = EXCLUDED.created_at,
    financial_status = EXCLUDED.financial_status, cancelled_at = EXCLUDED.cancelled_at, currency = EXCLUDED.currency,
    subtotal = EXCLUDED.subtotal, total_discounts = EXCLUDED.total_discounts, total_price = EXCLUDED.total_price,
    total_refunded = EXCLUDED.total_refunded, discount_codes = EXCLUDED.discount_codes,
    shipping_country = EXCLUDED.shipping_country, item_quantity = EXCLUDED.item_quantity,
    full_price_quantity = EXCLUDED.full_price_quantity, categories = EXCLUDED.categories,
    import_id = EXCLUDED.import_id, updated_at = now()`;

const ORDER_TYPES: StagedType[] = ['bigint', 'text', 'text', 'text', 'text', 'timestamptz', 'text', 'timestamptz', 'text',
  'numeric', 'numeric', 'numeric', 'numeric', 'text', 'text'];
const LINE_TYPES: StagedType[] = ['bigint', 'text', 'text', 'text', 'text', 'text', 'int', 'numeric', 'numeric', 'numeric', 'int'];

/** A stage_orders row, columns in the table's order. */
function orderRow(seq: number, order: OrderRecord): StagedValue[] {
  return [
    seq, order.orderId, order.name, order.customerId, order.customerEmail ?? null, order.createdAt.toISOString(),
    order.financialStatus, order.cancelledAt ? order.cancelledAt.toISOString() : null, order.currency, order.subtotal,
    order.totalDiscounts, order.totalPrice, order.totalRefunded, arrayLiteral(order.discountCodes), order.shippingCountry,
  ];
}

/** A text[] literal such as {"CODE10","SUMMER"}: staged as text, cast to text[] when written to orders. */
function arrayLiteral(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** A stage_lines row, columns in the table's order. */
function lineRow(seq: number, orderId: string, line: OrderLineRecord): StagedValue[] {
  // The line's own part of the full-price rule; the order's discount codes are applied in SQL (UPSERT_STAGED_ORDERS).
  const fullPrice = isFullPriceLine(line, false) ? line.quantity : 0;
  return [seq, orderId, line.productId, line.sku, line.title, line.productType, line.quantity, line.price, line.compareAtPrice,
    line.discountAmount, fullPrice];
}

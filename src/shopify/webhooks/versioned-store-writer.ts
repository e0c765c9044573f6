import type { RefundRecord, Versioned } from '../core/webhook-payloads';
import type { SqlExecutor } from '../../store/sql-executor';
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../../store/store-records';
import { StoreRepository } from '../../store/store.repository';

/** What happened to a record a webhook carried. */
export type WriteOutcome = 'written' | 'stale';

const TABLES = {
  customers: 'customer_id',
  orders: 'order_id',
  checkouts: 'checkout_id',
} as const;
type VersionedTable = keyof typeof TABLES;

/**
 * Writes records from webhooks through the StoreRepository, order-safe: a record older than the stored
 * version (by the source's `updated_at`) is dropped. Must run inside a transaction: the record's key is
 * locked first (an advisory lock, so it also covers a record not stored yet), then the stored version is
 * compared, then the record written and its version set, so two workers applying two versions of one
 * record at once still end with the newer.
 */
export class VersionedStoreWriter {
  private readonly store: StoreRepository;

  constructor(private readonly db: SqlExecutor) {
    this.store = new StoreRepository(db);
  }

  async customer(shopId: number, { record, sourceUpdatedAt }: Versioned<CustomerRecord>): Promise<WriteOutcome> {
    if (await this.isStale('customers', shopId, record.customerId, sourceUpdatedAt)) return 'stale';
    await this.store.upsertCustomers(shopId, [record]);
    await this.setVersion('customers', shopId, record.customerId, sourceUpdatedAt);
    return 'written';
  }

  async checkout(shopId: number, checkout: Versioned<CheckoutRecord> & { productIds: string[] }): Promise<WriteOutcome> {
    const { record, sourceUpdatedAt } = checkout;
    if (await this.isStale('checkouts', shopId, record.checkoutId, sourceUpdatedAt)) return 'stale';
    const categories = record.categories.length > 0 ? record.categories : await this.knownCategories(shopId, checkout.productIds);
    await this.store.upsertCheckouts(shopId, [{ ...record, categories }]);
    await this.setVersion('checkouts', shopId, record.checkoutId, sourceUpdatedAt);
    return 'written';
  }

  /**
   * An order replaces the stored one (and its lines) unless older. Its refunds are kept by id whatever the
   * order's age, and the refunded total is never lowered below what the known refunds add up to.
   */
  async order(shopId: number, order: Versioned<OrderRecord> & { refunds: RefundRecord[] }, writeId: string): Promise<WriteOutcome> {
    await this.recordRefunds(shopId, order.refunds);
    if (await this.isStale('orders', shopId, order.record.orderId, order.sourceUpdatedAt)) return 'stale';
    await this.store.upsertOrders(shopId, [await this.withKnownLineDetails(shopId, order.record)], writeId);
    await this.setVersion('orders', shopId, order.record.orderId, order.sourceUpdatedAt);
    await this.reconcileRefunds(shopId, order.record.orderId);
    return 'written';
  }

  /**
   * Shopify's order webhooks carry no product type and no compare-at price, which the imports (GraphQL) do
   * have: a line takes them from the stored line of the same order and product, and a product type from any
   * stored line of the product, so a webhook never erases categories or markdowns the store already knew.
   */
  private async withKnownLineDetails(shopId: number, order: OrderRecord): Promise<OrderRecord> {
    const productIds = [...new Set(order.lines.map((line) => line.productId).filter((id): id is string => id !== null))];
    if (productIds.length === 0) return order;
    const known: { product_id: string; product_type: string | null; compare_at_price: string | null; same_order: boolean }[] =
      await this.db.query(
        `SELECT DISTINCT ON (product_id) product_id, product_type, compare_at_price, order_id = $3 AS same_order
         FROM order_lines WHERE shop_id = $1 AND product_id = ANY($2::text[])
         ORDER BY product_id, (order_id = $3) DESC, (product_type IS NULL)`,
        [shopId, productIds, order.orderId],
      );
    const byProduct = new Map(known.map((row) => [row.product_id, row]));
    return {
      ...order,
      lines: order.lines.map((line) => {
        const stored = line.productId === null ? undefined : byProduct.get(line.productId);
        if (!stored) return line;
        const compareAt = line.compareAtPrice ?? (stored.same_order && stored.compare_at_price !== null ? Number(stored.compare_at_price) : null);
        return { ...line, productType: line.productType ?? stored.product_type, compareAtPrice: compareAt };
      }),
    };
  }

  private async knownCategories(shopId: number, productIds: string[]): Promise<string[]> {
    if (productIds.length === 0) return [];
    const rows: { product_type: string }[] = await this.db.query(
      `SELECT DISTINCT product_type FROM order_lines
       WHERE shop_id = $1 AND product_id = ANY($2::text[]) AND product_type IS NOT NULL ORDER BY 1`,
      [shopId, productIds],
    );
    return rows.map((row) => row.product_type);
  }

  /**
   * refunds/create: kept by refund id (a replay adds nothing), then the order's refunded total and status
   * follow. An order not stored yet picks the refund up when it arrives.
   */
  async refund(shopId: number, refund: RefundRecord): Promise<void> {
    await this.lock('orders', shopId, refund.orderId);
    await this.recordRefunds(shopId, [refund]);
    await this.reconcileRefunds(shopId, refund.orderId);
  }

  private async recordRefunds(shopId: number, refunds: RefundRecord[]): Promise<void> {
    if (refunds.length === 0) return;
    await this.db.query(
      `INSERT INTO order_refunds (shop_id, refund_id, order_id, amount, created_at)
       SELECT $1, r.refund_id, r.order_id, r.amount, r.created_at
       FROM jsonb_to_recordset($2::jsonb) AS r(refund_id text, order_id text, amount numeric, created_at timestamptz)
       ON CONFLICT (shop_id, refund_id) DO UPDATE SET amount = EXCLUDED.amount`,
      [
        shopId,
        JSON.stringify(
          refunds.map((refund) => ({
            refund_id: refund.refundId,
            order_id: refund.orderId,
            amount: refund.amount,
            created_at: refund.createdAt,
          })),
        ),
      ],
    );
  }

  private async reconcileRefunds(shopId: number, orderId: string): Promise<void> {
    await this.db.query(
      `WITH known AS (SELECT coalesce(sum(amount), 0) AS refunded FROM order_refunds WHERE shop_id = $1 AND order_id = $2)
       UPDATE orders o SET
         total_refunded = known.refunded,
         financial_status = CASE
           WHEN known.refunded >= o.total_price AND o.total_price > 0 THEN 'refunded'
           WHEN known.refunded > 0 AND o.financial_status IN ('paid', 'partially_paid') THEN 'partially_refunded'
           ELSE o.financial_status END,
         updated_at = now()
       FROM known
       WHERE o.shop_id = $1 AND o.order_id = $2 AND known.refunded > o.total_refunded`,
      [shopId, orderId],
    );
  }

  /** True when the stored version is newer than the incoming one; locks the record's key for this transaction. */
  private async isStale(table: VersionedTable, shopId: number, key: string, incoming: Date | null): Promise<boolean> {
    await this.lock(table, shopId, key);
    if (!incoming) return false;
    const rows: { newer: boolean }[] = await this.db.query(
      `SELECT source_updated_at > $3 AS newer FROM ${table} WHERE shop_id = $1 AND ${TABLES[table]} = $2`,
      [shopId, key, incoming],
    );
    return rows[0]?.newer === true;
  }

  private async setVersion(table: VersionedTable, shopId: number, key: string, incoming: Date | null): Promise<void> {
    if (!incoming) return;
    await this.db.query(
      `UPDATE ${table} SET source_updated_at = $3
       WHERE shop_id = $1 AND ${TABLES[table]} = $2 AND (source_updated_at IS NULL OR source_updated_at <= $3)`,
      [shopId, key, incoming],
    );
  }

  private async lock(table: VersionedTable, shopId: number, key: string): Promise<void> {
    await this.db.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${table}:${shopId}:${key}`]);
  }
}

import { randomUUID } from 'node:crypto';
import type { RefundRecord, Versioned } from '../core/webhook-payloads';
import type { SqlExecutor } from '../../store/sql-executor';
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../../store/store-records';
import { StoreRepository } from '../../store/store.repository';

export type VersionedOrder = Versioned<OrderRecord> & { refunds: RefundRecord[] };
export type VersionedCheckout = Versioned<CheckoutRecord> & { productIds: string[] };

/** How many records were written, and how many dropped as older than the stored version. */
export interface WriteCounts {
  written: number;
  stale: number;
}

const TABLES = {
  customers: 'customer_id',
  orders: 'order_id',
  checkouts: 'checkout_id',
} as const;
type VersionedTable = keyof typeof TABLES;

/**
 * Writes records from webhooks through the StoreRepository, a batch at a time, order-safe: a record older
 * than the stored version (by the source's `updated_at`) is dropped. Runs inside the caller's transaction:
 * the records' keys are locked first (advisory locks, in key order, so they also cover records not stored
 * yet and two workers never deadlock), then the stored versions compared, then the newer records written
 * and their versions set. Two workers applying two versions of one record at once still end with the newer.
 */
export class VersionedStoreWriter {
  private readonly store: StoreRepository;

  constructor(private readonly db: SqlExecutor) {
    this.store = new StoreRepository(db);
  }

  async customers(shopId: number, customers: Versioned<CustomerRecord>[]): Promise<WriteCounts> {
    const fresh = await this.newerThanStored('customers', shopId, newestByKey(customers, (c) => c.record.customerId));
    await this.store.upsertCustomers(shopId, fresh.map((customer) => customer.record));
    await this.setVersions('customers', shopId, fresh.map((c) => [c.record.customerId, c.sourceUpdatedAt]));
    return { written: fresh.length, stale: customers.length - fresh.length };
  }

  async checkouts(shopId: number, checkouts: VersionedCheckout[]): Promise<WriteCounts> {
    const fresh = await this.newerThanStored('checkouts', shopId, newestByKey(checkouts, (c) => c.record.checkoutId));
    const types = await this.productTypes(shopId, fresh.flatMap((checkout) => checkout.productIds));
    const records = fresh.map(({ record, productIds }) =>
      record.categories.length > 0
        ? record
        : { ...record, categories: [...new Set(productIds.map((id) => types.get(id)).filter((t): t is string => !!t))].sort() },
    );
    await this.store.upsertCheckouts(shopId, records);
    await this.setVersions('checkouts', shopId, fresh.map((c) => [c.record.checkoutId, c.sourceUpdatedAt]));
    return { written: fresh.length, stale: checkouts.length - fresh.length };
  }

  /**
   * Orders replace the stored ones (and their lines) unless older. Their refunds are kept by id whatever the
   * order's age, and an order's refunded total is never lowered below what its known refunds add up to.
   */
  async orders(shopId: number, orders: VersionedOrder[]): Promise<WriteCounts> {
    await this.recordRefunds(shopId, orders.flatMap((order) => order.refunds));
    const fresh = await this.newerThanStored('orders', shopId, newestByKey(orders, (o) => o.record.orderId));
    if (fresh.length > 0) {
      // A write id of its own: the store writer then replaces these orders' lines instead of appending.
      await this.store.upsertOrders(shopId, await this.withKnownLineDetails(shopId, fresh.map((o) => o.record)), `webhook:${randomUUID()}`);
      await this.setVersions('orders', shopId, fresh.map((o) => [o.record.orderId, o.sourceUpdatedAt]));
    }
    await this.reconcileRefunds(shopId, [...new Set(orders.filter((o) => o.refunds.length > 0).map((o) => o.record.orderId))]);
    return { written: fresh.length, stale: orders.length - fresh.length };
  }

  /**
   * refunds/create: kept by refund id (a replay adds nothing), then the orders' refunded totals and statuses
   * follow. An order not stored yet picks its refunds up when it arrives.
   */
  async refunds(shopId: number, refunds: RefundRecord[]): Promise<void> {
    const orderIds = [...new Set(refunds.map((refund) => refund.orderId))];
    await this.lock('orders', shopId, orderIds);
    await this.recordRefunds(shopId, refunds);
    await this.reconcileRefunds(shopId, orderIds);
  }

  /**
   * Shopify's order webhooks carry no product type and no compare-at price, which the imports (GraphQL) do
   * have: a line takes the compare-at price from the stored line of the same order and product, and the
   * product type from any stored line of the product, so a webhook never erases what the store knew.
   */
  private async withKnownLineDetails(shopId: number, orders: OrderRecord[]): Promise<OrderRecord[]> {
    const productIds = orders.flatMap((order) => order.lines.map((line) => line.productId)).filter((id): id is string => id !== null);
    if (productIds.length === 0) return orders;
    const types = await this.productTypes(shopId, productIds);
    const markdowns: { order_id: string; product_id: string; compare_at_price: string }[] = await this.db.query(
      `SELECT order_id, product_id, compare_at_price FROM order_lines
       WHERE shop_id = $1 AND order_id = ANY($2::text[]) AND product_id IS NOT NULL AND compare_at_price IS NOT NULL`,
      [shopId, orders.map((order) => order.orderId)],
    );
    const compareAt = new Map(markdowns.map((row) => [`${row.order_id}/${row.product_id}`, Number(row.compare_at_price)]));
    return orders.map((order) => ({
      ...order,
      lines: order.lines.map((line) =>
        line.productId === null
          ? line
          : {
              ...line,
              productType: line.productType ?? types.get(line.productId) ?? null,
              compareAtPrice: line.compareAtPrice ?? compareAt.get(`${order.orderId}/${line.productId}`) ?? null,
            },
      ),
    }));
  }

  /** The product type the store knows for each product (from any line of it). */
  private async productTypes(shopId: number, productIds: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(productIds)];
    if (wanted.length === 0) return new Map();
    const rows: { product_id: string; product_type: string | null }[] = await this.db.query(
      `SELECT p.product_id,
              (SELECT product_type FROM order_lines l
               WHERE l.shop_id = $1 AND l.product_id = p.product_id AND l.product_type IS NOT NULL LIMIT 1) AS product_type
       FROM unnest($2::text[]) AS p(product_id)`,
      [shopId, wanted],
    );
    return new Map(rows.filter((row) => row.product_type !== null).map((row) => [row.product_id, row.product_type!]));
  }

  private async recordRefunds(shopId: number, refunds: RefundRecord[]): Promise<void> {
    const unique = [...new Map(refunds.map((refund) => [refund.refundId, refund])).values()];
    if (unique.length === 0) return;
    await this.db.query(
      `INSERT INTO order_refunds (shop_id, refund_id, order_id, amount, created_at)
       SELECT $1, r.refund_id, r.order_id, r.amount, r.created_at
       FROM jsonb_to_recordset($2::jsonb) AS r(refund_id text, order_id text, amount numeric, created_at timestamptz)
       ON CONFLICT (shop_id, refund_id) DO UPDATE SET amount = EXCLUDED.amount`,
      [
        shopId,
        JSON.stringify(
          unique.map((refund) => ({ refund_id: refund.refundId, order_id: refund.orderId, amount: refund.amount, created_at: refund.createdAt })),
        ),
      ],
    );
  }

  private async reconcileRefunds(shopId: number, orderIds: string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await this.db.query(
      `WITH known AS (
         SELECT order_id, sum(amount) AS refunded FROM order_refunds
         WHERE shop_id = $1 AND order_id = ANY($2::text[]) GROUP BY order_id)
       UPDATE orders o SET
         total_refunded = known.refunded,
         financial_status = CASE
           WHEN known.refunded >= o.total_price AND o.total_price > 0 THEN 'refunded'
           WHEN known.refunded > 0 AND o.financial_status IN ('paid', 'partially_paid') THEN 'partially_refunded'
           ELSE o.financial_status END,
         updated_at = now()
       FROM known
       WHERE o.shop_id = $1 AND o.order_id = known.order_id AND known.refunded > o.total_refunded`,
      [shopId, orderIds],
    );
  }

  /**
   * customers/delete: remembers when the customer was deleted, so that an older update delivered late does
   * not bring it back. Takes the key's lock: an update being applied at the same time is ordered with it.
   */
  async customerDeleted(shopId: number, customerId: string, deletedAt: Date): Promise<void> {
    await this.lock('customers', shopId, [customerId]);
    await this.db.query(
      `INSERT INTO deleted_records (shop_id, kind, record_id, deleted_at) VALUES ($1, 'customers', $2, $3)
       ON CONFLICT (shop_id, kind, record_id) DO UPDATE SET deleted_at = greatest(deleted_records.deleted_at, EXCLUDED.deleted_at)`,
      [shopId, customerId, deletedAt],
    );
  }

  /**
   * Locks the records' keys for this transaction, then keeps those not older than the stored version nor
   * than their deletion.
   */
  private async newerThanStored<T extends Versioned<unknown>>(table: VersionedTable, shopId: number, records: Map<string, T>): Promise<T[]> {
    if (records.size === 0) return [];
    await this.lock(table, shopId, [...records.keys()]);
    const versioned = [...records].filter(([, record]) => record.sourceUpdatedAt !== null);
    if (versioned.length === 0) return [...records.values()];
    const newer: Record<string, string>[] = await this.db.query(
      `WITH i AS (SELECT * FROM unnest($2::text[], $3::timestamptz[]) AS i(key, updated_at))
       SELECT s.${TABLES[table]} AS key FROM ${table} s JOIN i ON s.${TABLES[table]} = i.key
       WHERE s.shop_id = $1 AND s.source_updated_at > i.updated_at
       UNION
       SELECT d.record_id FROM deleted_records d JOIN i ON d.record_id = i.key
       WHERE d.shop_id = $1 AND d.kind = $4 AND d.deleted_at >= i.updated_at`,
      [shopId, versioned.map(([key]) => key), versioned.map(([, record]) => record.sourceUpdatedAt!.toISOString()), table],
    );
    const stale = new Set(newer.map((row) => row.key));
    return [...records].filter(([key]) => !stale.has(key)).map(([, record]) => record);
  }

  private async setVersions(table: VersionedTable, shopId: number, versions: [string, Date | null][]): Promise<void> {
    const known = versions.filter((entry): entry is [string, Date] => entry[1] !== null);
    if (known.length === 0) return;
    await this.db.query(
      `UPDATE ${table} s SET source_updated_at = i.updated_at
       FROM unnest($2::text[], $3::timestamptz[]) AS i(key, updated_at)
       WHERE s.shop_id = $1 AND s.${TABLES[table]} = i.key
         AND (s.source_updated_at IS NULL OR s.source_updated_at <= i.updated_at)`,
      [shopId, known.map(([key]) => key), known.map(([, at]) => at.toISOString())],
    );
  }

  /** Advisory locks on the keys, taken in sorted order (no deadlock between two workers). */
  private async lock(table: VersionedTable, shopId: number, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const names = [...new Set(keys)].map((key) => `${table}:${shopId}:${key}`).sort();
    await this.db.query(
      `SELECT count(pg_advisory_xact_lock(hashtext(name))) FROM (SELECT name FROM unnest($1::text[]) AS name ORDER BY name) AS sorted`,
      [names],
    );
  }
}

/** Per key, the newest version (by the source's update time; the later record wins a tie or an unknown time). */
function newestByKey<T extends Versioned<unknown>>(records: T[], key: (record: T) => string): Map<string, T> {
  const newest = new Map<string, T>();
  for (const record of records) {
    const seen = newest.get(key(record));
    const older = seen && seen.sourceUpdatedAt && record.sourceUpdatedAt && record.sourceUpdatedAt < seen.sourceUpdatedAt;
    if (!older) newest.set(key(record), record);
  }
  return newest;
}

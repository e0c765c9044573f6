import { isFullPriceLine } from '../../segmentation/core/order-lines';
import type { EntityManager } from 'typeorm';
import type { SqlExecutor } from '../../store/sql-executor';
import { StoreRepository } from '../../store/store.repository';
import type { OrderLineRecord, OrderRecord } from '../../store/store-records';
import { numericId } from '../core/gid';
import { parseJsonLine } from '../core/jsonl';
import { lineRecord, orderHead, type LineItemNode, type OrderNode } from '../core/records';
import { insertStubBuyers, mergeChunk, STAGING_TABLES } from './bulk-order-merge';
import { StagingWriter, type StagedBatch, type StagedType, type StagedValue } from './staging-writer';

/** Rows per staging write (one COPY, or one INSERT ... unnest on the embedded database). */
const STAGE_BATCH = 20_000;
/** Orders per merge into the store, by default: large enough that each statement works on a set. */
const ORDERS_PER_MERGE = 25_000;
/**
 * Staging writes and merges queued on the connection at most: how far parsing may run ahead of the
 * database. More than a chunk's worth (25,000 orders and their lines are some 8 writes of COPY text, a few
 * MB each, and a merge), so the process parses the next chunk while the database merges the last one.
 */
const MAX_QUEUED = 12;

/** How a load fits among the import's other resources (see ImportContext); each part optional. */
export interface BulkOrderSchedule {
  /** Told as each step ends (download+stage+merge, then the guests and buyers), for the import's timings. */
  step?: (ended: string) => void;
  /** Guest orders and stub buyers are written only once this settles. */
  customersWritten?: Promise<void>;
  /** Orders per merge (tests make it small, so that children cross chunk boundaries). */
  ordersPerMerge?: number;
}

/**
 * Loads a bulk export of orders (parents and their line items as separate JSONL lines, each child somewhere
 * after its parent) in set-based SQL, while the file streams: every line is parsed once, mapped by the core
 * (orderHead, lineRecord), and appended to typed temporary tables of the import's transaction (by COPY on a
 * server, see StagingWriter); every `ordersPerMerge` orders, the chunk is merged into orders, order_lines
 * and product_launches (bulk-order-merge.ts). Staging writes and merges queue on the transaction's
 * connection, so the process parses the next lines while the database merges the last chunk, and memory
 * stays flat (nothing is held per order).
 *
 * The stored rows are the ones StoreRepository.upsertOrders writes for the same orders (a test compares
 * them row by row). Guest orders (no customer, an email) go through upsertOrders at the end, which matches
 * them to customers by email.
 */
export class BulkOrderLoad {
  private orders: StagedBatch;
  private lines: StagedBatch;
  private seq = 0;
  private count = 0;
  /** The current chunk's orders, and the orders of earlier chunks that its lines belong to ("late" lines). */
  private chunkOrders = new Set<string>();
  private lateOrders = new Set<string>();
  /** The tail of the work queued on the connection; each entry settles when its task is done. */
  private queue: Promise<unknown> = Promise.resolve();
  private queued: Promise<unknown>[] = [];

  private constructor(
    private readonly db: SqlExecutor,
    private readonly staging: StagingWriter,
    private readonly shopId: number,
    private readonly importId: string,
    private readonly schedule: Required<BulkOrderSchedule>,
  ) {
    this.orders = staging.batch(ORDER_TYPES);
    this.lines = staging.batch(LINE_TYPES);
  }

  static async open(db: EntityManager, shopId: number, importId: string, schedule: BulkOrderSchedule = {}): Promise<BulkOrderLoad> {
    for (const sql of STAGING_TABLES) await db.query(sql);
    // Merges are joins and groupings of tens of thousands of rows: with the default 4 MB they spill to disk.
    await db.query(`SET LOCAL work_mem = '64MB'`);
    const { step = () => undefined, customersWritten = Promise.resolve(), ordersPerMerge = ORDERS_PER_MERGE } = schedule;
    return new BulkOrderLoad(db, await StagingWriter.open(db), shopId, importId, { step, customersWritten, ordersPerMerge });
  }

  /** Orders seen so far. */
  get orderCount(): number {
    return this.count;
  }

  async add(line: string): Promise<void> {
    const seq = ++this.seq;
    const node = parseJsonLine<(OrderNode | LineItemNode) & { __parentId?: string }>(line, seq);
    if (node.__parentId) {
      const orderId = numericId(node.__parentId);
      if (!this.chunkOrders.has(orderId)) this.lateOrders.add(orderId);
      this.lines.add(lineRow(seq, orderId, lineRecord(node as LineItemNode, 0)));
    } else {
      // A new chunk starts with an order, so that a chunk's lines after its last order stay with it.
      if (this.chunkOrders.size >= this.schedule.ordersPerMerge) await this.endChunk();
      const order = orderHead(node as OrderNode);
      this.orders.add(orderRow(seq, order, (node as OrderNode).updatedAt));
      this.chunkOrders.add(order.orderId);
      this.count++;
    }
    if (this.orders.size + this.lines.size >= STAGE_BATCH) await this.flush();
  }

  /** After the last line: merges the last chunk, then guest orders and stub buyers once customers are written. */
  async finish(): Promise<void> {
    const { step } = this.schedule;
    await this.endChunk();
    await this.drain(0);
    step('download+stage+merge');
    await this.schedule.customersWritten;
    step('wait for customers');
    await this.loadGuestOrders();
    step('merge guest orders');
    await insertStubBuyers(this.db, this.shopId);
    step('merge buyers');
  }

  /** Guest orders (no customer, an email): few, and written by the store writer, which matches emails. */
  private async loadGuestOrders(): Promise<void> {
    const rows: { head: OrderRecord & { createdAt: string; cancelledAt: string | null }; lines: OrderLineRecord[] | null }[] =
      await this.db.query(`
      WITH lines AS (
        SELECT l.order_id,
               json_agg(json_build_object('lineNo', 0, 'productId', l.product_id, 'sku', l.sku, 'title', l.title,
                 'productType', l.product_type, 'quantity', l.quantity, 'price', l.price,
                 'compareAtPrice', l.compare_at_price, 'discountAmount', l.discount_amount) ORDER BY l.seq) AS lines
        FROM guest_lines l GROUP BY l.order_id)
      SELECT json_build_object('orderId', s.order_id, 'name', s.name, 'customerId', NULL, 'customerEmail', s.email,
               'createdAt', s.created_at, 'financialStatus', s.financial_status, 'cancelledAt', s.cancelled_at,
               'currency', s.currency, 'subtotal', s.subtotal, 'totalDiscounts', s.total_discounts,
               'totalPrice', s.total_price, 'totalRefunded', s.total_refunded, 'discountCodes', s.discount_codes::text[],
               'shippingCountry', s.shipping_country) AS head,
             gl.lines
      FROM guest_orders s LEFT JOIN lines gl ON gl.order_id = s.order_id ORDER BY s.seq`);
    if (rows.length === 0) return;
    const orders: OrderRecord[] = rows.map(({ head, lines }) => ({
      ...head,
      createdAt: new Date(head.createdAt),
      cancelledAt: head.cancelledAt ? new Date(head.cancelledAt) : null,
      lines: (lines ?? []).map((line, index) => ({ ...line, lineNo: index + 1 })),
    }));
    await new StoreRepository(this.db).upsertOrders(this.shopId, orders, this.importId);
  }

  /** Queues the staged rows' write; waits only when the queue is full. */
  private async flush(): Promise<void> {
    const orders = this.orders;
    const lines = this.lines;
    this.orders = this.staging.batch(ORDER_TYPES);
    this.lines = this.staging.batch(LINE_TYPES);
    if (orders.size > 0) await this.enqueue(() => this.staging.send('stage_orders', orders));
    if (lines.size > 0) await this.enqueue(() => this.staging.send('stage_lines', lines));
  }

  private async endChunk(): Promise<void> {
    await this.flush();
    const late = [...this.lateOrders];
    this.chunkOrders = new Set();
    this.lateOrders = new Set();
    await this.enqueue(() => mergeChunk(this.db, this.shopId, this.importId, late));
  }

  /**
   * One connection runs one statement at a time: tasks run in order, each after the one before. A failed
   * task fails the ones after it, and the failure reaches the caller at its next wait (the import's
   * transaction then rolls back).
   */
  private async enqueue(task: () => Promise<unknown>): Promise<void> {
    const done = this.queue.then(task);
    done.catch(() => undefined); // reported through drain()
    this.queue = done;
    this.queued.push(done);
    await this.drain(MAX_QUEUED);
  }

  /** Waits until at most `room` tasks are queued. */
  private async drain(room: number): Promise<void> {
    while (this.queued.length > room) await this.queued.shift();
  }
}

const ORDER_TYPES: StagedType[] = ['bigint', 'text', 'text', 'text', 'text', 'timestamptz', 'text', 'timestamptz', 'text',
  'numeric', 'numeric', 'numeric', 'numeric', 'text', 'text', 'timestamptz'];
const LINE_TYPES: StagedType[] = ['bigint', 'text', 'text', 'text', 'text', 'text', 'int', 'numeric', 'numeric', 'numeric', 'int'];

/** A stage_orders row, columns in the table's order. */
function orderRow(seq: number, order: OrderRecord, updatedAt: string): StagedValue[] {
  return [
    seq, order.orderId, order.name, order.customerId, order.customerEmail ?? null, order.createdAt.toISOString(),
    order.financialStatus, order.cancelledAt ? order.cancelledAt.toISOString() : null, order.currency, order.subtotal,
    order.totalDiscounts, order.totalPrice, order.totalRefunded, arrayLiteral(order.discountCodes), order.shippingCountry,
    updatedAt,
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

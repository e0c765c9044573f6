import type { SqlExecutor } from '../../store/sql-executor';

/**
 * The SQL that moves one chunk of a bulk orders export from the staging tables into the store, inside the
 * import's transaction (see BulkOrderLoad, which stages the chunks and merges each in turn). A chunk holds
 * the orders of a stretch of the file and the line items that came in that stretch. Shopify writes a child
 * somewhere after its parent, so a chunk's lines mostly belong to its own orders; the few whose order was
 * merged with an earlier chunk ("late" lines) are appended to it and its sums adjusted, which gives the
 * rows a whole-file merge would give. Guest orders (no customer, an email) are set aside, lines included,
 * for the store writer at the end: it matches them to customers by email.
 *
 * A chunk's dozen statements run as one call of a temporary PL/pgSQL function: the connection then waits
 * for the process once per chunk, not once per statement, while the process is busy parsing the next one.
 */
export const STAGING_TABLES = [
  `CREATE TEMP TABLE stage_orders (
     seq bigint, order_id text, name text, customer_id text, email text, created_at timestamptz,
     financial_status text, cancelled_at timestamptz, currency text, subtotal numeric, total_discounts numeric,
     total_price numeric, total_refunded numeric, discount_codes text, shipping_country text, updated_at timestamptz
   ) ON COMMIT DROP`,
  `CREATE TEMP TABLE stage_lines (
     seq bigint, order_id text, product_id text, sku text, title text, product_type text, quantity int,
     price numeric, compare_at_price numeric, discount_amount numeric, full_price_quantity int
   ) ON COMMIT DROP`,
  `CREATE TEMP TABLE guest_orders (LIKE stage_orders) ON COMMIT DROP`,
  `CREATE TEMP TABLE guest_lines (LIKE stage_lines) ON COMMIT DROP`,
  `CREATE TEMP TABLE late_lines (LIKE stage_lines) ON COMMIT DROP`,
  // The chunk's orders this import wrote, and whether each replaced a stored one.
  `CREATE TEMP TABLE chunk_written (order_id text, replaced boolean) ON COMMIT DROP`,
  // Each buyer's first order in the file (by seq), for the stub customers written at the end.
  `CREATE TEMP TABLE stage_buyers (customer_id text, country text, seq bigint) ON COMMIT DROP`,
  // In the session's own schema, so replaced rather than created: a pooled connection may hold it already.
  `CREATE OR REPLACE FUNCTION pg_temp.merge_bulk_order_chunk(p_shop int, p_import text, p_late text[])
   RETURNS void LANGUAGE plpgsql AS $merge$
   BEGIN
     INSERT INTO guest_orders SELECT * FROM stage_orders WHERE customer_id IS NULL;
     INSERT INTO guest_lines SELECT l.* FROM stage_lines l WHERE l.order_id IN (SELECT order_id FROM guest_orders);

     -- Order-safe, as the webhooks are (webhooks/versioned-store-writer.ts): a stored version newer than the
     -- export's (a webhook applied while Shopify exported) stays, lines included.
     -- Per-order figures follow segmentation/core/order-lines.ts: a line's own full-price test was applied
     -- when it was staged; a discount code on the order zeroes its full-price units, as the store writer's
     -- SQL does; categories are the distinct product types sorted by code point, as JavaScript sorts them.
     WITH written AS (
     INSERT INTO orders (shop_id, order_id, name, customer_id, created_at, financial_status, cancelled_at, currency,
                         subtotal, total_discounts, total_price, total_refunded, discount_codes, shipping_country,
                         item_quantity, full_price_quantity, categories, import_id, updated_at, source_updated_at)
     SELECT p_shop, s.order_id, s.name, s.customer_id, s.created_at, s.financial_status, s.cancelled_at, s.currency,
            s.subtotal, s.total_discounts, s.total_price, s.total_refunded,
            s.discount_codes::text[], s.shipping_country,
            coalesce(l.units, 0),
            CASE WHEN s.discount_codes <> '{}' THEN 0 ELSE coalesce(l.full_price_units, 0) END,
            coalesce(l.categories, '{}'), p_import, now(), s.updated_at
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
       import_id = EXCLUDED.import_id, updated_at = now(), source_updated_at = EXCLUDED.source_updated_at
     WHERE orders.source_updated_at IS NULL OR orders.source_updated_at <= EXCLUDED.source_updated_at
     -- xmax is 0 on a row just inserted, the updating transaction's id on one replaced.
     RETURNING order_id, xmax <> 0)
     INSERT INTO chunk_written SELECT * FROM written;

     -- A replaced order's lines go (usually none: a shop's first import inserts).
     IF EXISTS (SELECT 1 FROM chunk_written WHERE replaced) THEN
       ANALYZE chunk_written;
       DELETE FROM order_lines l USING chunk_written w WHERE l.shop_id = p_shop AND l.order_id = w.order_id AND w.replaced;
     END IF;

     -- Lines of the orders written, numbered from 1 in file order.
     INSERT INTO order_lines (shop_id, order_id, line_no, product_id, sku, title, product_type, quantity, price,
                              compare_at_price, discount_amount)
     SELECT p_shop, l.order_id, row_number() OVER (PARTITION BY l.order_id ORDER BY l.seq), l.product_id, l.sku, l.title,
            l.product_type, l.quantity, l.price, l.compare_at_price, l.discount_amount
     FROM stage_lines l JOIN chunk_written w ON w.order_id = l.order_id;

     -- A product's launch is its first sale: the earliest order of this import (or before) that has it.
     INSERT INTO product_launches (shop_id, product_id, first_sold_at)
     SELECT p_shop, l.product_id, min(s.created_at)
     FROM stage_lines l JOIN stage_orders s ON s.order_id = l.order_id AND s.customer_id IS NOT NULL
     WHERE l.product_id IS NOT NULL GROUP BY l.product_id
     ON CONFLICT (shop_id, product_id) DO UPDATE SET first_sold_at = least(product_launches.first_sold_at, EXCLUDED.first_sold_at);

     -- Late lines: p_late names their orders, so each statement reaches them through the primary key.
     IF cardinality(p_late) > 0 THEN
       INSERT INTO late_lines SELECT * FROM stage_lines WHERE order_id = ANY (p_late);
       DELETE FROM late_lines l WHERE NOT EXISTS (
         SELECT 1 FROM orders o WHERE o.shop_id = p_shop AND o.order_id = ANY (p_late) AND o.order_id = l.order_id
                                  AND o.import_id = p_import);
       -- After the lines their order already has (its earlier lines came with earlier chunks).
       INSERT INTO order_lines (shop_id, order_id, line_no, product_id, sku, title, product_type, quantity, price,
                                compare_at_price, discount_amount)
       SELECT p_shop, l.order_id,
              coalesce((SELECT max(x.line_no) FROM order_lines x WHERE x.shop_id = p_shop AND x.order_id = l.order_id), 0)
                + row_number() OVER (PARTITION BY l.order_id ORDER BY l.seq),
              l.product_id, l.sku, l.title, l.product_type, l.quantity, l.price, l.compare_at_price, l.discount_amount
       FROM late_lines l;
       UPDATE orders o SET
         item_quantity = o.item_quantity + a.units,
         full_price_quantity = CASE WHEN o.discount_codes <> '{}' THEN 0 ELSE o.full_price_quantity + a.full_price_units END,
         categories = coalesce((SELECT array_agg(DISTINCT c COLLATE "C" ORDER BY c COLLATE "C")
                                FROM unnest(o.categories || a.categories) AS c), '{}')
       FROM (SELECT order_id, sum(quantity)::int AS units, sum(full_price_quantity)::int AS full_price_units,
                    coalesce(array_agg(product_type) FILTER (WHERE product_type IS NOT NULL), '{}') AS categories
             FROM late_lines GROUP BY order_id) a
       WHERE o.shop_id = p_shop AND o.order_id = ANY (p_late) AND o.order_id = a.order_id;
       INSERT INTO product_launches (shop_id, product_id, first_sold_at)
       SELECT p_shop, l.product_id, min(o.created_at)
       FROM late_lines l JOIN orders o ON o.shop_id = p_shop AND o.order_id = ANY (p_late) AND o.order_id = l.order_id
       WHERE l.product_id IS NOT NULL GROUP BY l.product_id
       ON CONFLICT (shop_id, product_id) DO UPDATE SET first_sold_at = least(product_launches.first_sold_at, EXCLUDED.first_sold_at);
       TRUNCATE late_lines;
     END IF;

     INSERT INTO stage_buyers SELECT DISTINCT ON (customer_id) customer_id, shipping_country, seq FROM stage_orders
     WHERE customer_id IS NOT NULL ORDER BY customer_id, seq;
     TRUNCATE stage_orders, stage_lines, chunk_written;
   END
   $merge$`,
];

/**
 * Merges the staged chunk. `lateOrderIds` are the orders, not in this chunk, that some of its lines belong
 * to (the loader knows them as it reads).
 */
export async function mergeChunk(db: SqlExecutor, shopId: number, importId: string, lateOrderIds: string[]): Promise<void> {
  await db.query(`SELECT pg_temp.merge_bulk_order_chunk($1, $2, $3::text[])`, [shopId, importId, lateOrderIds]);
}

/** After the last chunk, once customers are written: buyers the customers export did not list (usually none). */
export async function insertStubBuyers(db: SqlExecutor, shopId: number): Promise<void> {
  await db.query(
    `INSERT INTO customers (shop_id, customer_id, country)
     SELECT DISTINCT ON (customer_id) $1::int, customer_id, country FROM stage_buyers b
     WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.shop_id = $1 AND c.customer_id = b.customer_id)
     ORDER BY customer_id, seq
     ON CONFLICT (shop_id, customer_id) DO NOTHING`,
    [shopId],
  );
}

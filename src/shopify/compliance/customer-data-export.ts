import type { SqlExecutor } from '../../store/sql-executor';
import { hasColumn, perCustomerTables, perOrderTables, quoted, schemaTables } from './schema-tables';

/** Everything the service stores about one customer, for the merchant to hand over (customers/data_request). */
export interface CustomerDataDocument {
  shop: string;
  customerId: string;
  generatedAt: string;
  /** Rows by table; every table that holds something about the customer, and only those. */
  tables: Record<string, Record<string, unknown>[]>;
}

/** Tables about the service's own bookkeeping of requests, not about the customer. */
const NOT_EXPORTED = new Set(['compliance_requests']);

/**
 * Builds the customer's document from every table keyed by (shop_id, customer_id), found in the schema, plus
 * rows that hang on the customer's orders (lines, refunds) and checkouts left under the customer's email.
 * Also covers the placeholder customer an orders export created for the customer's email address.
 */
export async function exportCustomerData(
  db: SqlExecutor,
  shop: { id: number; domain: string },
  customerId: string,
  now = new Date(),
): Promise<CustomerDataDocument> {
  const tables = await schemaTables(db);
  const ids = await customerKeys(db, shop.id, customerId);
  const emails = await customerEmails(db, shop.id, ids);
  const document: CustomerDataDocument = { shop: shop.domain, customerId, generatedAt: now.toISOString(), tables: {} };
  for (const table of perCustomerTables(tables)) {
    if (NOT_EXPORTED.has(table.name)) continue;
    const byEmail = hasColumn(table, 'email') ? ` OR lower(email) = ANY($3::text[])` : '';
    const rows = await db.query(
      `SELECT * FROM ${quoted(table.name)} WHERE shop_id = $1 AND (customer_id = ANY($2::text[])${byEmail})`,
      byEmail ? [shop.id, ids, emails] : [shop.id, ids],
    );
    if (rows.length > 0) document.tables[table.name] = rows;
  }
  const orderIds = (document.tables.orders ?? []).map((order) => String(order.order_id));
  if (orderIds.length > 0) {
    for (const table of perOrderTables(tables)) {
      const rows = await db.query(`SELECT * FROM ${quoted(table.name)} WHERE shop_id = $1 AND order_id = ANY($2::text[])`, [
        shop.id,
        orderIds,
      ]);
      if (rows.length > 0) document.tables[table.name] = rows;
    }
  }
  return document;
}

/**
 * The keys the customer's rows may carry: the Shopify id, and `email:<address>`, the placeholder an orders
 * export (which has no customer ids) created for the customer's email before the customer was known.
 */
export async function customerKeys(db: SqlExecutor, shopId: number, customerId: string, email: string | null = null): Promise<string[]> {
  const rows: { email: string | null }[] = await db.query(
    `SELECT email FROM customers WHERE shop_id = $1 AND customer_id = $2`,
    [shopId, customerId],
  );
  const addresses = new Set([rows[0]?.email, email].filter((value): value is string => !!value).map((value) => value.toLowerCase()));
  return [customerId, ...[...addresses].map((address) => `email:${address}`)];
}

async function customerEmails(db: SqlExecutor, shopId: number, ids: string[]): Promise<string[]> {
  const rows: { email: string }[] = await db.query(
    `SELECT DISTINCT lower(email) AS email FROM customers WHERE shop_id = $1 AND customer_id = ANY($2::text[]) AND email IS NOT NULL`,
    [shopId, ids],
  );
  return rows.map((row) => row.email);
}

import type { SqlExecutor } from '../../store/sql-executor';
import { customerKeys } from './customer-data-export';
import { hasColumn, perCustomerTables, quoted, schemaTables, textColumns } from './schema-tables';

export interface ErasureSubject {
  customerId: string;
  email: string | null;
  phone: string | null;
  /** Orders to detach from the customer besides those that name the customer. */
  orderIds: string[];
}

/** Rows erased (or detached, for orders) per table. No personal data: fit for the audit row. */
export type RowsByTable = Record<string, number>;

export class PersonalDataRemainsError extends Error {
  constructor(shopDomain: string, tables: string[]) {
    super(`customers/redact for ${shopDomain}: the customer's email or phone is still in ${tables.join(', ')}`);
    this.name = 'PersonalDataRemainsError';
  }
}

/**
 * Erases one customer: every row of every per-customer table (found in the schema, so tables added later are
 * covered) under the customer's id or email placeholder, checkouts left under the customer's email, and the
 * customer's link from orders, which stay as anonymous sales so the shop's figures keep adding up.
 * With `inboxShopDomain`, webhook payloads still holding the customer are dropped too; with `verify`, every
 * text column of the shop's rows is then scanned for the email and phone, and any hit fails the erasure
 * (rolled back by the caller, retried, eventually reported): it never claims success it did not achieve.
 */
export async function eraseCustomer(
  db: SqlExecutor,
  shop: { id: number; domain: string },
  subject: ErasureSubject,
  options: { scrubInbox?: boolean; verify?: boolean } = {},
): Promise<RowsByTable> {
  const stored: { email: string | null; phone: string | null }[] = await db.query(
    `SELECT email, phone FROM customers WHERE shop_id = $1 AND customer_id = $2`,
    [shop.id, subject.customerId],
  );
  const emails = distinct([subject.email, stored[0]?.email].map((email) => email?.toLowerCase() ?? null));
  const phones = distinct([subject.phone, stored[0]?.phone]);
  const keys = distinct([...(await customerKeys(db, shop.id, subject.customerId, subject.email)), ...emails.map((email) => `email:${email}`)]);
  const erased: RowsByTable = {};
  const tables = await schemaTables(db);

  const detached = await count(
    db,
    `UPDATE orders SET customer_id = NULL, updated_at = now()
     WHERE shop_id = $1 AND (customer_id = ANY($2::text[]) OR order_id = ANY($3::text[])) AND customer_id IS NOT NULL`,
    [shop.id, keys, subject.orderIds],
  );
  if (detached > 0) erased.orders = detached;

  for (const table of perCustomerTables(tables)) {
    if (table.name === 'orders') continue;
    const byEmail = hasColumn(table, 'email') ? ` OR lower(email) = ANY($3::text[])` : '';
    const rows = await count(
      db,
      `DELETE FROM ${quoted(table.name)} WHERE shop_id = $1 AND (customer_id = ANY($2::text[])${byEmail})`,
      byEmail ? [shop.id, keys, emails] : [shop.id, keys],
    );
    if (rows > 0) erased[table.name] = rows;
  }

  if (options.scrubInbox) {
    const scrubbed = await count(
      db,
      `UPDATE webhook_inbox SET payload = NULL,
              status = CASE WHEN status = 'failed' THEN 'redacted' ELSE status END
       WHERE shop_domain = $1 AND payload IS NOT NULL AND (
         payload->'customer'->>'id' = $2
         OR (topic LIKE 'customers/%' AND payload->>'id' = $2)
         OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS needle WHERE strpos(lower(payload::text), needle) > 0))`,
      [shop.domain, subject.customerId, [...emails, ...phones.map((phone) => phone.toLowerCase())]],
    );
    if (scrubbed > 0) erased.webhook_inbox = scrubbed;
  }

  if (options.verify) {
    const remaining = await tablesMentioning(db, shop, [...emails, ...phones.map((phone) => phone.toLowerCase())]);
    if (remaining.length > 0) throw new PersonalDataRemainsError(shop.domain, remaining);
  }
  return erased;
}

/**
 * The shop's tables (by shop_id or shop_domain) where any text column holds one of the needles (lower case).
 * Reads every text, varchar, array and jsonb column: a scan, fine for a rare erasure.
 */
export async function tablesMentioning(db: SqlExecutor, shop: { id: number; domain: string }, needles: string[]): Promise<string[]> {
  if (needles.length === 0) return [];
  const found: string[] = [];
  for (const table of await schemaTables(db)) {
    const columns = textColumns(table);
    const scope = hasColumn(table, 'shop_id') ? 'shop_id' : hasColumn(table, 'shop_domain') ? 'shop_domain' : null;
    if (!scope || columns.length === 0) continue;
    const text = `lower(concat_ws(' ', ${columns.map((column) => `${quoted(column)}::text`).join(', ')}))`;
    const [row]: { hit: boolean }[] = await db.query(
      `SELECT EXISTS (SELECT 1 FROM ${quoted(table.name)} WHERE ${scope} = $1
         AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS needle WHERE strpos(${text}, needle) > 0)) AS hit`,
      [scope === 'shop_id' ? shop.id : shop.domain, needles],
    );
    if (row.hit) found.push(table.name);
  }
  return found;
}

async function count(db: SqlExecutor, statement: string, parameters: unknown[]): Promise<number> {
  const [row]: { n: number }[] = await db.query(`WITH changed AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM changed`, parameters);
  return row.n;
}

function distinct(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => !!value))];
}

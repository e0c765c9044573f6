import type { SqlExecutor } from '../../store/sql-executor';

/**
 * The tables of the current schema as privacy work needs them, read from information_schema every time:
 * a table another module adds later (a sync ledger, a send log) is covered without anyone remembering to
 * register it here.
 */
export interface SchemaTable {
  name: string;
  columns: { name: string; type: string }[];
}

/** Column types whose values can hold an email, phone, name or address. */
const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY', 'USER-DEFINED']);

export async function schemaTables(db: SqlExecutor): Promise<SchemaTable[]> {
  const rows: { table_name: string; column_name: string; data_type: string }[] = await db.query(
    `SELECT c.table_name, c.column_name, c.data_type
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, SchemaTable>();
  for (const row of rows) {
    const table = tables.get(row.table_name) ?? { name: row.table_name, columns: [] };
    table.columns.push({ name: row.column_name, type: row.data_type });
    tables.set(row.table_name, table);
  }
  return [...tables.values()];
}

export function hasColumn(table: SchemaTable, column: string): boolean {
  return table.columns.some((candidate) => candidate.name === column);
}

export function textColumns(table: SchemaTable): string[] {
  return table.columns.filter((column) => TEXT_TYPES.has(column.type)).map((column) => column.name);
}

/** A table or column name from information_schema, quoted for SQL. */
export function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Tables keyed by shop and customer: every row in them is about one customer. */
export function perCustomerTables(tables: SchemaTable[]): SchemaTable[] {
  return tables.filter((table) => hasColumn(table, 'shop_id') && hasColumn(table, 'customer_id'));
}

/** Tables keyed by shop and order without a customer column (order lines, refunds): reached through orders. */
export function perOrderTables(tables: SchemaTable[]): SchemaTable[] {
  return tables.filter(
    (table) => table.name !== 'orders' && hasColumn(table, 'shop_id') && hasColumn(table, 'order_id') && !hasColumn(table, 'customer_id'),
  );
}

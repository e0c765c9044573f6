import type { SqlExecutor } from '../../store/sql-executor';
import type { RowsByTable } from './customer-erasure';
import { hasColumn, quoted, schemaTables } from './schema-tables';

/**
 * shop/redact: every row of the shop in every table keyed by shop_id (found in the schema), its webhook
 * deliveries except the one being applied (kept, without payload, as the replay guard), then the shop itself.
 * Tables are emptied in passes inside savepoints, so a table another one references (without a cascade) is
 * emptied after its dependents, whatever order the schema lists them in.
 */
export async function eraseShop(db: SqlExecutor, shop: { id: number; domain: string }, keepInboxId: string | null): Promise<RowsByTable> {
  const erased: RowsByTable = {};
  let pending = (await schemaTables(db)).filter((table) => table.name !== 'shops' && hasColumn(table, 'shop_id'));
  while (pending.length > 0) {
    const blocked: typeof pending = [];
    for (const table of pending) {
      await db.query(`SAVEPOINT erase_shop_table`);
      try {
        const [row]: { n: number }[] = await db.query(
          `WITH gone AS (DELETE FROM ${quoted(table.name)} WHERE shop_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone`,
          [shop.id],
        );
        await db.query(`RELEASE SAVEPOINT erase_shop_table`);
        if (row.n > 0) erased[table.name] = row.n;
      } catch (error) {
        await db.query(`ROLLBACK TO SAVEPOINT erase_shop_table`);
        // 23503: another table's rows still reference these; try again after the others.
        if ((error as { code?: string }).code !== '23503') throw error;
        blocked.push(table);
      }
    }
    if (blocked.length === pending.length) {
      throw new Error(`shop/redact for ${shop.domain}: rows of ${blocked.map((table) => table.name).join(', ')} are still referenced`);
    }
    pending = blocked;
  }
  const [inbox]: { n: number }[] = await db.query(
    `WITH gone AS (DELETE FROM webhook_inbox WHERE shop_domain = $1 AND id IS DISTINCT FROM $2::bigint RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [shop.domain, keepInboxId],
  );
  if (inbox.n > 0) erased.webhook_inbox = inbox.n;
  await db.query(`UPDATE webhook_inbox SET payload = NULL WHERE id = $1::bigint`, [keepInboxId]);
  await db.query(`DELETE FROM shops WHERE id = $1`, [shop.id]);
  erased.shops = 1;
  return erased;
}

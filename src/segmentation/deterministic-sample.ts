import type { SqlExecutor } from '../store/sql-executor';

const HASH_RANGE = 2 ** 32;

/**
 * The same customers every time for the same data: the `size` rows of a run table with the smallest
 * md5(customer_id). Sorting a million hashes costs seconds, so rows are first kept only when the leading 32
 * bits of their hash fall under a bound that should keep a quarter more than needed; every row with a
 * smaller hash than a kept row is kept too, so the result is exactly that of sorting everything. When too
 * few rows pass (unlucky hashes), the bound is lifted and everything is sorted.
 *
 * `table` and `columns` are the caller's own identifiers, never user input.
 */
export async function deterministicSample<T>(
  db: SqlExecutor,
  table: string,
  columns: string,
  size: number,
  population: number,
): Promise<T[]> {
  const query = (bound: number) =>
    db.query<T[]>(
      `SELECT ${columns} FROM ${table}
       WHERE ('x' || left(md5(customer_id), 8))::bit(32)::bigint < $2
       ORDER BY md5(customer_id), customer_id LIMIT $1`,
      [size, bound],
    );
  const bound = Math.min(HASH_RANGE, Math.ceil((1.25 * size * HASH_RANGE) / Math.max(1, population)));
  const rows = await query(bound);
  if (rows.length >= size || bound >= HASH_RANGE) return rows;
  return query(HASH_RANGE);
}

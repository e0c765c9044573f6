import type { SqlExecutor } from '../store/sql-executor';

const HASH_MIN = -(2n ** 63n);
const HASH_MAX = 2n ** 63n - 1n;

/**
 * The same customers every time for the same data: the `size` rows of a run table with the smallest
 * 64-bit hash of customer_id (hashtextextended, seed 0: the same on the embedded database and a server; md5
 * cost ten times as much, a second per million rows). Sorting a million hashes costs seconds, so rows are
 * first kept only when their hash is at most a bound that should keep a quarter more than needed; every row
 * with a smaller hash than a kept row is kept too, so the result is exactly that of sorting everything. When
 * too few rows pass (unlucky hashes), the bound is lifted and everything is sorted.
 *
 * `table` and `columns` are the caller's own identifiers, never user input; `where` narrows the table to the
 * rows sampled from, with placeholders from $3.
 */
export async function deterministicSample<T>(
  db: SqlExecutor,
  table: string,
  columns: string,
  size: number,
  population: number,
  where: { sql: string; parameters: unknown[] } = { sql: 'true', parameters: [] },
): Promise<T[]> {
  const query = (bound: bigint) =>
    db.query<T[]>(
      `SELECT ${columns} FROM ${table}
       WHERE ${where.sql} AND hashtextextended(customer_id, 0) <= $2::bigint
       ORDER BY hashtextextended(customer_id, 0), customer_id LIMIT $1`,
      [size, bound.toString(), ...where.parameters],
    );
  const share = (1.25 * size) / Math.max(1, population);
  // share · 2^64 above the smallest hash, in steps of 2^11 so the product stays an exact integer.
  const bound = share >= 1 ? HASH_MAX : HASH_MIN + BigInt(Math.ceil(share * 2 ** 53)) * 2n ** 11n;
  const rows = await query(bound);
  if (rows.length >= size || bound === HASH_MAX) return rows;
  return query(HASH_MAX);
}

/**
 * Anything that runs parameterised SQL: a TypeORM DataSource, EntityManager or QueryRunner. Repositories
 * take one so the same code runs inside or outside a caller's transaction.
 */
export interface SqlExecutor {
  query<T = any>(sql: string, parameters?: unknown[]): Promise<T>;
}

/**
 * Settings for statements that sort and hash a row per customer, a million rows at a time, for the rest
 * of the caller's transaction (SET LOCAL: call it inside one). Spilling those sorts and hashes to disk
 * triples their time, and a million-row estimate crosses the JIT thresholds, whose compiling costs more
 * than it saves on these one-pass statements.
 */
export async function settingsForLargeSets(db: SqlExecutor): Promise<void> {
  await db.query(`SET LOCAL work_mem = '256MB'`);
  await db.query(`SET LOCAL jit = off`);
}

/**
 * Anything that runs parameterised SQL: a TypeORM DataSource, EntityManager or QueryRunner. Repositories
 * take one so the same code runs inside or outside a caller's transaction.
 */
export interface SqlExecutor {
  query<T = any>(sql: string, parameters?: unknown[]): Promise<T>;
}

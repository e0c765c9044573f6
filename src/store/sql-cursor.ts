import type { DataSource } from 'typeorm';
import type { SqlExecutor } from './sql-executor';

let declared = 0;

/**
 * A statement's rows read page by page through a server-side cursor, so a million rows never sit in the
 * process at once and the first page arrives before the last row is found.
 */
export class SqlCursor<T> {
  private constructor(
    private readonly session: SqlExecutor,
    private readonly name: string,
  ) {}

  /** A cursor inside the caller's open transaction on `session` (a query runner or an entity manager). */
  static async declare<T>(session: SqlExecutor, sql: string, parameters: unknown[]): Promise<SqlCursor<T>> {
    const name = nextName();
    await session.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, parameters);
    return new SqlCursor<T>(session, name);
  }

  /**
   * A cursor that outlives its transaction, on a database of one connection (the embedded one), where every
   * query reaches the session that holds it and a transaction left open would take in everyone's
   * statements. The server runs the statement to the end when the transaction commits and keeps its rows.
   * `prepare` runs first in that transaction (settings).
   */
  static async declareHeld<T>(
    db: DataSource,
    sql: string,
    parameters: unknown[],
    prepare: (session: SqlExecutor) => Promise<void> = async () => undefined,
  ): Promise<SqlCursor<T>> {
    const name = nextName();
    await db.transaction(async (manager) => {
      await prepare(manager);
      await manager.query(`DECLARE ${name} NO SCROLL CURSOR WITH HOLD FOR ${sql}`, parameters);
    });
    return new SqlCursor<T>(db, name);
  }

  /** The next rows, at most `pageSize`; none once the statement is exhausted. */
  fetch(pageSize: number): Promise<T[]> {
    return this.session.query(`FETCH ${Math.trunc(pageSize)} FROM ${this.name}`);
  }

  async close(): Promise<void> {
    await this.session.query(`CLOSE ${this.name}`);
  }
}

/** Cursor names are ours, never data: unique in the process, so a cursor left open never blocks the next. */
function nextName(): string {
  declared += 1;
  return `sql_cursor_${declared}`;
}

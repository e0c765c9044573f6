import type { DataSource, QueryRunner } from 'typeorm';
import { poolSizeOf } from '../database/pool-size';
import type { SqlExecutor } from '../store/sql-executor';

/**
 * The connection a segment run holds from its start to its end. The run's work is several transactions on it
 * (and on a second connection when the pool spares one), so its locks are session locks on this connection:
 * they last across the transactions, and die with the connection if the process does.
 */
export class RunConnection {
  private closed = false;

  private constructor(private readonly runner: QueryRunner) {}

  static async open(pool: DataSource): Promise<RunConnection> {
    const runner = pool.createQueryRunner();
    await runner.connect();
    return new RunConnection(runner);
  }

  /** Statements outside a transaction: each commits by itself. */
  get db(): SqlExecutor {
    return this.runner;
  }

  /** Work in a transaction of this connection: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (db: SqlExecutor) => Promise<T>): Promise<T> {
    await this.runner.startTransaction();
    try {
      const result = await work(this.runner);
      await this.runner.commitTransaction();
      return result;
    } catch (error) {
      if (this.runner.isTransactionActive) await this.runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  /** Lets go of the run's session locks and gives the connection back to the pool; once only. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.runner.query(`SELECT pg_advisory_unlock_all()`);
    } catch {
      // A lost connection has lost its locks with it.
    } finally {
      await this.runner.release();
    }
  }
}

/**
 * Connections of each pool held by the runs of this process: one per run in progress (its RunConnection),
 * one more while a run works on a second connection. A run takes a second connection only when the pool has one
 * that no run holds, so runs never all hold a connection while each waits for a second (a pool of 4 and 8
 * runs at once hung for good before this).
 */
export const runConnections = {
  held: new WeakMap<DataSource, number>(),
  async whileHeld<T>(pool: DataSource, work: () => Promise<T>): Promise<T> {
    this.take(pool);
    try {
      return await work();
    } finally {
      this.release(pool);
    }
  },
  take(pool: DataSource): void {
    this.held.set(pool, (this.held.get(pool) ?? 0) + 1);
  },
  release(pool: DataSource): void {
    this.held.set(pool, (this.held.get(pool) ?? 1) - 1);
  },
  /**
   * `besideIt` when the pool has a connection that no run holds (counted as held while it runs), else `alone`:
   * the work a run does on a second connection, or the same work on its own connection only.
   */
  async withSpare<T>(pool: DataSource, besideIt: () => Promise<T>, alone: () => Promise<T>): Promise<T> {
    const spare = (this.held.get(pool) ?? 0) < poolSizeOf(pool);
    return spare ? this.whileHeld(pool, besideIt) : alone();
  },
};

import type { DataSource } from 'typeorm';
import type { CredentialCipher } from '../../shops/credential-cipher';
import { WebhookApplier } from './webhook-applier';
import { WebhookInboxRepository, type InboxFailure } from './webhook-inbox.repository';

export interface WorkerOptions {
  /** Deliveries claimed per transaction. Small enough that one transaction never holds the embedded database long. */
  batchSize?: number;
  /** The periodic sweep: retries come due and deliveries another replica left behind get picked up. */
  sweepMs?: number;
  log?: { warn(message: string): void; error(message: string): void };
}

export interface BatchResult {
  claimed: number;
  applied: number;
  failed: number;
}

/**
 * Applies inbox deliveries after they were acknowledged: woken after each intake and by a periodic sweep.
 * Each batch is one transaction over rows claimed FOR UPDATE SKIP LOCKED (replicas share the inbox); each
 * delivery is applied inside a savepoint, so one that fails is rolled back alone and retried later with
 * backoff, while the others commit. A crash mid-batch leaves its rows pending: nothing is lost.
 */
export class WebhookWorker {
  private readonly batchSize: number;
  private readonly sweepMs: number;
  private running: Promise<void> | null = null;
  private again = false;
  /** Not started, or stopped: wake() does nothing. */
  private stopped = true;
  /** stop() was called: a drain in progress ends after its current batch. */
  private stopping = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: CredentialCipher | null,
    private readonly options: WorkerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 50;
    this.sweepMs = options.sweepMs ?? 5_000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = false;
    this.timer = setInterval(() => this.wake(), this.sweepMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops waking and waits for the batch in progress, so the database can close under it. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.running) await this.running;
  }

  /** Something arrived: drain the inbox now, or right after the drain in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.drainQuietly().finally(() => {
      this.running = null;
      if (this.again) this.wake();
    });
  }

  /** Applies due deliveries until none is left. */
  async drain(): Promise<BatchResult> {
    const total: BatchResult = { claimed: 0, applied: 0, failed: 0 };
    for (;;) {
      const batch = await this.applyBatch();
      total.claimed += batch.claimed;
      total.applied += batch.applied;
      total.failed += batch.failed;
      if (batch.claimed < this.batchSize || this.stopping) return total;
    }
  }

  async applyBatch(): Promise<BatchResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const inbox = new WebhookInboxRepository(runner);
      const rows = await inbox.claim(this.batchSize);
      const applier = new WebhookApplier(runner, this.cipher);
      const applied: string[] = [];
      const failures: InboxFailure[] = [];
      for (const row of rows) {
        await runner.query(`SAVEPOINT delivery`);
        try {
          await applier.apply(row);
          await runner.query(`RELEASE SAVEPOINT delivery`);
          applied.push(row.id);
        } catch (error) {
          await runner.query(`ROLLBACK TO SAVEPOINT delivery`);
          const reason = `${row.topic} ${row.webhook_id}: ${(error as Error).message}`.slice(0, 1000);
          failures.push({ id: row.id, error: reason });
          this.options.log?.warn(`webhook not applied (attempt ${row.attempts + 1}), will retry: ${reason}`);
        }
      }
      await inbox.markApplied(applied);
      await inbox.markFailedAttempts(failures);
      await runner.commitTransaction();
      return { claimed: rows.length, applied: applied.length, failed: failures.length };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async drainQuietly(): Promise<void> {
    try {
      await this.drain();
    } catch (error) {
      // The database is unreachable or closing: the rows stay pending and the next sweep tries again.
      if (!this.stopping) this.options.log?.error(`webhook worker: ${(error as Error).message}`);
    }
  }
}

import type { DataSource } from 'typeorm';
import type { CredentialCipher } from '../../shops/credential-cipher';
import type { SqlExecutor } from '../../store/sql-executor';
import { WebhookApplier, type PreparedDelivery, type UpsertKind } from './webhook-applier';
import { WebhookInboxRepository, type InboxFailure, type InboxRow } from './webhook-inbox.repository';

export interface WorkerOptions {
  /** Deliveries claimed per transaction. Small enough that one transaction never holds the embedded database long. */
  batchSize?: number;
  /** The periodic sweep: retries come due and deliveries another replica left behind get picked up. */
  sweepMs?: number;
  /** How long a wake waits to gather more deliveries into the batch. */
  wakeDelayMs?: number;
  log?: { warn(message: string): void; error(message: string): void };
}

export interface BatchResult {
  claimed: number;
  applied: number;
  failed: number;
}

/**
 * Applies inbox deliveries after they were acknowledged: woken after each intake and by a periodic sweep.
 * Each batch is one transaction over rows claimed FOR UPDATE SKIP LOCKED (replicas share the inbox);
 * deliveries are applied inside savepoints, so one that fails is rolled back alone and retried later with
 * backoff, while the others commit. A crash mid-batch leaves its rows pending: nothing is lost.
 */
export class WebhookWorker {
  private readonly batchSize: number;
  private readonly sweepMs: number;
  private readonly wakeDelayMs: number;
  private running: Promise<void> | null = null;
  private scheduled: NodeJS.Timeout | null = null;
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
    this.batchSize = options.batchSize ?? 100;
    this.sweepMs = options.sweepMs ?? 5_000;
    this.wakeDelayMs = options.wakeDelayMs ?? 20;
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
    if (this.scheduled) clearTimeout(this.scheduled);
    this.timer = null;
    this.scheduled = null;
    while (this.running) await this.running;
  }

  /**
   * Something arrived: drain the inbox shortly (wakes within `wakeDelayMs` are coalesced, so a busy intake
   * feeds the worker batches rather than single rows), or right after the drain in progress.
   */
  wake(): void {
    if (this.stopped || this.scheduled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.scheduled = setTimeout(() => {
      this.scheduled = null;
      this.again = false;
      this.running = this.drainQuietly().finally(() => {
        this.running = null;
        if (this.again) this.wake();
      });
    }, this.wakeDelayMs);
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
      const outcome = await this.applyRows(runner, rows);
      await inbox.markApplied(outcome.applied);
      await inbox.markFailedAttempts(outcome.failures);
      await runner.commitTransaction();
      return { claimed: rows.length, applied: outcome.applied.length, failed: outcome.failures.length };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * Applies the claimed rows in order. Consecutive record upserts are written together per shop and kind
   * (one set of statements for a hundred orders instead of a hundred sets); a group that fails is rolled
   * back to its savepoint and its rows applied one by one, so only the faulty delivery fails.
   */
  private async applyRows(runner: SqlExecutor, rows: InboxRow[]): Promise<{ applied: string[]; failures: InboxFailure[] }> {
    const applier = new WebhookApplier(runner, this.cipher);
    const applied: string[] = [];
    const failures: InboxFailure[] = [];
    const fail = (row: InboxRow, error: unknown) => {
      const reason = `${row.topic} ${row.webhook_id}: ${(error as Error).message}`.slice(0, 1000);
      failures.push({ id: row.id, error: reason });
      this.options.log?.warn(`webhook not applied (attempt ${row.attempts + 1}), will retry: ${reason}`);
    };
    const one = async (row: InboxRow) => {
      if (await savepoint(runner, () => applier.apply(row), (error) => fail(row, error))) applied.push(row.id);
    };
    const prepared: { row: InboxRow; delivery: PreparedDelivery }[] = [];
    for (const row of rows) {
      try {
        prepared.push({ row, delivery: applier.prepare(row) });
      } catch (error) {
        fail(row, error);
      }
    }
    for (let start = 0; start < prepared.length; ) {
      if (prepared[start].delivery.kind === 'single') {
        await one(prepared[start++].row);
        continue;
      }
      let end = start;
      while (end < prepared.length && prepared[end].delivery.kind !== 'single') end++;
      const groups = new Map<string, { domain: string; kind: UpsertKind; items: typeof prepared }>();
      for (const item of prepared.slice(start, end)) {
        const kind = item.delivery.kind as UpsertKind;
        const key = `${item.row.shop_domain} ${kind}`;
        const group = groups.get(key) ?? { domain: item.row.shop_domain, kind, items: [] };
        group.items.push(item);
        groups.set(key, group);
      }
      for (const { domain, kind, items } of groups.values()) {
        const together = await savepoint(
          runner,
          () => applier.applyUpserts(domain, kind, items.map((item) => item.delivery)),
          () => undefined,
        );
        if (together) applied.push(...items.map((item) => item.row.id));
        else for (const item of items) await one(item.row);
      }
      start = end;
    }
    return { applied, failures };
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

/** Runs the work inside a savepoint: true when it succeeded; rolled back to the savepoint and false otherwise. */
async function savepoint(runner: SqlExecutor, work: () => Promise<void>, onError: (error: unknown) => void): Promise<boolean> {
  await runner.query(`SAVEPOINT delivery`);
  try {
    await work();
    await runner.query(`RELEASE SAVEPOINT delivery`);
    return true;
  } catch (error) {
    await runner.query(`ROLLBACK TO SAVEPOINT delivery`);
    onError(error);
    return false;
  }
}

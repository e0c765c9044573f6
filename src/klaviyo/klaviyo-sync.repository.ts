import { isUniqueViolation } from '../database/database-errors';
import type { SqlExecutor } from '../store/sql-executor';
import type { JobTime } from './core/job-polls';
import { LedgerWrites } from './ledger-writes';
import { APPLY_IMPORT, APPLY_NEW_IMPORT, BUILD_EVENTS, BUILD_SAVED_SEGMENT_EVENTS, EVENT_RUNS } from './klaviyo-sync.sql';

export interface ListRow {
  segmentKey: string;
  listName: string;
  listId: string | null;
  status: 'creating' | 'ready' | 'deferred';
}

export interface SyncRow {
  id: number;
  shopId: number;
  runId: number;
  runNumber: number;
  baseline: boolean;
  eventsCursor: string | null;
}

/** An import job the sync waits for (applying it reads the rest from its recorded row). */
export interface PendingJob {
  jobId: string;
  customerIds: string[];
  /** When Klaviyo accepted it (ms since the epoch); null for a job an earlier sync sent. */
  sentAt: number | null;
  /** Whether none of its customers was in the ledger when the plan was read (false for a job an earlier sync sent). */
  newToLedger: boolean;
}

/** What is recorded of a job as Klaviyo accepts it: besides its profiles, the lists they join and their hashes. */
export interface JobRecord extends PendingJob {
  listKeys: string[];
  hashes: string[];
}

/** A customer leaving lists: a plan row's departure part. */
export interface Departure {
  customer_id: string;
  remove_lists: string[];
  profile_id: string | null;
}

/** Where a sync's events stand: the last sent event's run number, customer and segment entered. */
export type EventCursor = [runNumber: number, customerId: string, segment: string];

export interface EventRow {
  run_id: string;
  run_number: number;
  as_of: Date;
  customer_id: string;
  email: string | null;
  phone: string | null;
  from_group: string | null;
  to_group: string;
  rfm_score: number | null;
}

/** Every statement of the Klaviyo destination's state (see migrations/1764320000000-KlaviyoSync.ts). */
export class KlaviyoSyncRepository {
  /** Import jobs are applied while profile ids are looked up and written: see LedgerWrites. */
  private readonly ledgerWrites = new LedgerWrites();

  constructor(private readonly db: SqlExecutor) {}

  // --- lists -------------------------------------------------------------------------------------------

  async lists(shopId: number): Promise<Map<string, ListRow>> {
    const rows = await this.db.query(
      `SELECT segment_key, list_name, list_id, status FROM klaviyo_lists WHERE shop_id = $1`,
      [shopId],
    );
    return new Map(
      rows.map((row: any) => [
        row.segment_key,
        { segmentKey: row.segment_key, listName: row.list_name, listId: row.list_id, status: row.status },
      ]),
    );
  }

  /** Lists created (or attempted: an intent counts) today, UTC, against the daily cap. */
  async listsCreatedToday(shopId: number): Promise<number> {
    const [row] = await this.db.query(
      `SELECT count(*)::int AS n FROM klaviyo_lists WHERE shop_id = $1 AND created_on = (now() AT TIME ZONE 'UTC')::date`,
      [shopId],
    );
    return row.n;
  }

  /** The intent, written before the list is created: a later attempt looks the name up first. */
  async markListCreating(shopId: number, segmentKey: string, listName: string): Promise<void> {
    await this.db.query(
      `INSERT INTO klaviyo_lists (shop_id, segment_key, list_name, status, created_on)
       VALUES ($1, $2, $3, 'creating', (now() AT TIME ZONE 'UTC')::date)
       ON CONFLICT (shop_id, segment_key) DO UPDATE SET list_name = EXCLUDED.list_name, status = 'creating',
         created_on = EXCLUDED.created_on, updated_at = now()`,
      [shopId, segmentKey, listName],
    );
  }

  async markListReady(shopId: number, segmentKey: string, listName: string, listId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO klaviyo_lists (shop_id, segment_key, list_name, list_id, status) VALUES ($1, $2, $3, $4, 'ready')
       ON CONFLICT (shop_id, segment_key) DO UPDATE SET list_id = EXCLUDED.list_id, status = 'ready', updated_at = now()`,
      [shopId, segmentKey, listName, listId],
    );
  }

  async markListDeferred(shopId: number, segmentKey: string, listName: string): Promise<void> {
    await this.db.query(
      `INSERT INTO klaviyo_lists (shop_id, segment_key, list_name, status) VALUES ($1, $2, $3, 'deferred')
       ON CONFLICT (shop_id, segment_key) DO UPDATE SET status = 'deferred', updated_at = now()
       WHERE klaviyo_lists.status <> 'creating'`,
      [shopId, segmentKey, listName],
    );
  }

  // --- lease -------------------------------------------------------------------------------------------

  /** Takes (or renews) the shop's sync lease for `seconds`; false when another holder's lease still runs. */
  async takeLease(shopId: number, holder: string, seconds: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO klaviyo_sync_leases (shop_id, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (shop_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE klaviyo_sync_leases.holder = EXCLUDED.holder OR klaviyo_sync_leases.expires_at < now()
       RETURNING holder`,
      [shopId, holder, seconds],
    );
    return rows.length > 0;
  }

  async releaseLease(shopId: number, holder: string): Promise<void> {
    await this.db.query(`DELETE FROM klaviyo_sync_leases WHERE shop_id = $1 AND holder = $2`, [shopId, holder]);
  }

  // --- syncs -------------------------------------------------------------------------------------------

  /** The sync a crash left running or an error stopped, if it is the shop's latest. */
  async unfinishedSync(shopId: number): Promise<SyncRow | null> {
    const rows = await this.db.query(
      `SELECT id, shop_id, run_id, run_number, baseline, events_cursor, status FROM klaviyo_syncs
       WHERE shop_id = $1 AND status <> 'abandoned' ORDER BY id DESC LIMIT 1`,
      [shopId],
    );
    return rows.length && rows[0].status !== 'succeeded' ? toSync(rows[0]) : null;
  }

  async markRunning(syncId: number): Promise<void> {
    await this.db.query(`UPDATE klaviyo_syncs SET status = 'running', error = NULL WHERE id = $1`, [syncId]);
  }

  /** The run number of the last sync that finished, or null before the first. */
  async lastSyncedRunNumber(shopId: number): Promise<number | null> {
    const [row] = await this.db.query(
      `SELECT max(run_number) AS n FROM klaviyo_syncs WHERE shop_id = $1 AND status = 'succeeded'`,
      [shopId],
    );
    return row.n === null ? null : Number(row.n);
  }

  /** How long Klaviyo took for the import jobs the shop's last sync saw complete (none before the first). */
  async lastJobTimes(shopId: number): Promise<JobTime[]> {
    const [row] = await this.db.query(
      `SELECT figures -> 'jobTimes' AS times FROM klaviyo_syncs
       WHERE shop_id = $1 AND status = 'succeeded' AND figures ? 'jobTimes' ORDER BY id DESC LIMIT 1`,
      [shopId],
    );
    return row?.times ?? [];
  }

  async startSync(shopId: number, runId: number, runNumber: number, baseline: boolean): Promise<SyncRow> {
    const [row] = await this.db.query(
      `INSERT INTO klaviyo_syncs (shop_id, run_id, run_number, status, baseline) VALUES ($1, $2, $3, 'running', $4)
       RETURNING id, shop_id, run_id, run_number, baseline, events_cursor`,
      [shopId, runId, runNumber, baseline],
    );
    return toSync(row);
  }

  async abandonSync(syncId: number): Promise<void> {
    await this.db.query(`UPDATE klaviyo_syncs SET status = 'abandoned', finished_at = now() WHERE id = $1`, [syncId]);
    await this.db.query(`DELETE FROM klaviyo_sync_events WHERE sync_id = $1`, [syncId]);
  }

  async finishSync(syncId: number, status: 'succeeded' | 'failed', figures: object, error: string | null = null): Promise<void> {
    await this.db.query(
      `UPDATE klaviyo_syncs SET status = $2, figures = $3::jsonb, error = $4, finished_at = now() WHERE id = $1`,
      [syncId, status, JSON.stringify(figures), error],
    );
  }

  async saveEventsCursor(syncId: number, cursor: string): Promise<void> {
    await this.db.query(`UPDATE klaviyo_syncs SET events_cursor = $2 WHERE id = $1`, [syncId, cursor]);
  }

  // --- departures and events --------------------------------------------------------------------------

  async clearEvents(shopId: number, syncId: number): Promise<void> {
    await this.db.query(`DELETE FROM klaviyo_sync_events WHERE shop_id = $1 AND sync_id = $2`, [shopId, syncId]);
  }

  /** The sync's events: RFM group and VIP tier entries (BUILD_EVENTS), and entries of the enabled saved segments. */
  async buildEvents(shopId: number, syncId: number, afterRunNumber: number, runNumber: number, enabledSegments: string[]): Promise<void> {
    const runs: { id: string }[] = await this.db.query(EVENT_RUNS, [shopId, afterRunNumber, runNumber]);
    await this.db.query(BUILD_EVENTS, [shopId, syncId, runs.map((run) => run.id)]);
    if (enabledSegments.length) {
      await this.db.query(BUILD_SAVED_SEGMENT_EVENTS, [shopId, syncId, afterRunNumber, runNumber, enabledSegments]);
    }
  }

  /** Records Klaviyo profile ids in the ledger. */
  async saveProfileIds(shopId: number, ids: Map<string, string>): Promise<void> {
    if (ids.size === 0) return;
    const customers = [...ids.keys()];
    const profiles = customers.map((customer) => ids.get(customer) as string);
    await this.ledgerWrites.exclusive(() =>
      this.db.query(
        `UPDATE klaviyo_profiles t SET profile_id = v.profile_id FROM unnest($2::text[], $3::text[]) AS v (customer_id, profile_id)
         WHERE t.shop_id = $1 AND t.customer_id = v.customer_id`,
        [shopId, customers, profiles],
      ),
    );
  }

  /** Confirms removals from a list in the ledger (after Klaviyo's 2xx). */
  async applyRemoval(shopId: number, listKey: string, customerIds: string[]): Promise<void> {
    await this.ledgerWrites.exclusive(() => this.db.query(
      `UPDATE klaviyo_profiles SET lists = array_remove(lists, $2), updated_at = now()
       WHERE shop_id = $1 AND customer_id = ANY($3::text[])`,
      [shopId, listKey, customerIds],
    ));
  }

  /** The next events after the cursor (run number, customer, segment entered), in that order. */
  async eventBatch(shopId: number, syncId: number, after: EventCursor, limit: number): Promise<EventRow[]> {
    return this.db.query(
      `SELECT run_id, run_number, as_of, customer_id, email, phone, from_group, to_group, rfm_score FROM klaviyo_sync_events
       WHERE shop_id = $1 AND sync_id = $2 AND (run_number, customer_id, to_group) > ($3, $4, $5)
       ORDER BY run_number, customer_id, to_group LIMIT $6`,
      [shopId, syncId, after[0], after[1], after[2], limit],
    );
  }

  async eventCount(shopId: number, syncId: number): Promise<number> {
    const [row] = await this.db.query(
      `SELECT count(*)::int AS n FROM klaviyo_sync_events WHERE shop_id = $1 AND sync_id = $2`,
      [shopId, syncId],
    );
    return row.n;
  }

  // --- import jobs -------------------------------------------------------------------------------------

  async recordJob(shopId: number, syncId: number, job: JobRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO klaviyo_import_jobs (shop_id, job_id, sync_id, list_keys, customer_ids, hashes)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [shopId, job.jobId, syncId, job.listKeys, job.customerIds, job.hashes],
    );
  }

  async pendingJobs(shopId: number): Promise<PendingJob[]> {
    const rows = await this.db.query(
      `SELECT job_id, customer_ids FROM klaviyo_import_jobs
       WHERE shop_id = $1 AND status = 'sent' ORDER BY created_at, job_id`,
      [shopId],
    );
    return rows.map((row: any) => ({ jobId: row.job_id, customerIds: row.customer_ids, sentAt: null, newToLedger: false }));
  }

  /**
   * A finished job applied in one statement (APPLY_IMPORT): its errors recorded, the ledger updated and the
   * job no longer pending, all or nothing. Jobs of one plan may be applied at once: their customers are
   * disjoint. A job new to the ledger is inserted as it is (APPLY_NEW_IMPORT); should one of its customers
   * have reached the ledger since the plan, it is applied as any other.
   */
  async applyJob(
    shopId: number,
    job: PendingJob,
    errors: { customerId: string | null; code: string; detail: string }[],
  ): Promise<void> {
    const columns = [errors.map((e) => e.customerId), errors.map((e) => e.code), errors.map((e) => e.detail)];
    const parameters = [shopId, job.jobId, ...columns];
    await this.ledgerWrites.shared(async () => {
      if (!job.newToLedger) return this.db.query(APPLY_IMPORT, parameters);
      try {
        return await this.db.query(APPLY_NEW_IMPORT, parameters);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return this.db.query(APPLY_IMPORT, parameters);
      }
    });
  }

  /** A job Klaviyo no longer knows or cancelled: dropped; its profiles are in the next plan again. */
  async dropJob(shopId: number, jobId: string): Promise<void> {
    await this.db.query(`DELETE FROM klaviyo_import_jobs WHERE shop_id = $1 AND job_id = $2`, [shopId, jobId]);
  }

  // --- ledger ------------------------------------------------------------------------------------------

  /**
   * Fresh planner statistics for the ledger after a sync wrote many rows: with the estimate of an empty
   * ledger, the next removals scan every profile of the shop instead of looking up the ones they name.
   */
  async refreshLedgerStatistics(): Promise<void> {
    await this.db.query(`ANALYZE klaviyo_profiles`);
  }

  async ledgerEntry(shopId: number, customerId: string): Promise<{ profileId: string | null } | null> {
    const rows = await this.db.query(
      `SELECT profile_id FROM klaviyo_profiles WHERE shop_id = $1 AND customer_id = $2`,
      [shopId, customerId],
    );
    return rows.length ? { profileId: rows[0].profile_id } : null;
  }

  async forget(shopId: number, customerId: string): Promise<void> {
    await this.db.query(`DELETE FROM klaviyo_profiles WHERE shop_id = $1 AND customer_id = $2`, [shopId, customerId]);
    await this.db.query(`DELETE FROM klaviyo_import_errors WHERE shop_id = $1 AND customer_id = $2`, [shopId, customerId]);
  }
}

function toSync(row: any): SyncRow {
  return {
    id: Number(row.id),
    shopId: row.shop_id,
    runId: Number(row.run_id),
    runNumber: row.run_number,
    baseline: row.baseline,
    eventsCursor: row.events_cursor,
  };
}

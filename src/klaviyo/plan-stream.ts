import type { DataSource } from 'typeorm';
import { settleAll } from '../async/settle-all';
import { poolSizeOf } from '../database/pool-size';
import { ALL_CUSTOMERS, customerParts, type CustomerPart } from '../store/customer-parts';
import { SqlCursor } from '../store/sql-cursor';
import { settingsForLargeSets, type SqlExecutor } from '../store/sql-executor';
import { PlanProgress } from './core/plan-progress';
import { propertiesFromValues, type ProfilePropertyValues } from './core/profiles';
import type { Departure } from './klaviyo-sync.repository';
import { PLAN_DIFF } from './klaviyo-sync.sql';

/** Parts the plan is read in at once, at most: one statement uses one core of the database server. */
const PLAN_PARTS = 2;
/** Plan rows per round trip. */
const PAGE = 5_000;

/** One customer whose profile must change (see PLAN_DIFF): what to send, the lists to join and to leave. */
export type PlanRow = {
  customer_id: string;
  email: string | null;
  phone: string | null;
  properties_hash: string;
  /** Whether the profile is sent (new, changed, or joining lists); a departure alone is not. */
  upsert: boolean;
  /** Whether the ledger holds the customer (what was last sent to Klaviyo). */
  known: boolean;
  /** A member of the run with neither email nor phone: never sent, counted as skipped; leaves any list it was in. */
  unreachable: boolean;
  /** The keys of the lists to join, joined by commas (see addLists): profiles with the same key go in the same import jobs. */
  add_key: string;
  /** Every profile property (null where it has no value); all null for a departure alone. */
  properties: ProfilePropertyValues;
} & Departure;

/** A row as the cursor reads it: the properties still the JSON array of their values PLAN_DIFF builds. */
type PlanRecord = Omit<PlanRow, 'properties'> & { properties: string };

/** The record with its properties named: PLAN_DIFF sends their values in PROFILE_PROPERTIES order. */
function planRow(record: PlanRecord): PlanRow {
  const properties = propertiesFromValues(JSON.parse(record.properties));
  // The record becomes the row: a million of them are not copied once more.
  const row = record as unknown as PlanRow;
  row.properties = properties;
  return row;
}

/** The keys of the lists a plan row joins (segment keys have no commas; one string per row parses faster than an array). */
export function addLists(row: Pick<PlanRow, 'add_key'>): string[] {
  return row.add_key === '' ? [] : row.add_key.split(',');
}

/** What a plan is computed from: the shop's run, the enabled saved segments, the lists that exist. */
export interface PlanQuery {
  shopId: number;
  runId: number;
  enabledSegments: string[];
  readyListKeys: string[];
}

export type PlanPage = (rows: PlanRow[]) => Promise<void>;
/** Told after each page which add_keys no part can hand over any more (see core/plan-progress.ts). */
export type SettledKeys = (settled: (addKey: string) => boolean) => Promise<void>;
/** For a reader that sends nothing while it reads (the dry run). */
const IGNORE_SETTLED: SettledKeys = async () => {};

/**
 * Reads a sync's plan, handing each page of rows to `each` as the database finds them. On a server, the
 * plan is read in parts on connections of their own (pages of different parts interleave), each in a
 * transaction that sees one snapshot; one connection is left for the sync's other statements. On the
 * embedded database (one connection) the cursor outlives its transaction. A failing `each` stops the
 * part it came from; to stop them all it must keep failing. After each page of a part has been handed
 * over, and at its end, `settledKeys` learns which add_keys can no longer come.
 */
export async function readPlan(db: DataSource, query: PlanQuery, each: PlanPage, settledKeys = IGNORE_SETTLED): Promise<void> {
  const connections = poolSizeOf(db);
  if (connections < 2) {
    const cursor = await SqlCursor.declareHeld<PlanRecord>(db, PLAN_DIFF, parameters(query, ALL_CUSTOMERS), settingsForLargeSets);
    return pageThrough(cursor, each, new PartReport(new PlanProgress(1), 0, settledKeys));
  }
  const parts = customerParts(Math.min(PLAN_PARTS, connections - 1));
  const progress = new PlanProgress(parts.length);
  await settleAll(parts.map((part) => readPart(db, query, part, each, new PartReport(progress, part.part, settledKeys))));
}

/** The whole plan read inside the caller's transaction (the dry run's, rolled back). */
export async function readPlanIn(session: SqlExecutor, query: PlanQuery, each: PlanPage): Promise<void> {
  await settingsForLargeSets(session);
  const cursor = await SqlCursor.declare<PlanRecord>(session, PLAN_DIFF, parameters(query, ALL_CUSTOMERS));
  await pageThrough(cursor, each, new PartReport(new PlanProgress(1), 0, IGNORE_SETTLED));
}

/** One part's moves through the plan, told to the progress of all parts and then to `settledKeys`. */
class PartReport {
  constructor(
    private readonly progress: PlanProgress,
    private readonly part: number,
    private readonly settledKeys: SettledKeys,
  ) {}

  /** After `each` has taken the page: its rows are in, so the keys before its last are settled for this part. */
  async handedOver(rows: PlanRow[]): Promise<void> {
    this.progress.reached(this.part, rows[rows.length - 1].add_key);
    await this.settledKeys((key) => this.progress.settled(key));
  }

  async finished(): Promise<void> {
    this.progress.finish(this.part);
    await this.settledKeys((key) => this.progress.settled(key));
  }
}

async function readPart(db: DataSource, query: PlanQuery, part: CustomerPart, each: PlanPage, report: PartReport): Promise<void> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    // Read only: rolled back at the end, whatever happens.
    await runner.startTransaction();
    await settingsForLargeSets(runner);
    await pageThrough(await SqlCursor.declare<PlanRecord>(runner, PLAN_DIFF, parameters(query, part)), each, report);
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}

async function pageThrough(cursor: SqlCursor<PlanRecord>, each: PlanPage, report: PartReport): Promise<void> {
  try {
    for (;;) {
      const rows = (await cursor.fetch(PAGE)).map(planRow);
      if (rows.length === 0) return await report.finished();
      await each(rows);
      await report.handedOver(rows);
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

function parameters(query: PlanQuery, part: CustomerPart): unknown[] {
  return [query.shopId, query.runId, query.enabledSegments, query.readyListKeys, part.parts, part.part];
}

import { RunningTasks } from '../async/running-tasks';
import { EVENT_BULK_LIMITS } from './core/job-chunker';
import { e164, emailOf } from './core/profiles';
import { ENTERED_SEGMENT_METRIC, enteredSegmentEventId } from './core/synced-segments';
import type { EventToSend, KlaviyoClient } from './klaviyo-client';
import type { EventCursor, EventRow, KlaviyoSyncRepository, SyncRow } from './klaviyo-sync.repository';
import type { SyncProgress } from './sync-progress';

/** Event jobs sent at once (the limiter still paces them): one at a time, round trips set the pace. */
const EVENT_JOBS_AT_ONCE = 3;

/**
 * "Entered Segment" events for every RFM group and VIP tier entered in the runs since the last sync, and
 * every enabled saved segment entered since then (see KlaviyoSyncRepository.buildEvents), 1,000 per bulk
 * job (an event is a few hundred bytes: far from the 5 MB limit). Each carries a unique_id made of shop,
 * run, customer and segment, so a job sent again after a crash or a lost answer stores nothing twice and
 * no flow fires twice. The cursor (run number, customer and segment) is saved as jobs are accepted.
 * Sends what prepareEnteredSegmentEvents worked out.
 */
export async function sendEnteredSegmentEvents(
  client: KlaviyoClient,
  repository: KlaviyoSyncRepository,
  shopDomain: string,
  sync: SyncRow,
  progress: SyncProgress,
): Promise<number> {
  const total = await repository.eventCount(sync.shopId, sync.id);
  progress.phase('klaviyo events', total);
  let cursor = parseEventsCursor(sync.eventsCursor);
  let sent = 0;
  // Jobs go out while the next batch is read and built; the cursor moves past a job only once it and every
  // job before it were accepted.
  const inFlight = new RunningTasks(EVENT_JOBS_AT_ONCE);
  let accepted: Promise<void> = Promise.resolve();
  for (;;) {
    const rows = await repository.eventBatch(sync.shopId, sync.id, cursor, EVENT_BULK_LIMITS.maxItems);
    if (rows.length === 0) break;
    const events = rows.map((row) => enteredSegmentEvent(shopDomain, row));
    const last = rows[rows.length - 1];
    const next: EventCursor = [last.run_number, last.customer_id, last.to_group];
    await inFlight.room();
    const job = client.sendEvents(ENTERED_SEGMENT_METRIC, events).then(() => {
      sent += rows.length;
      progress.advance(rows.length);
    });
    accepted = Promise.all([accepted, job]).then(() => repository.saveEventsCursor(sync.id, JSON.stringify(next)));
    inFlight.add(accepted);
    cursor = next;
  }
  await inFlight.settle();
  inFlight.throwIfFailed();
  progress.done(`${sent.toLocaleString('en-US')} "Entered Segment" events`);
  return sent;
}

function enteredSegmentEvent(shopDomain: string, row: EventRow): EventToSend {
  const email = emailOf(row.email);
  const phone = e164(row.phone);
  return {
    uniqueId: enteredSegmentEventId(shopDomain, Number(row.run_id), row.customer_id, row.to_group),
    time: new Date(row.as_of).toISOString(),
    properties: {
      segment: row.to_group,
      previous_segment: row.from_group,
      rfm_score: row.rfm_score,
      run_id: Number(row.run_id),
      run_number: row.run_number,
    },
    profile: { ...(email ? { email } : {}), ...(phone ? { phoneNumber: phone } : {}), externalId: row.customer_id },
  };
}

/**
 * The sync's events worked out (unless an interrupted run of it has begun sending them): they depend on the
 * runs only, so this runs while the profiles are sent.
 */
export async function prepareEnteredSegmentEvents(
  repository: KlaviyoSyncRepository,
  sync: SyncRow,
  lastSyncedRunNumber: number,
  enabledSegments: string[],
): Promise<void> {
  if (sync.eventsCursor) return;
  await repository.clearEvents(sync.shopId, sync.id);
  await repository.buildEvents(sync.shopId, sync.id, lastSyncedRunNumber, sync.runNumber, enabledSegments);
}

/**
 * A saved cursor: JSON [run number, customer, segment]. A sync interrupted before this version saved
 * "run:customer"; it resumes at that customer's first segment, and the event sent again carries the same
 * unique_id, which Klaviyo stores once.
 */
export function parseEventsCursor(cursor: string | null): EventCursor {
  if (!cursor) return [0, '', ''];
  if (cursor.startsWith('[')) return JSON.parse(cursor) as EventCursor;
  const at = cursor.indexOf(':');
  return [Number(cursor.slice(0, at)), cursor.slice(at + 1), ''];
}

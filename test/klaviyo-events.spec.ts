import { klaviyoClientFactory } from '../src/klaviyo/klaviyo-client';
import { KlaviyoSyncRepository } from '../src/klaviyo/klaviyo-sync.repository';
import { sendEnteredSegmentEvents } from '../src/klaviyo/segment-events';
import { SILENT_PROGRESS } from '../src/klaviyo/sync-progress';
import { API_KEY, klaviyoSpecHooks, sixteenCustomers, syncWorld } from './klaviyo-fixture';
import { testDatabaseTargets } from './support/test-databases';

jest.setTimeout(120_000);

const EVENTS = 2_500;

describe.each(testDatabaseTargets())('"Entered Segment" events sent several jobs at once, on $name', (target) => {
  const spec = klaviyoSpecHooks(target, { jobDelayMs: 20 });

  it('a job that fails stops the sending with the cursor before it, whatever went through after it; sending again completes it, each event once', async () => {
    const db = spec.test.database.dataSource;
    const { shop } = await syncWorld(db, spec.fake, `events-${target.name}.myshopify.com`, sixteenCustomers());
    const [run] = await db.query(`SELECT id::int, run_number, as_of FROM segment_runs WHERE shop_id = $1`, [shop.id]);
    const repository = new KlaviyoSyncRepository(db);
    const sync = await repository.startSync(shop.id, run.id, run.run_number, false);
    // 2,500 customers entered Champions: three jobs of 1,000, 1,000 and 500 events.
    await db.query(
      `INSERT INTO klaviyo_sync_events (shop_id, sync_id, run_id, run_number, as_of, customer_id, email, phone, from_group, to_group, rfm_score)
       SELECT $1, $2, $3, $4, $5, 'e' || lpad(i::text, 5, '0'), 'e' || i || '@example.test', NULL, 'at_risk', 'champions', 55
       FROM generate_series(1, ${EVENTS}) AS i`,
      [shop.id, sync.id, run.id, run.run_number, run.as_of],
    );
    const all = Array.from({ length: EVENTS }, (_, i) => `${shop.domain}:${run.id}:e${String(i + 1).padStart(5, '0')}:champions`);
    // Short enough for the held job to time out, long enough for the others on a busy machine.
    const client = klaviyoClientFactory(spec.fake.baseUrl, {
      timeoutMs: 2_000,
      policy: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10, maxThrottled: 5 },
    })(API_KEY);
    // The first job gets no answer (and is not retried here) while the two after it are accepted.
    spec.fake.inject({ operation: 'bulk_create_events', kind: 'timeout', holdMs: 4_000 });

    await expect(sendEnteredSegmentEvents(client, repository, shop.domain, sync, SILENT_PROGRESS)).rejects.toThrow("Klaviyo bulk_create_events failed: no answer");

    await spec.fake.settle();
    expect(spec.fake.eventsOf('Entered Segment').map((event) => event.uniqueId).sort()).toEqual(all.slice(1_000));
    // The cursor stays before the job that failed, though the jobs after it went through.
    const interrupted = (await repository.unfinishedSync(shop.id))!;
    expect(interrupted.eventsCursor).toBeNull();

    // Sent again as a sync would, with the usual patience (a second out, it failed once under a full test run).
    const patient = klaviyoClientFactory(spec.fake.baseUrl, { timeoutMs: 10_000 })(API_KEY);
    const sent = await sendEnteredSegmentEvents(patient, repository, shop.domain, interrupted, SILENT_PROGRESS);

    await spec.fake.settle();
    expect(sent).toBe(EVENTS);
    expect(spec.fake.eventsOf('Entered Segment').map((event) => event.uniqueId).sort()).toEqual(all);
  });
});

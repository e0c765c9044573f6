import type { KlaviyoClient } from '../src/klaviyo/klaviyo-client';
import { operationOf } from '../src/klaviyo/core/rate-limits';
import { FakeKlaviyo } from './fakes/klaviyo';
import {
  API_KEY,
  comebackRun,
  expectIntendedState,
  reachableChanges,
  sixteenCustomers,
  syncWorld,
  type SyncWorld,
} from './klaviyo-fixture';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

class Crash extends Error {}

/**
 * Polls run alongside the sends, so how many a sync makes depends on timing; every other call is made a fixed
 * number of times. Crash points count the two kinds apart, so each point is reached in every run.
 */
type CallKind = 'poll' | 'call';
const kindOf = (method: string | undefined, url: string): CallKind =>
  operationOf(method ?? 'GET', new URL(url).pathname) === 'get_bulk_import_profiles_job' ? 'poll' : 'call';

interface CrashPoint {
  kind: CallKind;
  at: number;
}
type CallCounts = Record<CallKind, number>;

/** A client whose process "dies" right after its n-th request of a kind got through (Klaviyo applied it, nobody recorded it). */
function crashingAfter(counts: CallCounts, point: CrashPoint | null) {
  return (client: KlaviyoClient) => {
    const send = client.session.requestWithRetry.bind(client.session);
    client.session.requestWithRetry = async (config) => {
      const response = await send(config);
      const kind = kindOf(config.method, String(config.url));
      counts[kind] += 1;
      if (point?.kind === kind && counts[kind] === point.at) throw new Crash(`crash after ${kind} ${point.at}`);
      return response;
    };
    return client;
  };
}

jest.setTimeout(300_000);

describe.each(testDatabaseTargets())('Klaviyo sync crash safety, on $name', (target) => {
  let test: TestDatabase;
  let fake: FakeKlaviyo;
  let shopNumber = 0;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());
  beforeEach(async () => {
    fake = await FakeKlaviyo.start({ apiKeys: [API_KEY], jobDelayMs: 30 });
  });
  afterEach(async () => fake?.close());

  const world = () => syncWorld(test.database.dataSource, fake, `crash-${++shopNumber}.myshopify.com`, sixteenCustomers());

  /** First sync, a new run, its delta sync; each sync that crashes is followed by a fresh one. Returns the calls made. */
  async function scenario(w: SyncWorld, point: CrashPoint | null): Promise<{ crashes: number; counts: CallCounts; runId: number }> {
    const counts: CallCounts = { poll: 0, call: 0 };
    let crashes = 0;
    const syncOnce = async () => {
      try {
        await w.service({ wrap: crashingAfter(counts, point) }).sync(w.shop.domain);
      } catch (error) {
        if (!(error instanceof Crash)) throw error;
        crashes += 1;
        await w.service().sync(w.shop.domain);
      }
    };
    await syncOnce();
    const runId = await comebackRun(test.database.dataSource, w);
    await syncOnce();
    return { crashes, counts, runId };
  }

  /** Every third call of the clean scenario, and the first and last: lists, jobs, lookups, removals, events; and the first polls. */
  function crashPoints(clean: CallCounts): CrashPoint[] {
    const only = process.env.CRASH_POINTS?.split(',').map(Number);
    if (only) return only.map((at) => ({ kind: 'call', at }));
    const calls = [...new Set([1, 2, ...Array.from({ length: Math.ceil(clean.call / 3) }, (_, i) => 3 * i + 3), clean.call])];
    return [
      ...calls.filter((at) => at <= clean.call).map((at): CrashPoint => ({ kind: 'call', at })),
      { kind: 'poll', at: 1 },
      { kind: 'poll', at: 2 },
    ];
  }

  it('killed after any call and restarted, converges to exactly the intended Klaviyo state with each event once', async () => {
    const clean = await scenario(await world(), null);
    expect(clean.crashes).toBe(0);
    expect(clean.counts.poll).toBeGreaterThanOrEqual(2);
    for (const point of crashPoints(clean.counts)) {
      if (process.env.CRASH_LOG) process.stderr.write(`crash after ${point.kind} ${point.at} of ${JSON.stringify(clean.counts)}\n`);
      await fake.close();
      fake = await FakeKlaviyo.start({ apiKeys: [API_KEY], jobDelayMs: 30 });
      const w = await world();
      const { crashes, runId } = await scenario(w, point);
      expect({ point, crashes }).toEqual({ point, crashes: 1 });
      await expectIntendedState(test.database.dataSource, fake, w.shop.id, runId);
      const changes = await reachableChanges(test.database.dataSource, w.shop.id, runId);
      const events = fake.eventsOf('Entered Segment');
      expect({ point, events: events.map((event) => event.uniqueId).sort() }).toEqual({
        point,
        events: changes.map((change) => `${w.shop.domain}:${runId}:${change.customer_id}:${change.to_group}`).sort(),
      });
      expect(fake.rejectedRequests).toEqual([]);
    }
  }, 600_000);

  it('rides out 5xx, timeouts and lost answers: one list per segment, nothing lost, each event once', async () => {
    const w = await world();
    fake.inject({ operation: 'create_list', kind: 'drop-after-write', times: 2 });
    fake.inject({ operation: 'create_list', kind: '500' });
    fake.inject({ operation: 'bulk_import_profiles', kind: '503', times: 2 });
    fake.inject({ operation: 'bulk_import_profiles', kind: 'drop-after-write' });
    fake.inject({ operation: 'get_bulk_import_profiles_job', kind: 'timeout', holdMs: 6_000 });
    await w.service().sync(w.shop.domain);

    const runId = await comebackRun(test.database.dataSource, w);
    fake.inject({ operation: 'get_profiles', kind: '500' });
    fake.inject({ operation: 'remove_profiles_from_list', kind: 'drop-after-write' });
    fake.inject({ operation: 'bulk_create_events', kind: 'drop-after-write' });
    fake.inject({ operation: 'bulk_create_events', kind: 'timeout', holdMs: 6_000 });
    const delta = await w.service().sync(w.shop.domain);

    expect(fake.faultsFired.length).toBe(11);
    await expectIntendedState(test.database.dataSource, fake, w.shop.id, runId);
    const changes = await reachableChanges(test.database.dataSource, w.shop.id, runId);
    expect(fake.eventsOf('Entered Segment')).toHaveLength(changes.length);
    expect(delta.events).toBe(changes.length);
    expect(fake.rejectedRequests).toEqual([]);
  });
});

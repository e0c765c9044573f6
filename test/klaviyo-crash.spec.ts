import type { KlaviyoClient } from '../src/klaviyo/klaviyo-client';
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

/** A client whose process "dies" right after its n-th request got through (Klaviyo applied it, nobody recorded it). */
function crashingAfter(calls: { n: number; crashAt: number }) {
  return (client: KlaviyoClient) => {
    const send = client.session.requestWithRetry.bind(client.session);
    client.session.requestWithRetry = async (config) => {
      const response = await send(config);
      if (++calls.n === calls.crashAt) throw new Crash(`crash after call ${calls.n}`);
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
  async function scenario(w: SyncWorld, crashAt: number): Promise<{ crashes: number; calls: number; runId: number }> {
    const calls = { n: 0, crashAt };
    let crashes = 0;
    const syncOnce = async () => {
      try {
        await w.service({ wrap: crashingAfter(calls) }).sync(w.shop.domain);
      } catch (error) {
        if (!(error instanceof Crash)) throw error;
        crashes += 1;
        await w.service().sync(w.shop.domain);
      }
    };
    await syncOnce();
    const runId = await comebackRun(test.database.dataSource, w);
    await syncOnce();
    return { crashes, calls: calls.n, runId };
  }

  it('killed after any call and restarted, converges to exactly the intended Klaviyo state with each event once', async () => {
    const clean = await scenario(await world(), 0);
    expect(clean.crashes).toBe(0);
    // Every third call of the clean scenario, and the first and last: lists, jobs, polls, lookups, removals, events.
    const points = [...new Set([1, 2, ...Array.from({ length: Math.ceil(clean.calls / 3) }, (_, i) => 3 * i + 3), clean.calls])];
    const only = process.env.CRASH_POINTS?.split(',').map(Number);
    for (const crashAt of only ?? points.filter((point) => point <= clean.calls)) {
      if (process.env.CRASH_LOG) process.stderr.write(`crash at ${crashAt} of ${clean.calls}\n`);
      await fake.close();
      fake = await FakeKlaviyo.start({ apiKeys: [API_KEY], jobDelayMs: 30 });
      const w = await world();
      const { crashes, runId } = await scenario(w, crashAt);
      expect({ crashAt, crashes }).toEqual({ crashAt, crashes: 1 });
      await expectIntendedState(test.database.dataSource, fake, w.shop.id, runId);
      const changes = await reachableChanges(test.database.dataSource, w.shop.id, runId);
      const events = fake.eventsOf('Entered Segment');
      expect({ crashAt, events: events.map((event) => event.uniqueId).sort() }).toEqual({
        crashAt,
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

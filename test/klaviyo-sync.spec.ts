import { StoreBuilder } from '../src/segmentation/core/testing/store-builder';
import { StoreRepository } from '../src/store/store.repository';
import { KlaviyoSyncRepository } from '../src/klaviyo/klaviyo-sync.repository';
import { API_KEY, AS_OF, intendedState, klaviyoLists, klaviyoSpecHooks, reachableChanges, sixteenCustomers, syncWorld } from './klaviyo-fixture';
import { testDatabaseTargets } from './support/test-databases';

const DAY = 86_400_000;

jest.setTimeout(300_000);

describe.each(testDatabaseTargets())('Klaviyo sync of segment runs, on $name', (target) => {
  const spec = klaviyoSpecHooks(target, { jobDelayMs: 50, recordBodies: true });
  let shopNumber = 0;

  const world = () => syncWorld(spec.test.database.dataSource, spec.fake, `sync-${++shopNumber}.myshopify.com`, sixteenCustomers());
  const latestRun = async (shopId: number) =>
    (await spec.test.database.dataSource.query(`SELECT max(id)::int AS id FROM segment_runs WHERE shop_id = $1`, [shopId]))[0].id;

  it('first sync: one list per group and tier, every reachable customer in its lists with its properties, no event', async () => {
    const { shop, service } = await world();

    const report = await service().sync(shop.domain);

    const intended = await intendedState(spec.test.database.dataSource, shop.id, await latestRun(shop.id));
    expect(klaviyoLists(spec.fake)).toEqual(intended.lists);
    for (const [customerId, properties] of intended.properties) {
      expect({ customerId, properties: spec.fake.profileByExternalId(customerId)?.properties }).toEqual({ customerId, properties });
    }
    // Nine lists (six groups, three tiers), each created once, whatever its membership.
    expect(spec.fake.state.lists.size).toBe(9);
    expect(report).toMatchObject({
      baseline: true,
      events: 0,
      profiles: { planned: 15, sent: 15, confirmed: 15, rejected: 0, skippedUnreachable: 1 },
    });
    expect(spec.fake.profileByExternalId('c16')).toBeUndefined();
    expect(spec.fake.eventsOf('Entered Segment')).toEqual([]);
    expect(spec.fake.rejectedRequests).toEqual([]);
    expect(spec.fake.subscriptionChanges).toEqual([]);
    expect(spec.fake.throttledCounts).toEqual({});
  });

  it('sends identity under the names Klaviyo reads (phone_number in E.164, external_id), never dropped by the SDK', async () => {
    const { shop, service } = await world();

    await service().sync(shop.domain);

    const c02 = spec.fake.profileByExternalId('c02');
    expect(c02).toMatchObject({ phone_number: '+442079460958', external_id: 'c02' });
    expect(c02?.email).toBeUndefined();
    expect(spec.fake.profileByExternalId('c01')).toMatchObject({ email: 'c01@example.test', external_id: 'c01' });
    const sent = spec.fake.received
      .filter((request) => request.operation === 'bulk_import_profiles')
      .flatMap((request) => (request.body as any).data.attributes.profiles.data)
      .find((profile: any) => profile.attributes.external_id === 'c02');
    expect(Object.keys(sent.attributes).sort()).toEqual(['external_id', 'phone_number', 'properties']);
  });

  it('customers no longer reachable leave every list they were in, each looked up once however many lists they leave', async () => {
    const { shop, service, runs } = await world();
    await service().sync(shop.domain);
    const db = spec.test.database.dataSource;
    const leaving: { customer_id: string; lists: string[] }[] = await db.query(
      `SELECT customer_id, lists FROM klaviyo_profiles WHERE shop_id = $1 AND customer_id IN ('c09', 'c10', 'c11') ORDER BY customer_id`,
      [shop.id],
    );
    // The big spenders are in a group list and a VIP tier list.
    expect(leaving.filter((row) => row.lists.length === 2).length).toBeGreaterThan(0);
    await db.query(`UPDATE customers SET email = NULL, phone = NULL WHERE shop_id = $1 AND customer_id IN ('c09', 'c10', 'c11')`, [shop.id]);
    await runs.run(shop, { asOf: new Date(AS_OF.getTime() + DAY) });
    spec.fake.resetCounters();

    const delta = await service().sync(shop.domain);

    const intended = await intendedState(db, shop.id, await latestRun(shop.id));
    expect(klaviyoLists(spec.fake)).toEqual(intended.lists);
    expect(delta.profileIdsLookedUp).toBe(3);
    expect(spec.fake.callCounts.get_profiles).toBe(1);
    expect(delta.removals).toBe(leaving.reduce((sum, row) => sum + row.lists.length, 0));
    expect(delta.removalsByList).toEqual(
      Object.fromEntries([...new Set(leaving.flatMap((row) => row.lists))].sort().map((list) => [list, leaving.filter((row) => row.lists.includes(list)).length])),
    );
    const ledger = await db.query(
      `SELECT customer_id, lists FROM klaviyo_profiles WHERE shop_id = $1 AND customer_id IN ('c09', 'c10', 'c11') ORDER BY customer_id`,
      [shop.id],
    );
    expect(ledger).toEqual(['c09', 'c10', 'c11'].map((customer_id) => ({ customer_id, lists: [] })));
  });

  it('a second sync of the same run sends nothing; a new run sends only the changed profiles, removals and one event per change', async () => {
    const { shop, service, runs } = await world();
    await service().sync(shop.domain);
    spec.fake.resetCounters();

    const again = await service().sync(shop.domain);
    expect(again.profiles.sent).toBe(0);
    expect(spec.fake.callCounts).toEqual({});
    // The first sync's job times are kept for the next sync's first polls (this one sent no job).
    const [first] = await spec.test.database.dataSource.query(
      `SELECT figures -> 'jobTimes' AS times, (figures ->> 'jobs')::int AS jobs FROM klaviyo_syncs WHERE shop_id = $1 ORDER BY id LIMIT 1`,
      [shop.id],
    );
    // One job per set of lists joined, 15 profiles in all.
    expect(first.times).toHaveLength(first.jobs);
    expect(first.times.reduce((sum: number, time: { profiles: number }) => sum + time.profiles, 0)).toBe(15);
    expect(first.times.every((time: { tookMs: number }) => time.tookMs >= 0)).toBe(true);
    expect(await new KlaviyoSyncRepository(spec.test.database.dataSource).lastJobTimes(shop.id)).toEqual(first.times);

    // Three old one-time buyers come back and buy four times: they change group. c04 spends more than anyone
    // in the last 12 months: a VIP tier as well.
    const later = new Date(AS_OF.getTime() + 60 * DAY);
    const comeback = new StoreBuilder(later);
    for (const id of ['c04', 'c05', 'c06']) {
      for (let n = 0; n < 4; n++) comeback.order(id, { daysAgo: 2 + n * 10, totalPrice: id === 'c04' ? 5000 : 300 });
    }
    await new StoreRepository(spec.test.database.dataSource).upsertOrders(shop.id, comeback.orders.map((o, i) => ({ ...o, orderId: `later-${i}` })), 'test');
    await runs.run(shop, { asOf: later });
    const runId = await latestRun(shop.id);
    const changes = await reachableChanges(spec.test.database.dataSource, shop.id, runId);
    expect(changes.length).toBeGreaterThan(0);
    const listsBefore = klaviyoLists(spec.fake);

    const delta = await service().sync(shop.domain);

    const intended = await intendedState(spec.test.database.dataSource, shop.id, runId);
    expect(klaviyoLists(spec.fake)).toEqual(intended.lists);
    for (const [customerId, properties] of intended.properties) {
      expect({ customerId, properties: spec.fake.profileByExternalId(customerId)?.properties }).toEqual({ customerId, properties });
    }
    expect(delta.baseline).toBe(false);
    expect(delta.events).toBe(changes.length);
    // Every customer leaving a list is looked up once, in one call, though the lookups start before the plan.
    const leavers = new Set(
      [...listsBefore].flatMap(([list, members]) => members.filter((member) => !intended.lists.get(list)?.includes(member))),
    );
    expect(leavers.size).toBeGreaterThan(0);
    expect(delta.profileIdsLookedUp).toBe(leavers.size);
    expect(spec.fake.callCounts.get_profiles).toBe(1);
    const events = spec.fake.eventsOf('Entered Segment').map((event) => ({
      customer: spec.fake.state.profiles.get(event.profileId)?.external_id,
      uniqueId: event.uniqueId,
      segment: event.properties.segment,
      previous: event.properties.previous_segment,
      score: event.properties.rfm_score,
      run: event.properties.run_number,
    }));
    expect(changes.filter((change) => change.to_group.startsWith('vip_')).map((change) => change.customer_id)).toContain('c04');
    const bySegment = (a: { customer?: string; segment: unknown }, b: { customer?: string; segment: unknown }) =>
      a.customer!.localeCompare(b.customer!) || String(a.segment).localeCompare(String(b.segment));
    expect(events.sort(bySegment)).toEqual(
      changes.map((change) => ({
        customer: change.customer_id,
        uniqueId: `${shop.domain}:${runId}:${change.customer_id}:${change.to_group}`,
        segment: change.to_group,
        previous: change.from_group,
        score: change.rfm_score,
        run: 2,
      })),
    );
    expect(spec.fake.rejectedRequests).toEqual([]);
    expect(spec.fake.subscriptionChanges).toEqual([]);
  });
  it('a profile Klaviyo refuses in an import job is recorded with its reason, stays out of the ledger and is sent again next time', async () => {
    const { shop, service } = await world();
    // Two profiles made by other tools: one with c01's email, one with its external id. Importing c01 names both.
    const now = new Date().toISOString();
    spec.fake.state.setIdentifier(spec.fake.state.createProfile(now), 'email', 'c01@example.test');
    spec.fake.state.setIdentifier(spec.fake.state.createProfile(now), 'external_id', 'c01');

    const first = await service().sync(shop.domain);

    expect(first.profiles).toMatchObject({ sent: 15, confirmed: 14, rejected: 1 });
    const db = spec.test.database.dataSource;
    expect(await db.query(`SELECT customer_id, code, detail FROM klaviyo_import_errors WHERE shop_id = $1`, [shop.id])).toEqual([
      { customer_id: 'c01', code: 'duplicate_profile', detail: 'The identifiers given belong to different profiles.' },
    ]);
    const ledger = await db.query(`SELECT customer_id FROM klaviyo_profiles WHERE shop_id = $1 ORDER BY customer_id`, [shop.id]);
    expect(ledger.map((row: { customer_id: string }) => row.customer_id)).toEqual(
      ['c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10', 'c11', 'c12', 'c13', 'c14', 'c15'],
    );
    expect(await db.query(`SELECT count(*)::int AS n FROM klaviyo_import_jobs WHERE shop_id = $1`, [shop.id])).toEqual([{ n: 0 }]);

    const again = await service().sync(shop.domain);

    expect(again.profiles).toMatchObject({ sent: 1, confirmed: 0, rejected: 1 });
  });
});

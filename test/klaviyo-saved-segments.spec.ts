import { StoreBuilder } from '../src/segmentation/core/testing/store-builder';
import { SavedSegmentsRepository } from '../src/segmentation/saved-segments.repository';
import { StoreRepository } from '../src/store/store.repository';
import { FakeKlaviyo } from './fakes/klaviyo';
import { API_KEY, AS_OF, latestRunId, sixteenCustomers, syncWorld } from './klaviyo-fixture';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

const DAY = 86_400_000;

jest.setTimeout(300_000);

describe.each(testDatabaseTargets())('Klaviyo sync of enabled saved segments, on $name', (target) => {
  let test: TestDatabase;
  let fake: FakeKlaviyo;
  beforeAll(async () => {
    test = await target.open();
    fake = await FakeKlaviyo.start({ apiKeys: [API_KEY], jobDelayMs: 50 });
  });
  afterAll(async () => {
    await fake?.close();
    await test?.dispose();
  });

  const members = (listName: string) => {
    const list = [...fake.state.lists.values()].find((l) => l.name === listName);
    return list ? [...list.members].map((id) => fake.state.profiles.get(id)?.external_id).sort() : null;
  };

  it('a list per enabled segment; entering one sends an event, unless the segment is newer than the last sync', async () => {
    const db = () => test.database.dataSource;
    const world = await syncWorld(db(), fake, 'saved-segments.myshopify.com', sixteenCustomers());
    const { shop, shops, service, runs } = world;
    // Dormant (catalogue: last order more than 365 days ago) existed at run 1: c05, c06 and c12.
    await shops.updateSettings(shop.id, { klaviyo: { segments: ['dormant'] } });

    const first = await service().sync(shop.domain);
    expect(first.events).toBe(0);
    expect(members('segment-sync · Dormant')).toEqual(['c05', 'c06', 'c12']);

    // Created after the synced run: its first members are its baseline, not entries.
    const custom = await new SavedSegmentsRepository(db()).save(shop.id, {
      key: 'regulars',
      name: 'Regulars',
      description: null,
      query: 'number_of_orders >= 5',
      source: 'custom',
    });
    expect(custom).not.toBeNull();
    await shops.updateSettings(shop.id, { klaviyo: { segments: ['dormant', 'regulars'] } });

    // Seventy days on, c05 and c06 have come back (they leave Dormant, which sends nothing) and c11's last
    // order, 300 days old at run 1, is 370 days old: c11 enters Dormant.
    const later = new Date(AS_OF.getTime() + 70 * DAY);
    const comeback = new StoreBuilder(later);
    for (const id of ['c05', 'c06']) for (let n = 0; n < 4; n++) comeback.order(id, { daysAgo: 2 + n * 10, totalPrice: 300 });
    await new StoreRepository(db()).upsertOrders(shop.id, comeback.orders.map((o, i) => ({ ...o, orderId: `later-${i}` })), 'test');
    await runs.run(shop, { asOf: later });
    const runId = await latestRunId(db(), shop.id);

    const delta = await service().sync(shop.domain);

    expect(members('segment-sync · Dormant')).toEqual(['c11', 'c12']);
    expect(members('segment-sync · Regulars')).toEqual(['c05', 'c06', 'c09', 'c10', 'c11', 'c12']);
    const saved = fake
      .eventsOf('Entered Segment')
      .filter((event) => String(event.properties.segment).startsWith('segment_'))
      .map((event) => ({
        customer: fake.state.profiles.get(event.profileId)?.external_id,
        uniqueId: event.uniqueId,
        segment: event.properties.segment,
        previous: event.properties.previous_segment,
        runId: event.properties.run_id,
      }));
    expect(saved).toEqual([
      { customer: 'c11', uniqueId: `${shop.domain}:${runId}:c11:segment_dormant`, segment: 'segment_dormant', previous: null, runId },
    ]);
    expect(delta.events).toBe(fake.eventsOf('Entered Segment').length);

    // A later run where nobody enters or leaves a saved segment: no saved segment event is sent again.
    await runs.run(shop, { asOf: new Date(later.getTime() + DAY) });
    await service().sync(shop.domain);
    expect(fake.eventsOf('Entered Segment').filter((event) => String(event.properties.segment).startsWith('segment_'))).toHaveLength(1);
    expect(fake.rejectedRequests).toEqual([]);
  });
});

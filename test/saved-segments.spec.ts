import { generateSampleStore } from '../src/demo/sample-store';
import { matchesSegmentQuery, parseSegmentQuery, storeAttributes, SegmentQueryError } from '../src/segmentation/core/query';
import { StoreBuilder } from '../src/segmentation/core/testing/store-builder';
import { SavedSegmentsService } from '../src/segmentation/saved-segments.service';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { ShopsRepository } from '../src/shops/shops.repository';
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../src/store/store-records';
import { StoreRepository } from '../src/store/store.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

const AS_OF = new Date('2026-11-27T06:00:00Z');

describe.each(testDatabaseTargets())('saved segments on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  it('every catalogue segment has exactly the members the query evaluator finds in the same store', async () => {
    const { dataSource } = test.database;
    const shops = new ShopsRepository(dataSource);
    const shop = await shops.ensure('catalogue.myshopify.com');
    const writer = new StoreRepository(dataSource);
    const store = { customers: [] as CustomerRecord[], orders: [] as OrderRecord[], checkouts: [] as CheckoutRecord[] };
    for (const batch of generateSampleStore({ customers: 2500, seed: 5, asOf: AS_OF })) {
      await writer.upsertCustomers(shop.id, batch.customers);
      await writer.upsertOrders(shop.id, batch.orders, 'catalogue');
      await writer.upsertCheckouts(shop.id, batch.checkouts);
      store.customers.push(...batch.customers);
      store.orders.push(...batch.orders);
      store.checkouts.push(...batch.checkouts);
    }

    const summary = await new SegmentRunService(dataSource, shops).run(shop, { asOf: AS_OF });

    const segments = await new SavedSegmentsService(dataSource, shops).list(shop.domain);
    expect(segments.filter((s) => s.source === 'catalogue').length).toBeGreaterThan(20);
    const attributes = storeAttributes({ ...store, asOf: AS_OF });
    for (const segment of segments) {
      const ast = parseSegmentQuery(segment.query);
      const expected = [...attributes]
        .filter(([, customer]) => matchesSegmentQuery(ast, customer, AS_OF))
        .map(([customerId]) => customerId)
        .sort();
      const rows: { customer_id: string }[] = await dataSource.query(
        `SELECT customer_id FROM saved_segment_members m JOIN saved_segments s ON s.shop_id = m.shop_id
         WHERE m.shop_id = $1 AND m.run_id = $2 AND s.key = $3 AND s.segment_id = ANY(m.segment_ids)
         ORDER BY customer_id COLLATE "C"`,
        [shop.id, summary.runId, segment.key],
      );
      expect({ segment: segment.key, members: rows.map((row) => row.customer_id) }).toEqual({
        segment: segment.key,
        members: expected,
      });
      expect(summary.savedSegments?.[segment.key]).toBe(expected.length);
    }
  });

  it('saves a custom segment, previews it in SQL and evaluates it at the next run', async () => {
    const { dataSource } = test.database;
    const shops = new ShopsRepository(dataSource);
    const shop = await shops.ensure('custom.myshopify.com', { currency: 'EUR' });
    const store = new StoreBuilder(AS_OF);
    const paris = store.customer('paris', { country: 'FR', tags: ['vip'] });
    const lyon = store.customer('lyon', { country: 'FR' });
    const berlin = store.customer('berlin', { country: 'DE', tags: ['vip'] });
    store.customer('prospect', { country: 'FR' });
    for (const [customer, orders] of [[paris, 4], [lyon, 1], [berlin, 5]] as const) {
      for (let i = 0; i < orders; i++) store.order(customer, { daysAgo: 10 + 30 * i, totalPrice: 200 });
    }
    const writer = new StoreRepository(dataSource);
    await writer.upsertCustomers(shop.id, store.customers);
    await writer.upsertOrders(shop.id, store.orders, 'custom');
    const runs = new SegmentRunService(dataSource, shops);
    await runs.run(shop, { asOf: AS_OF });
    const segments = new SavedSegmentsService(dataSource, shops);
    const query = "amount_spent > 500 AND number_of_orders >= 3 AND customer_countries CONTAINS 'FR'";

    const preview = await segments.preview(shop.domain, query);
    expect(preview).toMatchObject({ customers: 1, sample: [{ customerId: 'paris', amountSpent: 800, numberOfOrders: 4 }] });
    expect((await segments.preview(shop.domain, "customer_tags CONTAINS 'vip'")).customers).toBe(2);
    expect((await segments.preview(shop.domain, 'number_of_orders = 0')).sample.map((c) => c.customerId)).toEqual([
      'prospect',
    ]);

    await segments.save(shop.domain, { key: 'french_regulars', name: 'French regulars', query });
    const second = await runs.run(shop, { asOf: new Date(AS_OF.getTime() + 86_400_000) });
    expect(second.savedSegments?.french_regulars).toBe(1);
  });

  it('rejects a bad query with its position and what was expected, and writes nothing', async () => {
    const { dataSource } = test.database;
    const shops = new ShopsRepository(dataSource);
    const shop = await shops.ensure('custom.myshopify.com');
    const segments = new SavedSegmentsService(dataSource, shops);
    const before = await segments.list(shop.domain);

    const attempt = segments.save(shop.domain, { key: 'broken', query: "amount_spent > 'lots' OR" });

    await expect(attempt).rejects.toThrow(SegmentQueryError);
    await expect(attempt).rejects.toThrow(/^at 15: /);
    expect(await segments.list(shop.domain)).toEqual(before);
  });
});

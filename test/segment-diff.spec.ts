/**
 * SegmentRunService across runs: the hand-built archetype store (six blocks of customers whose groups are
 * known, src/segmentation/core/testing/archetype-store.ts) is segmented at T, a day of business happens, and
 * the run at T + 1 day must record exactly who moved, entered and left.
 */
import type { DataSource } from 'typeorm';
import { LastSegmentChange1764430000000 } from '../migrations/1764430000000-LastSegmentChange';
import { segmentStore } from '../src/segmentation/core/segment-store';
import { buildArchetypeStore, type ArchetypeStore } from '../src/segmentation/core/testing/archetype-store';
import { buildCustomer, buildOrder } from '../src/segmentation/core/testing/store-builder';
import { movedBetweenGroups, type RunSummary, type TransitionCount } from '../src/segmentation/run-summary';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { ShopsRepository, type ShopRecord } from '../src/shops/shops.repository';
import type { OrderRecord } from '../src/store/store-records';
import { StoreRepository } from '../src/store/store.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

const HOUR = 3_600_000;

function byTransition(a: TransitionCount, b: TransitionCount): number {
  const key = (t: TransitionCount) => `${t.from ?? '~'}>${t.to ?? '~'}`; // nobody ('~') last, in code-unit order
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

describe.each(testDatabaseTargets())('segment runs over time on $name', (target) => {
  let test: TestDatabase;
  let db: DataSource;
  let shopsRepo: ShopsRepository;
  let service: SegmentRunService;
  beforeAll(async () => {
    test = await target.open();
    db = test.database.dataSource;
    shopsRepo = new ShopsRepository(db);
    service = new SegmentRunService(db, shopsRepo);
  });
  afterAll(async () => test?.dispose());

  async function shopWith(domain: string, store: Pick<ArchetypeStore, 'customers' | 'orders'>): Promise<ShopRecord> {
    const shop = await shopsRepo.ensure(domain, { currency: 'EUR' });
    const writer = new StoreRepository(db);
    await writer.upsertCustomers(shop.id, store.customers);
    await writer.upsertOrders(shop.id, store.orders, 'initial-import');
    return shop;
  }

  const changes = (shopId: number, runId: number) =>
    db.query(
      `SELECT customer_id, from_group, to_group FROM segment_changes WHERE shop_id = $1 AND run_id = $2 AND family = 'rfm'
       ORDER BY customer_id COLLATE "C"`,
      [shopId, runId],
    );
  const runs = (shopId: number) =>
    db.query(
      `SELECT run_number, status, previous_run_id::int AS previous_run_id, customers, error,
              (SELECT count(*)::int FROM segment_memberships m WHERE m.run_id = r.id) AS memberships,
              (SELECT count(*)::int FROM segment_changes c WHERE c.run_id = r.id AND c.family = 'rfm') AS changes
       FROM segment_runs r WHERE shop_id = $1 ORDER BY run_number`,
      [shopId],
    );

  it('records exactly who moved, entered and left between the run at T and the run a day later', async () => {
    const store = buildArchetypeStore();
    const T = store.asOf;
    const nextDay = new Date(T.getTime() + 24 * HOUR);
    const shop = await shopWith('diff.myshopify.com', store);

    const first = await service.run(shop, { asOf: T, seed: 42 });

    expect([first.runNumber, first.previousRunId, first.customers, first.entered, first.left]).toEqual([1, null, 60, 60, 0]);
    // A first run has no stayers: every customer entered from nowhere, into the group built for it.
    expect([...first.transitions].sort(byTransition)).toEqual([
      { from: null, to: 'about_to_sleep', customers: 10 },
      { from: null, to: 'loyal', customers: 10 },
      { from: null, to: 'loyal_at_risk', customers: 8 },
      { from: null, to: 'new', customers: 10 },
      { from: null, to: 'potential_loyal', customers: 10 },
      { from: null, to: 'sleepers', customers: 12 },
    ]);
    const groupsOfRun1 = await db.query(`SELECT customer_id, rfm_group FROM segment_memberships WHERE run_id = $1`, [first.runId]);
    for (const row of groupsOfRun1) expect(row.rfm_group).toBe(store.expectedGroups.get(row.customer_id));
    expect(await changes(shop.id, first.runId)).toHaveLength(60);

    // The day between the runs: two sleepers buy again, a new customer buys for the first time, a loyal
    // customer at risk comes back, and the only order of a customer about to sleep is cancelled.
    const writer = new StoreRepository(db);
    const placed = (orderId: string, customerId: string, totalPrice: number): OrderRecord =>
      buildOrder({ orderId, name: `#${orderId}`, customerId, createdAt: new Date(T.getTime() + 12 * HOUR), totalPrice, shippingCountry: 'FR' });
    await writer.upsertCustomers(shop.id, [buildCustomer({ customerId: 'newcomer-001', country: 'FR' })]);
    const cancelled = store.orders.filter((o) => o.customerId === 'about_to_sleep-010');
    expect(cancelled).toHaveLength(1);
    await writer.upsertOrders(
      shop.id,
      [
        placed('next-1', 'sleepers-001', 45),
        placed('next-2', 'sleepers-002', 50),
        placed('next-3', 'newcomer-001', 42),
        placed('next-4', 'loyal_at_risk-001', 100),
        { ...cancelled[0], financialStatus: 'voided', cancelledAt: new Date(T.getTime() + 18 * HOUR) },
      ],
      'next-day-sync',
    );

    const second = await service.run(shop, { asOf: nextDay, seed: 42 });

    // entered: new to the run (from = null); left: gone from it (to = null); the others moved between groups.
    expect([second.runNumber, second.previousRunId, second.customers, second.entered, second.left]).toEqual([2, first.runId, 60, 1, 1]);
    expect(movedBetweenGroups(second.transitions)).toBe(3);
    expect(await changes(shop.id, second.runId)).toEqual([
      { customer_id: 'about_to_sleep-010', from_group: 'about_to_sleep', to_group: null },
      { customer_id: 'loyal_at_risk-001', from_group: 'loyal_at_risk', to_group: 'loyal' },
      { customer_id: 'newcomer-001', from_group: null, to_group: 'new' },
      { customer_id: 'sleepers-001', from_group: 'sleepers', to_group: 'new' },
      { customer_id: 'sleepers-002', from_group: 'sleepers', to_group: 'new' },
    ]);
    expect([...second.transitions].sort(byTransition)).toEqual([
      { from: 'about_to_sleep', to: 'about_to_sleep', customers: 9 },
      { from: 'about_to_sleep', to: null, customers: 1 },
      { from: 'loyal', to: 'loyal', customers: 10 },
      { from: 'loyal_at_risk', to: 'loyal', customers: 1 },
      { from: 'loyal_at_risk', to: 'loyal_at_risk', customers: 7 },
      { from: 'new', to: 'new', customers: 10 },
      { from: 'potential_loyal', to: 'potential_loyal', customers: 10 },
      { from: 'sleepers', to: 'new', customers: 2 },
      { from: 'sleepers', to: 'sleepers', customers: 10 },
      { from: null, to: 'new', customers: 1 },
    ]);
    // Everyone of this run is on exactly one transition that ends in a group; the one who left is not in it.
    const intoAGroup = second.transitions.filter((t) => t.to !== null).reduce((n, t) => n + t.customers, 0);
    expect(intoAGroup).toBe(second.customers);
    expect(second.groups.map((g) => [g.group, g.customers])).toEqual([
      ['new', 13],
      ['about_to_sleep', 9],
      ['sleepers', 10],
      ['potential_loyal', 10],
      ['loyal', 11],
      ['loyal_at_risk', 7],
    ]);
    expect(await runs(shop.id)).toEqual([
      { run_number: 1, status: 'succeeded', previous_run_id: null, customers: 60, error: null, memberships: 60, changes: 60 },
      { run_number: 2, status: 'succeeded', previous_run_id: first.runId, customers: 60, error: null, memberships: 60, changes: 5 },
    ]);
  });

  it('dates each membership with its last entry into a group or tier, carried from run to run as the changes have it', async () => {
    const store = buildArchetypeStore();
    const T = store.asOf;
    const day = 24 * HOUR;
    const shop = await shopWith('last-change.myshopify.com', store);
    const lastChanges = async (runId: number) =>
      new Map<string, string>(
        (await db.query(`SELECT customer_id, last_change_at FROM segment_memberships WHERE run_id = $1`, [runId])).map(
          (row: { customer_id: string; last_change_at: Date | null }) => [row.customer_id, row.last_change_at?.toISOString() ?? 'null'],
        ),
      );
    // The definition: the latest run, up to this one, in which the customer entered a group or a tier.
    const fromHistory = async (runId: number) =>
      new Map<string, string>(
        (
          await db.query(
            `SELECT c.customer_id, max(r.as_of) AS at FROM segment_changes c JOIN segment_runs r ON r.id = c.run_id
             WHERE r.shop_id = $1 AND r.status = 'succeeded' AND c.to_group IS NOT NULL
               AND r.run_number <= (SELECT run_number FROM segment_runs WHERE id = $2)
               AND c.customer_id IN (SELECT customer_id FROM segment_memberships WHERE run_id = $2)
             GROUP BY c.customer_id`,
            [shop.id, runId],
          )
        ).map((row: { customer_id: string; at: Date }) => [row.customer_id, row.at.toISOString()]),
      );

    const first = await service.run(shop, { asOf: T, seed: 42 });
    await new StoreRepository(db).upsertOrders(
      shop.id,
      [buildOrder({ orderId: 'back-1', name: '#back-1', customerId: 'sleepers-001', createdAt: new Date(T.getTime() + 12 * HOUR), totalPrice: 45, shippingCountry: 'FR' })],
      'next-day-sync',
    );
    const second = await service.run(shop, { asOf: new Date(T.getTime() + day), seed: 42 });
    const third = await service.run(shop, { asOf: new Date(T.getTime() + 2 * day), seed: 42 });

    const atFirst = await lastChanges(first.runId);
    expect(new Set(atFirst.values())).toEqual(new Set([T.toISOString()]));
    expect(atFirst.size).toBe(60);
    const atThird = await lastChanges(third.runId);
    // The sleeper who bought again entered another group on day 2, and keeps that date on day 3.
    expect(atThird.get('sleepers-001')).toBe(new Date(T.getTime() + day).toISOString());
    // Nobody entered anything on day 3 (same store, same model): every date is carried from run 2.
    expect(atThird).toEqual(await lastChanges(second.runId));
    for (const run of [first, second, third]) expect(await lastChanges(run.runId)).toEqual(await fromHistory(run.runId));

    // A database from before the column: the migration dates each shop's latest run from the changes alone.
    const migration = new LastSegmentChange1764430000000();
    const runner = db.createQueryRunner();
    try {
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    expect(await lastChanges(third.runId)).toEqual(atThird);
    expect(new Set((await lastChanges(second.runId)).values())).toEqual(new Set(['null']));
  });

  it('fails a run of a shop with no eligible order with a clear message, records it as failed, and writes no membership', async () => {
    const store = buildArchetypeStore();
    const at = store.asOf;
    const day = 24 * HOUR;
    const customers = [buildCustomer({ customerId: 'c1' }), buildCustomer({ customerId: 'c2' }), buildCustomer({ customerId: 'c3' })];
    const orders = [
      buildOrder({ orderId: 'o1', customerId: 'c1', createdAt: new Date(at.getTime() - 3 * day), cancelledAt: new Date(at.getTime() - 2 * day), financialStatus: 'voided' }),
      buildOrder({ orderId: 'o2', customerId: 'c2', createdAt: new Date(at.getTime() - 3 * day), financialStatus: 'pending' }),
      buildOrder({ orderId: 'o3', customerId: 'c3', createdAt: new Date(at.getTime() - 3 * day), financialStatus: 'refunded', totalRefunded: 10 }),
      buildOrder({ orderId: 'o4', customerId: null, createdAt: new Date(at.getTime() - 3 * day) }), // a guest
      buildOrder({ orderId: 'o5', customerId: 'c1', createdAt: new Date(at.getTime() + day) }), // after the as-of moment
    ];
    const shop = await shopWith('empty.myshopify.com', { customers, orders });

    await expect(service.run(shop, { asOf: at, seed: 42 })).rejects.toThrow(
      'Shop empty.myshopify.com has no customer with an eligible order to segment',
    );
    expect(await runs(shop.id)).toEqual([
      {
        run_number: 1,
        status: 'failed',
        previous_run_id: null,
        customers: null,
        error: 'Shop empty.myshopify.com has no customer with an eligible order to segment',
        memberships: 0,
        changes: 0,
      },
    ]);

    // The next run that succeeds gets the next number, and has no previous run to diff against.
    const later = new Date(at.getTime() + 2 * day);
    const summary = await service.run(shop, { asOf: later, seed: 42 });
    expect([summary.runNumber, summary.previousRunId, summary.customers, summary.entered, summary.left]).toEqual([2, null, 1, 1, 0]);
    expect((await runs(shop.id)).map((r: { run_number: number; status: string }) => [r.run_number, r.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
  });

  it('fails a run whose memberships cannot be written, and leaves none of the values it worked out on the side', async () => {
    const store = buildArchetypeStore();
    const shop = await shopWith('full-disk.myshopify.com', store);
    // As if the database refused the write (a full disk, a lost connection): the values are committed by then
    // when they were worked out on a connection of their own.
    await db.query(`
      CREATE FUNCTION refuse_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`);
    await db.query(`
      CREATE TRIGGER refuse_memberships BEFORE INSERT ON segment_memberships
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_memberships()`);
    try {
      await expect(service.run(shop, { asOf: store.asOf, seed: 42 })).rejects.toThrow('No space left on device');
    } finally {
      await db.query(`DROP TRIGGER refuse_memberships ON segment_memberships`);
      await db.query(`DROP FUNCTION refuse_memberships()`);
    }
    expect(await runs(shop.id)).toEqual([
      { run_number: 1, status: 'failed', previous_run_id: null, customers: null, error: 'could not extend file: No space left on device', memberships: 0, changes: 0 },
    ]);
    expect(await db.query(`SELECT count(*)::int AS n FROM segment_run_values WHERE shop_id = $1`, [shop.id])).toEqual([{ n: 0 }]);
  });

  it("clears the values a stopped run of the shop left behind, never another shop's, and keeps none of its own", async () => {
    const store = buildArchetypeStore();
    const shop = await shopWith('stopped.myshopify.com', store);
    const other = await shopsRepo.ensure('busy.myshopify.com', { currency: 'EUR' });
    // A run killed after its values were committed, and a run of another shop in progress.
    await db.query(
      `INSERT INTO segment_run_values (shop_id, run_id, customer_id, p_alive) VALUES ($1, 9001, 'loyal-001', 0.5), ($2, 9002, 'loyal-001', 0.7)`,
      [shop.id, other.id],
    );

    const summary = await service.run(shop, { asOf: store.asOf, seed: 42 });

    expect(summary.customers).toBe(60);
    const left = await db.query(`SELECT shop_id, run_id::int AS run_id, customer_id, p_alive FROM segment_run_values ORDER BY shop_id`);
    expect(left).toEqual([{ shop_id: other.id, run_id: 9002, customer_id: 'loyal-001', p_alive: 0.7 }]);
    await db.query(`DELETE FROM segment_run_values WHERE shop_id = $1`, [other.id]);
  });

  // A run may take a second connection for its values; runs holding every connection of the pool while each
  // waits for a second would hang for good (8 runs on a pool of 4 did, before runs took only spare ones).
  it('runs twice as many shops at once as the pool has connections, and each finishes', async () => {
    const store = buildArchetypeStore();
    const poolSize = db.options.poolSize ?? 1;
    const shops = [];
    for (let i = 0; i < 2 * poolSize; i++) shops.push(await shopWith(`crowd-${i}.myshopify.com`, store));

    const summaries = await Promise.all(shops.map((shop) => service.run(shop, { asOf: store.asOf, seed: 42 })));

    expect(summaries.map((summary) => summary.customers)).toEqual(shops.map(() => 60));
    expect(await db.query(`SELECT count(*)::int AS n FROM segment_run_values`)).toEqual([{ n: 0 }]);
  }, 60_000);

  it("runs one shop without reading or writing another's rows, though both use the same customer ids", async () => {
    const storeA = buildArchetypeStore();
    // Shop B: the same customers, each order worth twice as much, and one more order for sleepers-001.
    const storeB = buildArchetypeStore();
    const ordersB = storeB.orders.map((o) =>
      buildOrder({ orderId: o.orderId, name: o.name, customerId: o.customerId, createdAt: o.createdAt, totalPrice: o.totalPrice * 2 }),
    );
    ordersB.push(buildOrder({ orderId: 'b-extra', customerId: 'sleepers-001', createdAt: new Date(storeB.asOf.getTime() - 5 * 24 * HOUR), totalPrice: 30 }));
    const shopA = await shopWith('shop-a.myshopify.com', storeA);
    const shopB = await shopWith('shop-b.myshopify.com', { customers: storeB.customers, orders: ordersB });

    const rowsOf = async (shopId: number) => ({
      customers: await db.query(`SELECT * FROM customers WHERE shop_id = $1 ORDER BY customer_id COLLATE "C"`, [shopId]),
      orders: await db.query(`SELECT * FROM orders WHERE shop_id = $1 ORDER BY order_id COLLATE "C"`, [shopId]),
      order_lines: await db.query(`SELECT * FROM order_lines WHERE shop_id = $1 ORDER BY order_id COLLATE "C", line_no`, [shopId]),
      runs: await db.query(`SELECT * FROM segment_runs WHERE shop_id = $1 ORDER BY id`, [shopId]),
      memberships: await db.query(`SELECT count(*)::int AS n FROM segment_memberships WHERE shop_id = $1`, [shopId]),
      changes: await db.query(`SELECT count(*)::int AS n FROM segment_changes WHERE shop_id = $1`, [shopId]),
    });
    const features = (runId: number) =>
      db.query(
        `SELECT customer_id, recency_days, frequency, monetary::float8 AS monetary, rfm_group FROM segment_memberships
         WHERE run_id = $1 ORDER BY customer_id COLLATE "C"`,
        [runId],
      );
    const expectedFeatures = (store: Pick<ArchetypeStore, 'customers' | 'orders'>) =>
      segmentStore(store.customers, store.orders, storeA.asOf, { seed: 42, restarts: 5 }).customers.map((c) => ({
        customer_id: c.customerId,
        recency_days: c.recencyDays,
        frequency: c.frequency,
        monetary: c.monetary,
        rfm_group: c.group,
      }));

    const bBefore = await rowsOf(shopB.id);
    const runA: RunSummary = await service.run(shopA, { asOf: storeA.asOf, seed: 42 });
    expect(await rowsOf(shopB.id)).toEqual(bBefore);
    expect(await features(runA.runId)).toEqual(expectedFeatures(storeA));

    const aAfterItsRun = await rowsOf(shopA.id);
    const runB = await service.run(shopB, { asOf: storeA.asOf, seed: 42 });
    expect(await rowsOf(shopA.id)).toEqual(aAfterItsRun);
    const featuresB = await features(runB.runId);
    expect(featuresB).toEqual(expectedFeatures({ customers: storeB.customers, orders: ordersB }));
    expect(featuresB.find((f: { customer_id: string }) => f.customer_id === 'sleepers-001')).toMatchObject({ frequency: 2, recency_days: 5 });
    expect(featuresB.find((f: { customer_id: string }) => f.customer_id === 'loyal-001')!.monetary).toBe(
      2 * (await features(runA.runId)).find((f: { customer_id: string }) => f.customer_id === 'loyal-001')!.monetary,
    );
    // Each shop numbers its own runs; B's first run has no previous run, though A has one.
    expect([runA.runNumber, runA.previousRunId, runB.runNumber, runB.previousRunId]).toEqual([1, null, 1, null]);
  });
});

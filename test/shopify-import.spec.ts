import { VersionedStoreWriter } from '../src/shopify/webhooks/versioned-store-writer';
/**
 * The Shopify import against the fake Admin API (a real HTTP server validating every document against the
 * 2026-10 schema), driven through the real `@shopify/shopify-api` client with SHOPIFY_API_BASE_URL pointed
 * at it, on PGlite and on PostgreSQL: bulk and paged paths give the same rows, watermarks, resuming after a
 * crash, a broken download, cost throttling and retries. Shared store and helpers: support/shopify-import-harness.ts.
 */
import { PAGE_SIZES } from '../src/shopify/admin/documents';
import { ShopifyImportError } from '../src/shopify/sync/bulk-operations';
import { ShopsRepository } from '../src/shops/shops.repository';
import { StoreRepository } from '../src/store/store.repository';
import {
  closeFakes,
  connectedFake,
  differences,
  expectedCounts,
  identical,
  NOW,
  PLUS_BUCKET,
  slice,
  STARTED,
  STORE,
} from './support/shopify-import-harness';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

afterAll(() => closeFakes());

describe.each(testDatabaseTargets())('Shopify import through the Admin API, on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  it('imports the same store identically through bulk exports and through paginated queries, with valid documents only', async () => {
    const bulk = await connectedFake(test);
    const paged = await connectedFake(test, PLUS_BUCKET);

    const bulkResult = await bulk.run();
    const pagedResult = await paged.run({ mode: 'incremental' });

    const counts = expectedCounts();
    expect(bulkResult.resources.map((r) => [r.resource, r.mode, r.records])).toEqual([
      ['customers', 'bulk', STORE.customers.length],
      ['orders', 'bulk', counts.orders],
      ['checkouts', 'bulk', counts.checkouts],
    ]);
    expect(pagedResult.resources.map((r) => [r.resource, r.mode, r.records])).toEqual([
      ['customers', 'incremental', STORE.customers.length],
      ['orders', 'incremental', counts.orders],
      ['checkouts', 'incremental', counts.checkouts],
    ]);
    expect(await differences(test, bulk.shop.id, paged.shop.id)).toEqual(identical(counts));
    for (const fake of [bulk.fake, paged.fake]) {
      expect(fake.rejectedDocuments).toEqual([]);
      expect(fake.executionErrors).toEqual([]);
      expect(fake.throttledCount).toBe(0);
    }
  });

  it('merges orders a chunk at a time as the file streams, with line items crossing chunk boundaries, into identical rows', async () => {
    const whole = await connectedFake(test);
    // The fake writes each order's line items after the next two orders: with 7 orders per merge, every
    // chunk starts with line items whose order an earlier chunk merged.
    const chunked = await connectedFake(test, {}, STORE, { ordersPerMerge: 7 });

    await whole.run();
    await chunked.run();

    expect(await differences(test, whole.shop.id, chunked.shop.id)).toEqual(identical(expectedCounts()));
  });

  it('replaces every order and its lines when the whole store is bulk-imported again, chunk by chunk', async () => {
    const reference = await connectedFake(test);
    const again = await connectedFake(test, {}, STORE, { ordersPerMerge: 7 });
    await reference.run();
    await again.run();

    const second = await again.run({ mode: 'full' });

    expect(second.resources.map((r) => [r.resource, r.mode])).toEqual([
      ['customers', 'bulk'],
      ['orders', 'bulk'],
      ['checkouts', 'bulk'],
    ]);
    expect(await differences(test, reference.shop.id, again.shop.id)).toEqual(identical(expectedCounts()));
  });

  it('leaves an order alone, lines included, when a webhook stored a newer version while Shopify exported', async () => {
    const reference = await connectedFake(test);
    const { shop, run } = await connectedFake(test);
    const order = STORE.orders.find((o) => o.customerId !== null && o.lines.length > 1)!;
    const newer = new Date(NOW.getTime() + 86_400_000);
    await new VersionedStoreWriter(test.database.dataSource).orders(shop.id, [
      { record: { ...order, name: '#FROM-WEBHOOK', lines: order.lines.slice(0, 1) }, sourceUpdatedAt: newer, refunds: [] },
    ]);

    await reference.run();
    await run();

    const [kept] = await test.database.dataSource.query(
      `SELECT name, source_updated_at, (SELECT count(*) FROM order_lines l WHERE l.shop_id = o.shop_id AND l.order_id = o.order_id)::int AS lines
       FROM orders o WHERE shop_id = $1 AND order_id = $2`,
      [shop.id, order.orderId],
    );
    expect(kept).toEqual({ name: '#FROM-WEBHOOK', source_updated_at: newer, lines: 1 });
    const counts = expectedCounts();
    const others = await differences(test, reference.shop.id, shop.id);
    expect(others.orders).toEqual({ a: counts.orders, b: counts.orders, onlyA: 1, onlyB: 1 });
    // The webhook's one line is the export's first: only the others are missing.
    const missing = order.lines.length - 1;
    expect(others.order_lines).toEqual({ a: counts.order_lines, b: counts.order_lines - missing, onlyA: missing, onlyB: 0 });
  });

  it('leaves a customer and a checkout a webhook stored newer alone, and a customer deleted since out, when Shopify exported older versions', async () => {
    const reference = await connectedFake(test);
    const { shop, run } = await connectedFake(test);
    const buyers = new Set(STORE.orders.map((order) => order.customerId));
    const updated = STORE.customers[0];
    // Shopify deletes only customers without orders.
    const deleted = STORE.customers.find((customer) => !buyers.has(customer.customerId))!;
    const later = new Date(NOW.getTime() + 86_400_000);
    const webhooks = new VersionedStoreWriter(test.database.dataSource);
    await webhooks.customers(shop.id, [{ record: { ...updated, tags: ['from-the-webhook'] }, sourceUpdatedAt: later }]);
    await webhooks.customerDeleted(shop.id, deleted.customerId, later);
    const checkout = STORE.checkouts[0];
    await webhooks.checkouts(shop.id, [{ record: { ...checkout, recoveryUrl: 'https://example.org/from-the-webhook' }, sourceUpdatedAt: later, productIds: [] }]);

    await reference.run();
    await run();

    const rows = await test.database.dataSource.query(
      `SELECT customer_id, tags, source_updated_at FROM customers WHERE shop_id = $1 AND customer_id = ANY ($2) ORDER BY customer_id`,
      [shop.id, [updated.customerId, deleted.customerId]],
    );
    expect(rows).toEqual([{ customer_id: updated.customerId, tags: ['from-the-webhook'], source_updated_at: later }]);
    const others = await differences(test, reference.shop.id, shop.id);
    const counts = expectedCounts();
    expect(others.customers).toEqual({ a: counts.customers, b: counts.customers - 1, onlyA: 2, onlyB: 1 });
    const [kept] = await test.database.dataSource.query(`SELECT recovery_url FROM checkouts WHERE shop_id = $1 AND checkout_id = $2`, [
      shop.id,
      checkout.checkoutId,
    ]);
    expect(kept.recovery_url).toBe('https://example.org/from-the-webhook');
  });

  it('reads back what the store holds: the API round trip loses nothing the store keeps (customer time zones aside)', async () => {
    const { shop, run } = await connectedFake(test);
    await run();
    const direct = await new ShopsRepository(test.database.dataSource).ensure(`direct-${shop.id}.example`);
    const writer = new StoreRepository(test.database.dataSource);
    await writer.upsertCustomers(direct.id, STORE.customers.map((customer) => ({ ...customer, timezone: null })));
    await writer.upsertOrders(direct.id, STORE.orders, 'direct');
    await writer.upsertCheckouts(direct.id, STORE.checkouts);

    expect(await differences(test, shop.id, direct.id)).toEqual(identical(expectedCounts()));
  });

  it('sets each watermark to its bulk operation start, then reads only what changed since', async () => {
    const { fake, shop, run } = await connectedFake(test);
    await run();
    const watermarks = await test.database.dataSource.query(
      `SELECT resource, watermark, last_mode FROM shopify_sync_state WHERE shop_id = $1 ORDER BY resource`,
      [shop.id],
    );
    // Shopify's DateTime has whole seconds.
    const started = fake.bulkOperations.all().map((op) => new Date(Math.floor(op.createdAt / 1000) * 1000));
    expect(watermarks).toEqual(
      [started[2], started[0], started[1]].map((watermark, i) => ({
        resource: ['checkouts', 'customers', 'orders'][i],
        watermark,
        last_mode: 'bulk',
      })),
    );
    const customer = STORE.customers[5];
    const changedAt = new Date(Date.now() - STARTED + NOW.getTime() + 60_000);
    fake.updateCustomer(customer.customerId, { tags: ['changed'], updatedAt: changedAt });

    const second = await run();

    expect(second.resources.map((r) => [r.resource, r.mode])).toEqual([
      ['customers', 'incremental'],
      ['orders', 'incremental'],
      ['checkouts', 'incremental'],
    ]);
    const [row] = await test.database.dataSource.query(`SELECT tags FROM customers WHERE shop_id = $1 AND customer_id = $2`, [
      shop.id,
      customer.customerId,
    ]);
    expect(row.tags).toEqual(['changed']);
    expect(second.resources[0].watermark).toBe(new Date(Math.floor(changedAt.getTime() / 1000) * 1000).toISOString());
  });

  it('leaves a newer version a webhook stored alone when an incremental page brings an older one', async () => {
    const { fake, shop, run } = await connectedFake(test);
    await run();
    const customer = STORE.customers[7];
    const pagedAt = new Date(Date.now() - STARTED + NOW.getTime() + 60_000);
    fake.updateCustomer(customer.customerId, { tags: ['from-the-page'], updatedAt: pagedAt });
    // A customers/update delivered before the import reads the page, one minute newer than the page's version.
    await new VersionedStoreWriter(test.database.dataSource).customers(shop.id, [
      { record: { ...customer, tags: ['from-the-webhook'] }, sourceUpdatedAt: new Date(pagedAt.getTime() + 60_000) },
    ]);

    await run();

    const [row] = await test.database.dataSource.query(
      `SELECT tags, source_updated_at FROM customers WHERE shop_id = $1 AND customer_id = $2`,
      [shop.id, customer.customerId],
    );
    expect(row).toEqual({ tags: ['from-the-webhook'], source_updated_at: new Date(pagedAt.getTime() + 60_000) });
  });

  it('resumes an incremental import from the last committed page after a crash, ending with identical rows', async () => {
    const reference = await connectedFake(test);
    await reference.run();
    const crashed = await connectedFake(test, PLUS_BUCKET);

    const crash = await crashed
      .run({
        mode: 'incremental',
        afterPage: (resource, page) => {
          if (resource === 'orders' && page === 3) throw new Error('injected crash after 3 pages of orders');
        },
      })
      .catch((error) => error);
    expect(crash.message).toBe('injected crash after 3 pages of orders');
    const [partial] = await test.database.dataSource.query(`SELECT count(*)::int AS n FROM orders WHERE shop_id = $1`, [crashed.shop.id]);
    expect(partial.n).toBeGreaterThan(0);
    expect(partial.n).toBeLessThan(expectedCounts().orders);
    const requestsBefore = crashed.fake.requestsByOperation.get('OrdersPage') ?? 0;

    await crashed.run({ mode: 'incremental' });

    expect(await differences(test, reference.shop.id, crashed.shop.id)).toEqual(identical(expectedCounts()));
    // Resumed, not restarted: the re-run skipped the 3 committed pages (the page at the watermark's instant
    // may be read again).
    const wholePass = Math.ceil(expectedCounts().orders / PAGE_SIZES.orders);
    const pagesAfter = (crashed.fake.requestsByOperation.get('OrdersPage') ?? 0) - requestsBefore;
    expect(requestsBefore).toBe(3);
    expect(pagesAfter).toBeGreaterThanOrEqual(wholePass - 3);
    expect(pagesAfter).toBeLessThanOrEqual(wholePass - 2);
  });

  it('leaves nothing of a resource when its bulk file breaks off mid-download; a re-run gives identical rows', async () => {
    const reference = await connectedFake(test);
    await reference.run();
    const broken = await connectedFake(test);
    // Customers' and checkouts' files arrive whole; the orders' file is cut after 20 kB.
    broken.fake.failNext(1, { drop: true, afterBytes: 20_000 }, 'bulk-file', 'orders');

    const failure = await broken.run().catch((error) => error);

    expect(failure).toBeInstanceOf(ShopifyImportError);
    expect(failure.message).toMatch(/^The download of Shopify's export of orders broke off .*Nothing of it was imported; run the import again$/);
    const [counts] = await test.database.dataSource.query(
      `SELECT (SELECT count(*) FROM customers WHERE shop_id = $1)::int AS customers,
              (SELECT count(*) FROM orders WHERE shop_id = $1)::int AS orders`,
      [broken.shop.id],
    );
    expect(counts).toEqual({ customers: STORE.customers.length, orders: 0 });

    await broken.run();

    expect(await differences(test, reference.shop.id, broken.shop.id)).toEqual(identical(expectedCounts()));
  });

  it('waits for the cost bucket instead of being throttled, and retries 429, 500 and a dropped connection', async () => {
    const store = slice(60);
    const { fake, run } = await connectedFake(test, { maximumAvailable: 1000, restoreRate: 500 }, store);
    fake.failNext(2, { status: 429, retryAfter: 0.05 });
    fake.failNext(2, { status: 500 });
    fake.failNext(1, { drop: true });

    const result = await run({ mode: 'incremental' });

    const counts = expectedCounts(store);
    expect(result.resources.map((r) => r.records)).toEqual([counts.customers, counts.orders, counts.checkouts]);
    expect(result.retries).toBe(5);
    expect(result.throttleWaits).toBeGreaterThan(0);
    expect(fake.throttledCount).toBe(0);
    expect(fake.rejectedDocuments).toEqual([]);
  });
});

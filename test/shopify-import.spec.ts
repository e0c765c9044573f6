/**
 * The Shopify import against the fake Admin API (a real HTTP server validating every document against the
 * 2026-10 schema), driven through the real `@shopify/shopify-api` client with SHOPIFY_API_BASE_URL pointed
 * at it, on PGlite and on PostgreSQL. One generated store (the demo generator, 300 customers) is served by
 * several fakes, one per shop, so that paths can be compared row by row in SQL.
 */
import { randomBytes } from 'node:crypto';
import { generateSampleStore } from '../src/demo/sample-store';
import { AdminClients } from '../src/shopify/admin/admin-clients';
import { ShopifyAuthenticationError } from '../src/shopify/admin/admin-api-client';
import { PAGE_SIZES } from '../src/shopify/admin/documents';
import { ShopConnectionService } from '../src/shopify/admin/shop-connection.service';
import { ShopifyApp } from '../src/shopify/admin/shopify-app';
import { ShopifyImportError } from '../src/shopify/sync/bulk-operations';
import { ShopifyImportService, type ShopifyImportOptions } from '../src/shopify/sync/shopify-import.service';
import { ShopCredentialsRepository } from '../src/shops/shop-credentials.repository';
import { ShopsRepository } from '../src/shops/shops.repository';
import { StoreRepository } from '../src/store/store.repository';
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../src/store/store-records';
import { FakeShopify, type FakeShopifyOptions } from './fakes/shopify';
import { fillFakeShopifyGaps } from './support/shopify-fake-gaps';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

fillFakeShopifyGaps();

const AS_OF = new Date('2026-11-20T00:00:00Z');
const NOW = new Date('2026-11-27T06:00:00Z');
const SECRET_KEY = randomBytes(32);
const STARTED = Date.now();

/** The generated store, once: what every fake serves, its moments cut to whole seconds as Shopify keeps them. */
const STORE = (() => {
  const store = { customers: [] as CustomerRecord[], orders: [] as OrderRecord[], checkouts: [] as CheckoutRecord[] };
  for (const batch of generateSampleStore({ customers: 300, asOf: AS_OF, seed: 11 })) {
    store.customers.push(...batch.customers.map(wholeSeconds));
    store.orders.push(...batch.orders.map(wholeSeconds));
    store.checkouts.push(...batch.checkouts.map(wholeSeconds));
  }
  // Two guest checkouts (no customer account): one by a known customer's email, one by a new address.
  const [a, b] = store.orders;
  store.orders.push(
    { ...a, orderId: '5999999999001', name: '#G1', customerId: null, customerEmail: store.customers[0].email },
    { ...b, orderId: '5999999999002', name: '#G2', customerId: null, customerEmail: 'guest.only@example.org' },
  );
  return store;
})();

function wholeSeconds<T extends object>(record: T): T {
  const copy = { ...record } as Record<string, unknown>;
  for (const [key, value] of Object.entries(copy)) {
    if (value instanceof Date) copy[key] = new Date(Math.floor(value.getTime() / 1000) * 1000);
  }
  return copy as unknown as T;
}

/** Shopify Plus's cost bucket: whole-store paging in a test takes seconds, not minutes (single queries stay ≤ 1,000). */
const PLUS_BUCKET = { maximumAvailable: 20_000, restoreRate: 1_000 };

/** Every column that the store keeps about the shop's data, bookkeeping (import_id, updated_at) aside. */
const TABLES: Record<string, string> = {
  customers: `customer_id, email, phone, first_name, last_name, country, province, timezone, tags, email_consent, sms_consent, created_at`,
  orders: `order_id, name, customer_id, created_at, financial_status, cancelled_at, currency, subtotal, total_discounts,
           total_price, total_refunded, discount_codes, shipping_country, item_quantity, full_price_quantity, categories`,
  order_lines: `order_id, line_no, product_id, sku, title, product_type, quantity, price, compare_at_price, discount_amount`,
  checkouts: `checkout_id, customer_id, email, created_at, completed_at, total_price, currency, recovery_url, categories`,
  product_launches: `product_id, first_sold_at`,
};

const fakes: FakeShopify[] = [];
let shopNumber = 0;
let logged: string[] = [];

type Store = typeof STORE;

/** The first n customers of the store with their orders and checkouts. */
function slice(n: number): Store {
  const ids = new Set(STORE.customers.slice(0, n).map((customer) => customer.customerId));
  return {
    customers: STORE.customers.slice(0, n),
    orders: STORE.orders.filter((order) => order.customerId !== null && ids.has(order.customerId)),
    checkouts: STORE.checkouts.filter((checkout) => checkout.customerId !== null && ids.has(checkout.customerId)),
  };
}

async function startFake(options: FakeShopifyOptions = {}, store: Store = STORE): Promise<FakeShopify> {
  const fake = await FakeShopify.start({
    shop: `store-${++shopNumber}-${process.pid}.myshopify.com`,
    accessToken: `shpat_${randomBytes(16).toString('hex')}`,
    shopName: 'Demo Outfitters',
    currency: 'USD',
    timezone: 'America/New_York',
    // The fake's clock starts at NOW and runs (its cost bucket refills with time).
    clock: () => NOW.getTime() + (Date.now() - STARTED),
    bulk: { createdMs: 10, runningMs: 30, interleave: true },
    ...options,
  });
  fakes.push(fake);
  fake.seed(store);
  return fake;
}

afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
});

describe.each(testDatabaseTargets())('Shopify import through the Admin API, on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  /** The service stack as the application wires it, with this fake as SHOPIFY_API_BASE_URL. */
  function services(fake: FakeShopify, secretKey: Buffer | null = SECRET_KEY) {
    const { dataSource } = test.database;
    const app = new ShopifyApp({ apiBaseUrl: fake.baseUrl, apiKey: null, apiSecret: null, appUrl: null, log: (m) => logged.push(m) });
    const credentials = new ShopCredentialsRepository(dataSource, secretKey);
    const clients = new AdminClients(app, credentials);
    const shops = new ShopsRepository(dataSource);
    return {
      connections: new ShopConnectionService(dataSource, clients, secretKey),
      importer: new ShopifyImportService(dataSource, shops, clients, { pollIntervalMs: 20 }),
      clients,
    };
  }

  async function connectedFake(options: FakeShopifyOptions = {}, store: Store = STORE) {
    const fake = await startFake(options, store);
    const stack = services(fake);
    const { shop } = await stack.connections.connect(fake.shop, fake.accessToken);
    const run = (importOptions: ShopifyImportOptions = {}) => stack.importer.import(fake.shop, { now: NOW, ...importOptions });
    return { fake, shop, run, ...stack };
  }

  /** Rows of one shop that the other lacks, per table, both ways; counts alongside. */
  async function differences(shopA: number, shopB: number) {
    const result: Record<string, { a: number; b: number; onlyA: number; onlyB: number }> = {};
    for (const [table, columns] of Object.entries(TABLES)) {
      const [row] = await test.database.dataSource.query(
        `SELECT (SELECT count(*) FROM ${table} WHERE shop_id = $1)::int AS a,
                (SELECT count(*) FROM ${table} WHERE shop_id = $2)::int AS b,
                (SELECT count(*) FROM (SELECT ${columns} FROM ${table} WHERE shop_id = $1
                                       EXCEPT ALL SELECT ${columns} FROM ${table} WHERE shop_id = $2) d)::int AS "onlyA",
                (SELECT count(*) FROM (SELECT ${columns} FROM ${table} WHERE shop_id = $2
                                       EXCEPT ALL SELECT ${columns} FROM ${table} WHERE shop_id = $1) d)::int AS "onlyB"`,
        [shopA, shopB],
      );
      result[table] = row;
    }
    return result;
  }

  function identical(counts: { customers: number; orders: number; order_lines: number; checkouts: number }) {
    return Object.fromEntries(
      Object.entries(TABLES).map(([table]) => {
        const n = (counts as Record<string, number>)[table];
        return [table, n === undefined ? expect.objectContaining({ onlyA: 0, onlyB: 0 }) : { a: n, b: n, onlyA: 0, onlyB: 0 }];
      }),
    );
  }

  const expectedCounts = (store: Store = STORE) => {
    const tenYears = new Date(Date.UTC(NOW.getUTCFullYear() - 10, NOW.getUTCMonth(), NOW.getUTCDate()));
    const orders = store.orders.filter((order) => order.createdAt >= tenYears);
    // A guest order whose email no customer has gets a customer of its own (email:<address>).
    const emails = new Set(store.customers.map((customer) => customer.email?.toLowerCase()));
    const guests = new Set(
      orders.filter((o) => o.customerId === null && o.customerEmail && !emails.has(o.customerEmail.toLowerCase())).map((o) => o.customerEmail!.toLowerCase()),
    );
    return {
      customers: store.customers.length + guests.size,
      orders: orders.length,
      order_lines: orders.reduce((n, order) => n + order.lines.length, 0),
      checkouts: store.checkouts.length,
    };
  };

  it('connects a shop with its token: details read from the API, token sealed with its scopes, never in clear', async () => {
    const fake = await startFake({ shopName: 'Maison Lumière', currency: 'EUR', timezone: 'Europe/Paris' });
    const { connections } = services(fake);

    const connected = await connections.connect(fake.shop.toUpperCase(), fake.accessToken);

    expect(connected.shop).toMatchObject({ domain: fake.shop, name: 'Maison Lumière', currency: 'EUR', timezone: 'Europe/Paris' });
    expect(connected.scopes).toEqual(['read_all_orders', 'read_checkouts', 'read_customers', 'read_orders']);
    const stored = await test.database.dataSource.query(`SELECT * FROM shop_credentials WHERE shop_id = $1`, [connected.shop.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0].scopes).toBe('read_all_orders,read_checkouts,read_customers,read_orders');
    expect(JSON.stringify(stored)).not.toContain(fake.accessToken);
    expect(await new ShopCredentialsRepository(test.database.dataSource, SECRET_KEY).get(connected.shop.id, 'shopify')).toBe(fake.accessToken);
  });

  it('refuses a wrong token, saying so, and stores nothing', async () => {
    const fake = await startFake();
    const { connections } = services(fake);
    const wrong = 'shpat_0000000000000000wrongwrong';

    const failure = await connections.connect(fake.shop, wrong).catch((error) => error);

    expect(failure).toBeInstanceOf(ShopifyAuthenticationError);
    expect(failure.message).toBe(
      `Shopify rejected the access token for ${fake.shop}: it is wrong, revoked, or belongs to another store ` +
        `(create a new Admin API access token in the custom app, or reinstall the app)`,
    );
    expect(failure.message + failure.stack).not.toContain(wrong);
    const shops = await test.database.dataSource.query(`SELECT id FROM shops WHERE domain = $1`, [fake.shop]);
    expect(shops).toEqual([]);
  });

  it('refuses to connect without SEGMENT_SYNC_SECRET_KEY, naming the variable', async () => {
    const fake = await startFake();
    const { connections } = services(fake, null);
    await expect(connections.connect(fake.shop, fake.accessToken)).rejects.toThrow(/^SEGMENT_SYNC_SECRET_KEY is not set/);
  });

  it('imports the same store identically through bulk exports and through paginated queries, with valid documents only', async () => {
    const bulk = await connectedFake();
    const paged = await connectedFake(PLUS_BUCKET);

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
    expect(await differences(bulk.shop.id, paged.shop.id)).toEqual(identical(counts));
    for (const fake of [bulk.fake, paged.fake]) {
      expect(fake.rejectedDocuments).toEqual([]);
      expect(fake.executionErrors).toEqual([]);
      expect(fake.throttledCount).toBe(0);
    }
  });

  it('reads back what the store holds: the API round trip loses nothing the store keeps (customer time zones aside)', async () => {
    const { shop, run } = await connectedFake();
    await run();
    const direct = await new ShopsRepository(test.database.dataSource).ensure(`direct-${shop.id}.example`);
    const writer = new StoreRepository(test.database.dataSource);
    await writer.upsertCustomers(direct.id, STORE.customers.map((customer) => ({ ...customer, timezone: null })));
    await writer.upsertOrders(direct.id, STORE.orders, 'direct');
    await writer.upsertCheckouts(direct.id, STORE.checkouts);

    expect(await differences(shop.id, direct.id)).toEqual(identical(expectedCounts()));
  });

  it('sets each watermark to its bulk operation start, then reads only what changed since', async () => {
    const { fake, shop, run } = await connectedFake();
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

  it('resumes an incremental import from the last committed page after a crash, ending with identical rows', async () => {
    const reference = await connectedFake();
    await reference.run();
    const crashed = await connectedFake(PLUS_BUCKET);

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

    expect(await differences(reference.shop.id, crashed.shop.id)).toEqual(identical(expectedCounts()));
    // Resumed, not restarted: the re-run skipped the 3 committed pages (the page at the watermark's instant
    // may be read again).
    const wholePass = Math.ceil(expectedCounts().orders / PAGE_SIZES.orders);
    const pagesAfter = (crashed.fake.requestsByOperation.get('OrdersPage') ?? 0) - requestsBefore;
    expect(requestsBefore).toBe(3);
    expect(pagesAfter).toBeGreaterThanOrEqual(wholePass - 3);
    expect(pagesAfter).toBeLessThanOrEqual(wholePass - 2);
  });

  it('leaves nothing of a resource when its bulk file breaks off mid-download; a re-run gives identical rows', async () => {
    const reference = await connectedFake();
    await reference.run();
    const broken = await connectedFake();
    // Customers' file arrives whole; the orders' file is cut after 20 kB.
    broken.fake.failNext(1, { delayMs: 0 }, 'bulk-file');
    broken.fake.failNext(1, { drop: true, afterBytes: 20_000 }, 'bulk-file');

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

    expect(await differences(reference.shop.id, broken.shop.id)).toEqual(identical(expectedCounts()));
  });

  it('waits for the cost bucket instead of being throttled, and retries 429, 500 and a dropped connection', async () => {
    const store = slice(60);
    const { fake, run } = await connectedFake({ maximumAvailable: 1000, restoreRate: 500 }, store);
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

  it('stops before reading anything when the token lacks read_all_orders, saying what to do', async () => {
    const { fake, shop, run } = await connectedFake();
    fake.setScopes(['read_customers', 'read_orders']);

    const failure = await run().catch((error) => error);

    expect(failure).toBeInstanceOf(ShopifyImportError);
    expect(failure.message).toBe(
      'Shopify refused access to orders: the app needs the read_all_orders scope to read orders older than 60 days; ' +
        "reinstall the app (or edit the custom app's Admin API scopes) with it",
    );
    const [row] = await test.database.dataSource.query(`SELECT count(*)::int AS n FROM customers WHERE shop_id = $1`, [shop.id]);
    expect(row.n).toBe(0);
  });

  it.each([
    [{ status: 'FAILED', errorCode: 'ACCESS_DENIED' } as const, /^Shopify refused access to customers: the app needs the read_customers scope/],
    [{ status: 'FAILED', errorCode: 'INTERNAL_SERVER_ERROR' } as const, /^Shopify failed while exporting customers \(an internal error on Shopify's side\)\. Nothing was imported; try again later$/],
    [{ status: 'FAILED', errorCode: 'TIMEOUT' } as const, /^Shopify gave up exporting customers: the export took too long/],
    [{ status: 'EXPIRED' } as const, /^Shopify's export of customers expired before it could be downloaded\. Nothing was imported; run the import again$/],
  ])('reports a bulk operation that ends %j in words a merchant understands, writing nothing', async (outcome, message) => {
    const { fake, shop, run } = await connectedFake();
    fake.failNextBulkOperation(outcome);

    const failure = await run().catch((error) => error);

    expect(failure).toBeInstanceOf(ShopifyImportError);
    expect(failure.message).toMatch(message);
    const [row] = await test.database.dataSource.query(`SELECT count(*)::int AS n FROM customers WHERE shop_id = $1`, [shop.id]);
    expect(row.n).toBe(0);
  });

  it('never shows a token in logs, errors or the database', async () => {
    const tokens = fakes.map((fake) => fake.accessToken);
    const dump = await test.database.dataSource.query(`SELECT * FROM shop_credentials`);
    const text = JSON.stringify(dump) + logged.join('\n');
    for (const token of tokens) expect(text).not.toContain(token);
  });
});


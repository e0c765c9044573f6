/**
 * What the Shopify import tests share: one generated store (the demo generator, 300 customers, two guest
 * orders), served by as many fake Admin APIs as a test needs (one per shop, so paths can be compared row by
 * row in SQL), the service stack wired as the application wires it with the fake as SHOPIFY_API_BASE_URL,
 * and the row-by-row comparison.
 */
import { randomBytes } from 'node:crypto';
import { generateSampleStore } from '../../src/demo/sample-store';
import { AdminClients } from '../../src/shopify/admin/admin-clients';
import { ShopConnectionService } from '../../src/shopify/admin/shop-connection.service';
import { ShopifyApp } from '../../src/shopify/admin/shopify-app';
import type { BulkOperationOptions } from '../../src/shopify/sync/bulk-operations';
import { ShopifyImportService, type ShopifyImportOptions } from '../../src/shopify/sync/shopify-import.service';
import { ShopCredentialsRepository } from '../../src/shops/shop-credentials.repository';
import { ShopsRepository } from '../../src/shops/shops.repository';
import type { CheckoutRecord, CustomerRecord, OrderRecord } from '../../src/store/store-records';
import { FakeShopify, type FakeShopifyOptions } from '../fakes/shopify';
import type { TestDatabase } from './test-databases';

const AS_OF = new Date('2026-11-20T00:00:00Z');
export const NOW = new Date('2026-11-27T06:00:00Z');
export const SECRET_KEY = randomBytes(32);
export const STARTED = Date.now();

/** The generated store, once: what every fake serves, its moments cut to whole seconds as Shopify keeps them. */
export const STORE = (() => {
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
export const PLUS_BUCKET = { maximumAvailable: 20_000, restoreRate: 1_000 };

/** Every column that the store keeps about the shop's data, bookkeeping (import_id, updated_at) aside. */
const TABLES: Record<string, string> = {
  customers: `customer_id, email, phone, first_name, last_name, country, province, timezone, tags, email_consent, sms_consent, created_at`,
  orders: `order_id, name, customer_id, created_at, financial_status, cancelled_at, currency, subtotal, total_discounts,
           total_price, total_refunded, discount_codes, shipping_country, item_quantity, full_price_quantity, categories`,
  order_lines: `order_id, line_no, product_id, sku, title, product_type, quantity, price, compare_at_price, discount_amount`,
  checkouts: `checkout_id, customer_id, email, created_at, completed_at, total_price, currency, recovery_url, categories`,
  product_launches: `product_id, first_sold_at`,
};

export const fakes: FakeShopify[] = [];
let shopNumber = 0;
/** What the library logged through the app's log function. */
export const logged: string[] = [];

export type Store = typeof STORE;

/** The first n customers of the store with their orders and checkouts. */
export function slice(n: number): Store {
  const ids = new Set(STORE.customers.slice(0, n).map((customer) => customer.customerId));
  return {
    customers: STORE.customers.slice(0, n),
    orders: STORE.orders.filter((order) => order.customerId !== null && ids.has(order.customerId)),
    checkouts: STORE.checkouts.filter((checkout) => checkout.customerId !== null && ids.has(checkout.customerId)),
  };
}

export async function startFake(options: FakeShopifyOptions = {}, store: Store = STORE): Promise<FakeShopify> {
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

/** Closes every fake started by this test file (call in afterAll). */
export async function closeFakes(): Promise<void> {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
}


/** The service stack as the application wires it, with this fake as SHOPIFY_API_BASE_URL. */
export function services(test: TestDatabase, fake: FakeShopify, secretKey: Buffer | null = SECRET_KEY, bulk: BulkOperationOptions = {}) {
  const { dataSource } = test.database;
  const app = new ShopifyApp({ apiBaseUrl: fake.baseUrl, apiKey: null, apiSecret: null, appUrl: null, log: (m) => logged.push(m) });
  const credentials = new ShopCredentialsRepository(dataSource, secretKey);
  const clients = new AdminClients(app, credentials);
  const shops = new ShopsRepository(dataSource);
  return {
    connections: new ShopConnectionService(dataSource, clients, secretKey),
    importer: new ShopifyImportService(dataSource, shops, clients, { pollIntervalMs: 20, ...bulk }),
    clients,
  };
}

export async function connectedFake(test: TestDatabase, options: FakeShopifyOptions = {}, store: Store = STORE, bulk: BulkOperationOptions = {}) {
  const fake = await startFake(options, store);
  const stack = services(test, fake, SECRET_KEY, bulk);
  const { shop } = await stack.connections.connect(fake.shop, fake.accessToken);
  const run = (importOptions: ShopifyImportOptions = {}) => stack.importer.import(fake.shop, { now: NOW, ...importOptions });
  return { fake, shop, run, ...stack };
}

/** Rows of one shop that the other lacks, per table, both ways; counts alongside. */
export async function differences(test: TestDatabase, shopA: number, shopB: number) {
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

export function identical(counts: { customers: number; orders: number; order_lines: number; checkouts: number }) {
  return Object.fromEntries(
    Object.entries(TABLES).map(([table]) => {
      const n = (counts as Record<string, number>)[table];
      return [table, n === undefined ? expect.objectContaining({ onlyA: 0, onlyB: 0 }) : { a: n, b: n, onlyA: 0, onlyB: 0 }];
    }),
  );
}

export const expectedCounts = (store: Store = STORE) => {
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

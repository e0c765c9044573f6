import { createHmac, randomBytes } from 'node:crypto';
import { generateSampleStore } from '../src/demo/sample-store';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { CredentialCipher } from '../src/shops/credential-cipher';
import { ShopCredentialsRepository } from '../src/shops/shop-credentials.repository';
import { ShopsRepository, type ShopRecord } from '../src/shops/shops.repository';
import { CustomerDataRequestsService } from '../src/shopify/compliance/customer-data-requests.service';
import { WebhookInboxRepository } from '../src/shopify/webhooks/webhook-inbox.repository';
import { WebhookIntake } from '../src/shopify/webhooks/webhook-intake';
import { WebhookWorker } from '../src/shopify/webhooks/webhook-worker';
import type { CustomerRecord, OrderRecord } from '../src/store/store-records';
import { StoreRepository } from '../src/store/store.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

/**
 * Privacy compliance webhooks on the real database: a sample store with one customer whose details are
 * unique (Zenobia Quillfeather), a segment run over it, then customers/data_request, customers/redact and
 * shop/redact delivered signed through the intake and applied by the worker.
 */
const SECRET = 'shpss_compliance_secret';
const KEY = randomBytes(32);
const AS_OF = new Date('2026-11-27T06:00:00Z');
const ZENOBIA = {
  id: '99000001',
  email: 'zenobia.quillfeather@privacy.example',
  phone: '+15550009876',
  firstName: 'Zenobia',
  lastName: 'Quillfeather',
  province: 'Quillshire',
};
/** Everything that identifies her; none may remain anywhere after customers/redact. */
const HER_DETAILS = [ZENOBIA.email, ZENOBIA.phone, ZENOBIA.firstName, ZENOBIA.lastName, ZENOBIA.province];

function zenobia(): CustomerRecord {
  return {
    customerId: ZENOBIA.id,
    email: ZENOBIA.email,
    phone: ZENOBIA.phone,
    firstName: ZENOBIA.firstName,
    lastName: ZENOBIA.lastName,
    country: 'CA',
    province: ZENOBIA.province,
    timezone: 'America/Toronto',
    tags: ['vip'],
    emailConsent: 'subscribed',
    smsConsent: 'subscribed',
    createdAt: new Date('2024-01-05T00:00:00Z'),
  };
}

function herOrder(orderId: string, daysAgo: number, amount: number): OrderRecord {
  return {
    orderId,
    name: `#${orderId}`,
    customerId: ZENOBIA.id,
    createdAt: new Date(AS_OF.getTime() - daysAgo * 86_400_000),
    financialStatus: 'paid',
    cancelledAt: null,
    currency: 'USD',
    subtotal: amount,
    totalDiscounts: 0,
    totalPrice: amount,
    totalRefunded: 0,
    discountCodes: [],
    shippingCountry: 'CA',
    lines: [
      { lineNo: 1, productId: 'p-1', sku: 'S1', title: 'Scarf', productType: 'Accessories', quantity: 1, price: amount, compareAtPrice: null, discountAmount: 0 },
    ],
  };
}

describe.each(testDatabaseTargets())('Privacy compliance webhooks on $name', (target) => {
  let test: TestDatabase;
  let intake: WebhookIntake;
  let worker: WebhookWorker;
  let shops: ShopsRepository;
  let deliveries = 0;

  beforeAll(async () => {
    test = await target.open();
    const db = test.database.dataSource;
    shops = new ShopsRepository(db);
    worker = new WebhookWorker(db, new CredentialCipher(KEY), { batchSize: 10 });
    intake = new WebhookIntake(new WebhookInboxRepository(db), SECRET, () => undefined);
  }, 120_000);
  afterAll(async () => test?.dispose());

  const query = (sql: string, parameters?: unknown[]) => test.database.dataSource.query(sql, parameters);

  async function deliver(shop: string, topic: string, payload: unknown): Promise<void> {
    const body = JSON.stringify(payload);
    const answer = await intake.receive(
      { topic, shopDomain: shop, webhookId: `compliance-${++deliveries}`, hmac: createHmac('sha256', SECRET).update(body).digest('base64') },
      Buffer.from(body),
    );
    expect(answer).toMatchObject({ status: 200, outcome: 'accepted' });
    expect(await worker.drain()).toMatchObject({ failed: 0 });
  }

  /** A sample store of 300 customers plus Zenobia (3 orders, 2 checkouts), a Klaviyo connection, and a segment run. */
  async function storeWithZenobia(domain: string): Promise<ShopRecord> {
    const db = test.database.dataSource;
    const shop = await shops.ensure(domain);
    const writer = new StoreRepository(db);
    for (const batch of generateSampleStore({ customers: 300, seed: 3, asOf: AS_OF })) {
      await writer.upsertCustomers(shop.id, batch.customers);
      await writer.upsertOrders(shop.id, batch.orders, 'sample');
      await writer.upsertCheckouts(shop.id, batch.checkouts);
    }
    await writer.upsertCustomers(shop.id, [zenobia()]);
    await writer.upsertOrders(shop.id, [herOrder('z-1', 400, 80), herOrder('z-2', 120, 95.5), herOrder('z-3', 10, 120)], 'manual');
    await writer.upsertCheckouts(shop.id, [
      { checkoutId: 'zc-1', customerId: ZENOBIA.id, email: ZENOBIA.email, createdAt: new Date('2026-11-20T00:00:00Z'), completedAt: null, totalPrice: 40, currency: 'USD', recoveryUrl: `https://${domain}/recover?email=${ZENOBIA.email}`, categories: ['Accessories'] },
      // Left before she logged in: only her email names her.
      { checkoutId: 'zc-2', customerId: null, email: ZENOBIA.email.toUpperCase(), createdAt: new Date('2026-11-21T00:00:00Z'), completedAt: null, totalPrice: 15, currency: 'USD', recoveryUrl: null, categories: [] },
    ]);
    await new ShopCredentialsRepository(db, KEY).put(shop.id, 'klaviyo', 'pk_test_private_key');
    await new SegmentRunService(db, shops).run(shop, { asOf: AS_OF });
    // A webhook that carried her details, already applied.
    await deliver(domain, 'customers/update', {
      id: Number(ZENOBIA.id),
      email: ZENOBIA.email,
      first_name: ZENOBIA.firstName,
      last_name: ZENOBIA.lastName,
      phone: ZENOBIA.phone,
      created_at: '2024-01-05T00:00:00Z',
      updated_at: '2026-11-26T00:00:00Z',
      tags: 'vip',
      default_address: { country_code: 'CA', province: ZENOBIA.province, address1: '1 Quill Lane' },
      email_marketing_consent: { state: 'subscribed' },
      sms_marketing_consent: { state: 'subscribed' },
    });
    return shop;
  }

  /** Every text, varchar, array and json column of every table in the schema, searched for each needle. */
  async function placesMentioning(needles: string[]): Promise<string[]> {
    const columns: { table_name: string; column_name: string }[] = await query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t USING (table_schema, table_name)
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`,
    );
    const found: string[] = [];
    for (const { table_name, column_name } of columns) {
      for (const needle of needles) {
        const [row] = await query(
          `SELECT count(*)::int AS n FROM "${table_name}" WHERE strpos(lower("${column_name}"::text), lower($1)) > 0`,
          [needle],
        );
        if (row.n > 0) found.push(`${table_name}.${column_name} has ${needle} (${row.n})`);
      }
    }
    return found;
  }

  let shop: ShopRecord;

  it('customers/data_request stores everything the service holds about the customer, for the merchant', async () => {
    shop = await storeWithZenobia('privacy.myshopify.com');
    await deliver(shop.domain, 'customers/data_request', {
      shop_id: 1,
      shop_domain: shop.domain,
      orders_requested: [1, 2],
      customer: { id: Number(ZENOBIA.id), email: ZENOBIA.email, phone: ZENOBIA.phone },
      data_request: { id: 9999 },
    });

    const [request] = await query(`SELECT customer_id, source, request_ref, document FROM compliance_requests WHERE shop_id = $1`, [shop.id]);
    expect(request).toMatchObject({ customer_id: ZENOBIA.id, source: 'webhook', request_ref: '9999' });
    const tables = request.document.tables;
    expect(tables.customers).toEqual([expect.objectContaining({ customer_id: ZENOBIA.id, email: ZENOBIA.email, phone: ZENOBIA.phone, first_name: 'Zenobia' })]);
    expect(tables.orders.map((order: any) => order.order_id).sort()).toEqual(['z-1', 'z-2', 'z-3']);
    expect(tables.order_lines.map((line: any) => `${line.order_id}:${line.title}`).sort()).toEqual(['z-1:Scarf', 'z-2:Scarf', 'z-3:Scarf']);
    expect(tables.checkouts.map((checkout: any) => checkout.checkout_id).sort()).toEqual(['zc-1', 'zc-2']);
    expect(tables.segment_memberships).toEqual([expect.objectContaining({ customer_id: ZENOBIA.id, frequency: 3 })]);
    expect(Object.keys(tables).every((table) => tables[table].length > 0)).toBe(true);

    const [audit] = await query(`SELECT shop_domain, shopify_customer_id, rows_by_table FROM compliance_audit WHERE topic = 'customers/data_request'`);
    expect(audit).toEqual({
      shop_domain: shop.domain,
      shopify_customer_id: ZENOBIA.id,
      rows_by_table: Object.fromEntries(Object.entries(tables).map(([table, rows]) => [table, (rows as unknown[]).length])),
    });

    // The same document from the command line's service.
    const cli = await new CustomerDataRequestsService(test.database.dataSource, shops).export(shop.domain, ZENOBIA.id);
    expect(JSON.parse(JSON.stringify(cli.tables))).toEqual(tables);
  });

  it('customers/redact leaves none of her details in any column of any table, others intact, an audit row and a queued Klaviyo deletion', async () => {
    const others = await query(`SELECT * FROM customers WHERE shop_id = $1 AND customer_id <> $2 ORDER BY customer_id`, [shop.id, ZENOBIA.id]);
    const otherOrders = await query(`SELECT count(*)::int AS n FROM orders WHERE shop_id = $1 AND customer_id <> $2`, [shop.id, ZENOBIA.id]);
    const allOrders = await query(`SELECT count(*)::int AS n, sum(total_price)::float AS revenue FROM orders WHERE shop_id = $1`, [shop.id]);
    expect(await placesMentioning(HER_DETAILS)).not.toEqual([]);

    await deliver(shop.domain, 'customers/redact', {
      shop_id: 1,
      shop_domain: shop.domain,
      customer: { id: Number(ZENOBIA.id), email: ZENOBIA.email, phone: ZENOBIA.phone },
      orders_to_redact: ['z-1', 'z-2', 'z-3'],
    });

    expect(await placesMentioning(HER_DETAILS)).toEqual([]);
    expect(await query(`SELECT * FROM customers WHERE shop_id = $1 ORDER BY customer_id`, [shop.id])).toEqual(others);
    expect(await query(`SELECT count(*)::int AS n FROM orders WHERE shop_id = $1 AND customer_id <> $2`, [shop.id, ZENOBIA.id])).toEqual(otherOrders);
    // Her orders stay as anonymous sales: the shop's revenue does not change.
    expect(await query(`SELECT count(*)::int AS n, sum(total_price)::float AS revenue FROM orders WHERE shop_id = $1`, [shop.id])).toEqual(allOrders);
    for (const table of ['customers', 'checkouts', 'segment_memberships', 'compliance_requests']) {
      const [row] = await query(`SELECT count(*)::int AS n FROM ${table} WHERE shop_id = $1 AND customer_id = $2`, [shop.id, ZENOBIA.id]);
      expect({ table, rows: row.n }).toEqual({ table, rows: 0 });
    }

    const [audit] = await query(`SELECT shop_domain, shopify_customer_id, rows_by_table FROM compliance_audit WHERE topic = 'customers/redact'`);
    expect(audit).toMatchObject({
      shop_domain: shop.domain,
      shopify_customer_id: ZENOBIA.id,
      rows_by_table: expect.objectContaining({ customers: 1, orders: 3, checkouts: 2, segment_memberships: 1, compliance_requests: 2, destination_deletions_queued: 1 }),
    });

    const deletions = await query(`SELECT destination, subject_key, sealed_contact, status FROM destination_deletions WHERE shop_id = $1`, [shop.id]);
    expect(deletions).toEqual([{ destination: 'klaviyo', subject_key: ZENOBIA.id, sealed_contact: expect.any(String), status: 'pending' }]);
    expect(JSON.parse(new CredentialCipher(KEY).open(deletions[0].sealed_contact))).toEqual({ email: ZENOBIA.email, phone: ZENOBIA.phone });
  });

  it('shop/redact leaves no row of the shop in any table, and another shop untouched', async () => {
    const other = await shops.ensure('bystander.myshopify.com');
    await new StoreRepository(test.database.dataSource).upsertCustomers(other.id, [{ ...zenobia(), customerId: '5', email: 'bystander@example.com', phone: null, firstName: 'Bea', lastName: 'Stander', province: 'ON' }]);
    const shopTables: { table_name: string }[] = await query(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'shop_id'`,
    );
    const rowsOf = async (shopId: number) => {
      const counts: Record<string, number> = {};
      for (const { table_name } of shopTables) {
        const [row] = await query(`SELECT count(*)::int AS n FROM "${table_name}" WHERE shop_id = $1`, [shopId]);
        if (row.n > 0) counts[table_name] = row.n;
      }
      return counts;
    };
    const bystander = await rowsOf(other.id);
    expect(Object.keys(await rowsOf(shop.id)).length).toBeGreaterThan(5);

    await deliver(shop.domain, 'shop/redact', { shop_id: 1, shop_domain: shop.domain });

    expect(await rowsOf(shop.id)).toEqual({});
    expect(await query(`SELECT id FROM shops WHERE domain = $1`, [shop.domain])).toEqual([]);
    expect(await query(`SELECT topic, payload FROM webhook_inbox WHERE shop_domain = $1`, [shop.domain])).toEqual([
      { topic: 'shop/redact', payload: null },
    ]);
    expect(await rowsOf(other.id)).toEqual(bystander);
    const [audit] = await query(`SELECT shop_domain, shopify_customer_id, rows_by_table FROM compliance_audit WHERE topic = 'shop/redact'`);
    expect(audit).toMatchObject({ shop_domain: shop.domain, shopify_customer_id: null, rows_by_table: expect.objectContaining({ shops: 1 }) });
    expect(audit.rows_by_table.orders).toBeGreaterThan(300);
  });
});

import { createHmac, randomBytes } from 'node:crypto';
import { ShopCredentialsRepository } from '../src/shops/shop-credentials.repository';
import { ShopsRepository } from '../src/shops/shops.repository';
import { StoreRepository } from '../src/store/store.repository';
import { InboxWriter } from '../src/shopify/webhooks/inbox-writer';
import { WebhookInboxRepository, MAX_ATTEMPTS } from '../src/shopify/webhooks/webhook-inbox.repository';
import { WebhookIntake, type IntakeAnswer } from '../src/shopify/webhooks/webhook-intake';
import { WebhookWorker } from '../src/shopify/webhooks/webhook-worker';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

/**
 * Webhook intake and application on the real database: deliveries signed here with the app secret (as
 * Shopify signs them), received by the intake, applied by the worker.
 */
const SECRET = 'shpss_webhook_test_secret';
const KEY = randomBytes(32);

function sign(body: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

function order(id: number, updatedAt: string, changes: Record<string, unknown> = {}) {
  return {
    id,
    name: `#${id}`,
    created_at: '2026-11-01T10:00:00-05:00',
    processed_at: '2026-11-01T10:00:00-05:00',
    updated_at: updatedAt,
    financial_status: 'paid',
    cancelled_at: null,
    currency: 'USD',
    subtotal_price: '90.00',
    total_discounts: '10.00',
    total_price: '100.00',
    discount_codes: [{ code: 'WELCOME10', amount: '10.00', type: 'fixed_amount' }],
    shipping_address: { country_code: 'CA' },
    customer: { id: 501, email: 'ada@example.com' },
    line_items: [
      { id: 1, product_id: 9001, sku: 'MUG', title: 'Mug', quantity: 2, price: '25.00', total_discount: '10.00', discount_allocations: [{ amount: '10.00' }] },
      { id: 2, product_id: 9002, sku: 'TEE', title: 'Tee', quantity: 1, price: '50.00', total_discount: '0.00' },
    ],
    refunds: [],
    ...changes,
  };
}

function customer(id: number, updatedAt: string, changes: Record<string, unknown> = {}) {
  return {
    id,
    email: `c${id}@example.com`,
    first_name: 'Ada',
    last_name: 'Lovelace',
    phone: '+15145550101',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: updatedAt,
    tags: 'vip, newsletter',
    default_address: { country_code: 'ca', province_code: 'QC' },
    email_marketing_consent: { state: 'subscribed' },
    sms_marketing_consent: { state: 'not_subscribed' },
    ...changes,
  };
}

describe.each(testDatabaseTargets())('Shopify webhooks on $name', (target) => {
  let test: TestDatabase;
  let intake: WebhookIntake;
  let worker: WebhookWorker;
  let shopNumber = 0;
  let deliveryNumber = 0;

  beforeAll(async () => {
    test = await target.open();
    const db = test.database.dataSource;
    worker = new WebhookWorker(db, null, { batchSize: 10 });
    intake = new WebhookIntake(new InboxWriter(new WebhookInboxRepository(db)), SECRET, () => undefined);
  });
  afterAll(async () => test?.dispose());

  const query = (sql: string, parameters?: unknown[]) => test.database.dataSource.query(sql, parameters);

  async function newShop() {
    return new ShopsRepository(test.database.dataSource).ensure(`hooks-${++shopNumber}.myshopify.com`);
  }

  function deliver(shop: string, topic: string, payload: unknown, options: { id?: string; hmac?: string } = {}): Promise<IntakeAnswer> {
    const body = JSON.stringify(payload);
    return intake.receive(
      { topic, shopDomain: shop, webhookId: options.id ?? `wh-${++deliveryNumber}`, hmac: options.hmac ?? sign(body) },
      Buffer.from(body),
    );
  }

  /** Rows in every table of the schema: what "nothing written" is checked against. */
  async function tableCounts(): Promise<Record<string, number>> {
    const tables: { table_name: string }[] = await query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    const counts: Record<string, number> = {};
    for (const { table_name } of tables) {
      const [row] = await query(`SELECT count(*)::int AS n FROM "${table_name}"`);
      counts[table_name] = row.n;
    }
    return counts;
  }

  it('answers 401 to a bad, missing or foreign-secret signature and writes nothing', async () => {
    const shop = await newShop();
    const before = await tableCounts();
    const body = JSON.stringify(order(1, '2026-11-02T00:00:00Z'));

    const tampered = await intake.receive(
      { topic: 'orders/create', shopDomain: shop.domain, webhookId: 'bad-1', hmac: sign(body) },
      Buffer.from(body.replace('100.00', '1.00')),
    );
    const missing = await deliver(shop.domain, 'orders/create', order(1, '2026-11-02T00:00:00Z'), { hmac: '' });
    const foreign = await deliver(shop.domain, 'orders/create', order(1, '2026-11-02T00:00:00Z'), { hmac: sign(body, 'other') });
    const garbage = await deliver(shop.domain, 'orders/create', order(1, '2026-11-02T00:00:00Z'), { hmac: 'not base64 at all' });

    expect([tampered.status, missing.status, foreign.status, garbage.status]).toEqual([401, 401, 401, 401]);
    await worker.drain();
    expect(await tableCounts()).toEqual(before);
  });

  it('answers 404 to a signed delivery for a shop it does not know, and writes nothing', async () => {
    const before = await tableCounts();
    const answer = await deliver('stranger.myshopify.com', 'orders/create', order(2, '2026-11-02T00:00:00Z'));
    expect(answer).toMatchObject({ status: 404, outcome: 'unknown-shop' });
    expect(await tableCounts()).toEqual(before);
  });

  it('stores concurrent deliveries together and still answers each for itself (new, replayed, unknown shop)', async () => {
    const shop = await newShop();
    await deliver(shop.domain, 'customers/create', customer(900, '2026-11-01T00:00:00Z'), { id: 'seen-before' });
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        if (i % 40 === 0) return deliver('nowhere.myshopify.com', 'customers/create', customer(901 + i, '2026-11-01T00:00:00Z'));
        if (i % 40 === 1) return deliver(shop.domain, 'customers/create', customer(900, '2026-11-01T00:00:00Z'), { id: 'seen-before' });
        return deliver(shop.domain, 'customers/create', customer(901 + i, '2026-11-01T00:00:00Z'), { id: `together-${i}` });
      }),
    );
    const tally = answers.reduce<Record<string, number>>((counts, a) => ({ ...counts, [`${a.status} ${a.outcome}`]: (counts[`${a.status} ${a.outcome}`] ?? 0) + 1 }), {});
    expect(tally).toEqual({ '200 accepted': 114, '200 duplicate': 3, '404 unknown-shop': 3 });
    expect(await query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE shop_domain = $1`, [shop.domain])).toEqual([{ n: 115 }]);
    expect(await query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE shop_domain = 'nowhere.myshopify.com'`)).toEqual([{ n: 0 }]);
    await worker.drain();
  });

  it('acknowledges a replay (same webhook id) and applies the delivery once', async () => {
    const shop = await newShop();
    const payload = order(10, '2026-11-02T00:00:00Z');
    const first = await deliver(shop.domain, 'orders/create', payload, { id: 'replayed-1' });
    const again = await deliver(shop.domain, 'orders/create', payload, { id: 'replayed-1' });
    expect([first.outcome, again.outcome]).toEqual(['accepted', 'duplicate']);
    expect(again.status).toBe(200);

    expect(await worker.drain()).toMatchObject({ applied: 1, failed: 0 });
    const third = await deliver(shop.domain, 'orders/create', payload, { id: 'replayed-1' });
    expect(third.outcome).toBe('duplicate');
    expect(await worker.drain()).toMatchObject({ claimed: 0 });

    const inbox = await query(`SELECT status, attempts, payload FROM webhook_inbox WHERE webhook_id = 'replayed-1'`);
    expect(inbox).toEqual([{ status: 'applied', attempts: 1, payload: null }]);
    const orders = await query(
      `SELECT order_id, name, customer_id, financial_status, total_price::float AS total, total_discounts::float AS discounts,
              discount_codes, shipping_country, item_quantity, full_price_quantity, source_updated_at
       FROM orders WHERE shop_id = $1`,
      [shop.id],
    );
    expect(orders).toEqual([
      {
        order_id: '10',
        name: '#10',
        customer_id: '501',
        financial_status: 'paid',
        total: 100,
        discounts: 10,
        discount_codes: ['WELCOME10'],
        shipping_country: 'CA',
        item_quantity: 3,
        full_price_quantity: 0,
        source_updated_at: new Date('2026-11-02T00:00:00Z'),
      },
    ]);
    const lines = await query(`SELECT line_no, title, quantity FROM order_lines WHERE shop_id = $1 ORDER BY line_no`, [shop.id]);
    expect(lines).toEqual([
      { line_no: 1, title: 'Mug', quantity: 2 },
      { line_no: 2, title: 'Tee', quantity: 1 },
    ]);
  });

  it('keeps the newer version when an older update arrives after it (orders, customers, checkouts)', async () => {
    const shop = await newShop();
    await deliver(shop.domain, 'orders/updated', order(20, '2026-11-03T12:00:00Z', { total_price: '120.00' }));
    await deliver(shop.domain, 'customers/update', customer(601, '2026-11-03T12:00:00Z', { email: 'new@example.com' }));
    const checkout = (updatedAt: string, total: string) => ({
      id: 801,
      created_at: '2026-11-01T00:00:00Z',
      updated_at: updatedAt,
      total_price: total,
      currency: 'USD',
      email: 'c601@example.com',
      customer: { id: 601 },
      abandoned_checkout_url: 'https://shop/recover/801',
      line_items: [{ product_type: 'Mugs' }],
    });
    await deliver(shop.domain, 'checkouts/update', checkout('2026-11-03T12:00:00Z', '70.00'));
    await worker.drain();
    // Older versions, delivered late.
    await deliver(shop.domain, 'orders/create', order(20, '2026-11-02T08:00:00Z', { total_price: '100.00' }));
    await deliver(shop.domain, 'customers/create', customer(601, '2026-11-01T00:00:00Z', { email: 'old@example.com' }));
    await deliver(shop.domain, 'checkouts/create', checkout('2026-11-02T00:00:00Z', '20.00'));
    expect(await worker.drain()).toMatchObject({ applied: 3, failed: 0 });

    expect(await query(`SELECT total_price::float AS total FROM orders WHERE shop_id = $1`, [shop.id])).toEqual([{ total: 120 }]);
    expect(await query(`SELECT email, country, province, tags, email_consent FROM customers WHERE shop_id = $1 AND customer_id = '601'`, [shop.id])).toEqual([
      { email: 'new@example.com', country: 'CA', province: 'QC', tags: ['vip', 'newsletter'], email_consent: 'subscribed' },
    ]);
    expect(await query(`SELECT total_price::float AS total, categories FROM checkouts WHERE shop_id = $1`, [shop.id])).toEqual([
      { total: 70, categories: ['Mugs'] },
    ]);
    // A newer one still goes through.
    await deliver(shop.domain, 'orders/updated', order(20, '2026-11-04T00:00:00Z', { total_price: '130.00' }));
    await worker.drain();
    expect(await query(`SELECT total_price::float AS total FROM orders WHERE shop_id = $1`, [shop.id])).toEqual([{ total: 130 }]);
  });

  it('keeps the product types and markdowns an import knew when an order webhook (which carries neither) replaces the order', async () => {
    const shop = await newShop();
    await new StoreRepository(test.database.dataSource).upsertOrders(
      shop.id,
      [
        {
          orderId: '60', name: '#60', customerId: '501', createdAt: new Date('2026-11-01T15:00:00Z'), financialStatus: 'paid',
          cancelledAt: null, currency: 'USD', subtotal: 90, totalDiscounts: 10, totalPrice: 100, totalRefunded: 0,
          discountCodes: [], shippingCountry: 'CA',
          lines: [
            { lineNo: 1, productId: '9001', sku: 'MUG', title: 'Mug', productType: 'Kitchen', quantity: 2, price: 25, compareAtPrice: 30, discountAmount: 10 },
            { lineNo: 2, productId: '9002', sku: 'TEE', title: 'Tee', productType: 'Shirts', quantity: 1, price: 50, compareAtPrice: null, discountAmount: 0 },
          ],
        },
      ],
      'import',
    );
    await deliver(shop.domain, 'orders/updated', order(60, '2026-11-05T00:00:00Z'));
    // A new checkout with one of those products: its category comes from what the store knows of the product.
    await deliver(shop.domain, 'checkouts/create', {
      id: 802, created_at: '2026-11-05T00:00:00Z', updated_at: '2026-11-05T00:00:00Z', total_price: '25.00', currency: 'USD',
      line_items: [{ product_id: 9001, title: 'Mug', quantity: 1, price: '25.00' }],
    });
    await worker.drain();
    expect(await query(`SELECT line_no, product_type, compare_at_price::float AS compare_at FROM order_lines WHERE shop_id = $1 ORDER BY line_no`, [shop.id])).toEqual([
      { line_no: 1, product_type: 'Kitchen', compare_at: 30 },
      { line_no: 2, product_type: 'Shirts', compare_at: null },
    ]);
    expect(await query(`SELECT categories FROM orders WHERE shop_id = $1`, [shop.id])).toEqual([{ categories: ['Kitchen', 'Shirts'] }]);
    expect(await query(`SELECT categories FROM checkouts WHERE shop_id = $1`, [shop.id])).toEqual([{ categories: ['Kitchen'] }]);
  });

  it('refunds/create raises the refunded total once per refund; orders/cancelled marks the order cancelled', async () => {
    const shop = await newShop();
    await deliver(shop.domain, 'orders/paid', order(30, '2026-11-02T00:00:00Z'));
    const refund = {
      id: 7001,
      order_id: 30,
      created_at: '2026-11-05T00:00:00Z',
      transactions: [
        { kind: 'refund', status: 'success', amount: '25.00' },
        { kind: 'refund', status: 'failure', amount: '25.00' },
      ],
    };
    await deliver(shop.domain, 'refunds/create', refund);
    // The same refund again under another delivery id (Shopify re-sent it), and the order carrying it.
    await deliver(shop.domain, 'refunds/create', refund);
    await worker.drain();
    expect(
      await query(`SELECT total_refunded::float AS refunded, financial_status FROM orders WHERE shop_id = $1`, [shop.id]),
    ).toEqual([{ refunded: 25, financial_status: 'partially_refunded' }]);

    await deliver(
      shop.domain,
      'orders/cancelled',
      order(30, '2026-11-06T00:00:00Z', {
        cancelled_at: '2026-11-06T00:00:00Z',
        financial_status: 'refunded',
        refunds: [refund, { id: 7002, created_at: '2026-11-06T00:00:00Z', transactions: [{ kind: 'refund', status: 'success', amount: '75.00' }] }],
      }),
    );
    await worker.drain();
    expect(
      await query(`SELECT total_refunded::float AS refunded, financial_status, cancelled_at FROM orders WHERE shop_id = $1`, [shop.id]),
    ).toEqual([{ refunded: 100, financial_status: 'refunded', cancelled_at: new Date('2026-11-06T00:00:00Z') }]);
  });

  it('customers/delete removes the customer and the rows that hang on it, keeping the orders as anonymous sales', async () => {
    const shop = await newShop();
    await deliver(shop.domain, 'customers/create', customer(501, '2026-11-01T00:00:00Z'));
    await deliver(shop.domain, 'orders/create', order(40, '2026-11-02T00:00:00Z'));
    await deliver(shop.domain, 'customers/create', customer(502, '2026-11-01T00:00:00Z'));
    await worker.drain();
    await deliver(shop.domain, 'customers/delete', { id: 501, phone: null, addresses: [] });
    await worker.drain();
    // An update from before the deletion, delivered late, does not bring the customer back.
    await deliver(shop.domain, 'customers/update', customer(501, '2026-11-02T00:00:00Z'));
    expect(await worker.drain()).toMatchObject({ applied: 1, failed: 0 });
    expect(await query(`SELECT customer_id FROM customers WHERE shop_id = $1`, [shop.id])).toEqual([{ customer_id: '502' }]);
    expect(await query(`SELECT order_id, customer_id FROM orders WHERE shop_id = $1`, [shop.id])).toEqual([
      { order_id: '40', customer_id: null },
    ]);
  });

  it('app/uninstalled removes the shop’s Shopify token and marks the shop uninstalled', async () => {
    const shop = await newShop();
    const credentials = new ShopCredentialsRepository(test.database.dataSource, KEY);
    await credentials.put(shop.id, 'shopify', 'shpat_secret_token');
    await credentials.put(shop.id, 'klaviyo', 'pk_other');
    await deliver(shop.domain, 'app/uninstalled', { id: 1, domain: shop.domain });
    await worker.drain();
    expect(await credentials.get(shop.id, 'shopify')).toBeNull();
    expect(await credentials.get(shop.id, 'klaviyo')).toBe('pk_other');
    const [row] = await query(`SELECT uninstalled_at FROM shops WHERE id = $1`, [shop.id]);
    expect(row.uninstalled_at).toBeInstanceOf(Date);
  });

  it('retries a delivery that fails with backoff, applies the rest of its batch, and marks it failed with the reason after the last attempt', async () => {
    const shop = await newShop();
    await deliver(shop.domain, 'orders/create', { id: 50, updated_at: '2026-11-02T00:00:00Z' }, { id: 'broken-1' });
    await deliver(shop.domain, 'customers/create', customer(503, '2026-11-01T00:00:00Z'));
    expect(await worker.drain()).toMatchObject({ applied: 1, failed: 1 });
    const [first] = await query(
      `SELECT status, attempts, last_error, next_attempt_at > now() AS later FROM webhook_inbox WHERE webhook_id = 'broken-1'`,
    );
    expect(first).toEqual({ status: 'pending', attempts: 1, last_error: 'orders/create broken-1: orders/create payload: order 50 has no created_at', later: true });
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      await query(`UPDATE webhook_inbox SET next_attempt_at = now() WHERE webhook_id = 'broken-1'`);
      await worker.drain();
    }
    const [last] = await query(`SELECT status, attempts, payload IS NOT NULL AS kept FROM webhook_inbox WHERE webhook_id = 'broken-1'`);
    expect(last).toEqual({ status: 'failed', attempts: MAX_ATTEMPTS, kept: true });
    expect(await query(`SELECT customer_id FROM customers WHERE shop_id = $1`, [shop.id])).toEqual([{ customer_id: '503' }]);
  });

  it('applies the newest of several versions of one record delivered in the same batch, whatever their order', async () => {
    const shop = await newShop();
    await deliver(shop.domain, 'orders/updated', order(70, '2026-11-03T00:00:00Z', { total_price: '130.00' }));
    await deliver(shop.domain, 'orders/updated', order(70, '2026-11-04T00:00:00Z', { total_price: '140.00' }));
    await deliver(shop.domain, 'orders/create', order(70, '2026-11-02T00:00:00Z', { total_price: '100.00' }));
    await deliver(shop.domain, 'customers/update', customer(701, '2026-11-05T00:00:00Z', { first_name: 'Newest' }));
    await deliver(shop.domain, 'customers/create', customer(701, '2026-11-01T00:00:00Z', { first_name: 'Oldest' }));
    expect(await worker.drain()).toMatchObject({ claimed: 5, applied: 5, failed: 0 });
    expect(await query(`SELECT total_price::float AS total, source_updated_at FROM orders WHERE shop_id = $1`, [shop.id])).toEqual([
      { total: 140, source_updated_at: new Date('2026-11-04T00:00:00Z') },
    ]);
    expect(await query(`SELECT first_name FROM customers WHERE shop_id = $1 AND customer_id = '701'`, [shop.id])).toEqual([{ first_name: 'Newest' }]);
  });

  it('a delivery the database refuses fails alone: the rest of its group is applied', async () => {
    const shop = await newShop();
    await deliver(shop.domain, 'orders/create', order(80, '2026-11-02T00:00:00Z'));
    await deliver(shop.domain, 'orders/create', order(81, '2026-11-02T00:00:00Z', { total_price: '1e15' }), { id: 'too-big' });
    await deliver(shop.domain, 'orders/create', order(82, '2026-11-02T00:00:00Z'));
    expect(await worker.drain()).toMatchObject({ claimed: 3, applied: 2, failed: 1 });
    expect(await query(`SELECT order_id FROM orders WHERE shop_id = $1 ORDER BY order_id`, [shop.id])).toEqual([{ order_id: '80' }, { order_id: '82' }]);
    const [row] = await query(`SELECT status, last_error FROM webhook_inbox WHERE webhook_id = 'too-big'`);
    expect(row).toEqual({ status: 'pending', last_error: expect.stringMatching(/^orders\/create too-big: .*numeric field overflow/) });
  });

  it('two workers draining one inbox at once apply every delivery exactly once', async () => {
    const shop = await newShop();
    for (let i = 0; i < 40; i++) await deliver(shop.domain, 'customers/create', customer(1000 + i, '2026-11-01T00:00:00Z'));
    const other = new WebhookWorker(test.database.dataSource, null, { batchSize: 5 });
    const [a, b] = await Promise.all([worker.drain(), other.drain()]);
    expect(a.applied + b.applied).toBe(40);
    expect(await query(`SELECT count(*)::int AS n FROM customers WHERE shop_id = $1`, [shop.id])).toEqual([{ n: 40 }]);
    const statuses = await query(
      `SELECT status, attempts, count(*)::int AS n FROM webhook_inbox WHERE shop_domain = $1 GROUP BY 1, 2`,
      [shop.domain],
    );
    expect(statuses).toEqual([{ status: 'applied', attempts: 1, n: 40 }]);
  });
});

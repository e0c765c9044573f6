/**
 * End-to-end: a store connected with `shops add`, its webhooks registered with `shopify webhooks register`
 * through the fake Shopify Admin API, then the fake's signed deliveries sent to the running HTTP service
 * (`serve`), and what they left read back with `shopify data-request`, as a merchant would.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { FakeShopify } from '../fakes/shopify';
import { ADA, BOB, CHECKOUT_ABANDONED, ORDER_OLD, ORDER_RECENT, seedSmallStore } from '../fakes/shopify/fixtures';
import { emptyDataDir, removeTempDirs, runCli, runCliJson, runCliOk, spawnCli, stripAnsi, type CliOptions } from './support/cli';

const SECRET = 'shpss_e2e_webhook_secret';

let fake: FakeShopify;
let options: CliOptions;
let appUrl: string;
let port: number;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
}

/**
 * `serve --port P` (the port SHOPIFY_APP_URL names), resolved once it listens; stop() ends it with SIGTERM and
 * says how it ended (NestJS re-raises the signal after its shutdown hooks ran).
 */
async function serve(): Promise<{ stop: () => Promise<string> }> {
  const child = spawnCli(['serve', '--port', String(port)], options);
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(String(code ?? signal))));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not listen within 30 s:\n${out}\n${err}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (stripAnsi(out).includes(`listening on ${appUrl}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}):\n${out}\n${err}`)));
  });
  return {
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

async function inbox(): Promise<Record<string, number>> {
  return (await (await fetch(`${appUrl}/webhooks/shopify/inbox`)).json()) as Record<string, number>;
}

/** Waits until the worker has applied every delivery it acknowledged. */
async function applied(): Promise<Record<string, number>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const counts = await inbox();
    if (!counts.pending) return counts;
    if (Date.now() > deadline) throw new Error(`deliveries still pending: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  fake = await FakeShopify.start({ apiSecret: SECRET, apiKey: 'e2e-key' });
  seedSmallStore(fake);
  port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  options = {
    dataDir: await emptyDataDir(),
    env: {
      SHOPIFY_API_BASE_URL: fake.baseUrl,
      SHOPIFY_API_KEY: 'e2e-key',
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: appUrl,
      SEGMENT_SYNC_SECRET_KEY: randomBytes(32).toString('hex'),
    },
  };
  await runCliOk(['shops', 'add', '--domain', fake.shop, '--token', fake.accessToken], options);
}, 60_000);

afterAll(async () => {
  await fake?.close();
  removeTempDirs();
});

describe('Shopify webhooks through the command line and the HTTP service', () => {
  it('shopify webhooks register subscribes each topic once, however often it runs, with documents Shopify accepts', async () => {
    const first = await runCliJson(['shopify', 'webhooks', 'register', '--shop', fake.shop, '--json'], options);
    const second = await runCliJson(['shopify', 'webhooks', 'register', '--json'], options);

    const topics = [
      'orders/create', 'orders/paid', 'orders/updated', 'orders/cancelled', 'refunds/create', 'customers/create',
      'customers/update', 'customers/delete', 'checkouts/create', 'checkouts/update', 'app/uninstalled',
    ];
    expect(first).toEqual({ shop: fake.shop, callbackUrl: `${appUrl}/webhooks/shopify`, created: topics, existing: [] });
    expect(second).toEqual({ shop: fake.shop, callbackUrl: `${appUrl}/webhooks/shopify`, created: [], existing: topics });
    const subscriptions = fake.webhooks.list().map((s) => `${s.topic} ${s.uri}`).sort();
    expect(subscriptions).toEqual(topics.map((t) => `${t.replace('/', '_').toUpperCase()} ${appUrl}/webhooks/shopify`).sort());
    expect(fake.rejectedDocuments).toEqual([]);
  }, 60_000);

  it('signed deliveries are acknowledged fast and applied once, in version order; bad signatures get 401; privacy requests are honoured', async () => {
    const service = await serve();
    try {
      const olderBob = fake.webhookPayload('customers/update', BOB.customerId);
      fake.updateCustomer(BOB.customerId, { emailConsent: 'subscribed', updatedAt: new Date('2026-11-25T00:00:00Z') });
      const deliveries = [
        ...(await fake.deliver('customers/create', fake.webhookPayload('customers/create', ADA.customerId))),
        ...(await fake.deliver('orders/create', fake.webhookPayload('orders/create', ORDER_RECENT.orderId), { webhookId: 'order-once' })),
        ...(await fake.deliver('orders/create', fake.webhookPayload('orders/create', ORDER_RECENT.orderId), { webhookId: 'order-once' })),
        ...(await fake.deliver('customers/update', fake.webhookPayload('customers/update', BOB.customerId))),
        ...(await fake.deliver('customers/update', olderBob)),
        ...(await fake.deliver('checkouts/create', fake.webhookPayload('checkouts/create', CHECKOUT_ABANDONED.checkoutId))),
      ];
      expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200, 200, 200]);
      const tampered = await fake.deliver('orders/updated', fake.webhookPayload('orders/updated', ORDER_RECENT.orderId), { tamper: true });
      expect(tampered.map((d) => d.status)).toEqual([401]);

      expect(await applied()).toEqual({ applied: 5 });

      const url = `${appUrl}/webhooks/shopify`;
      const redact = await fake.deliverTo(url, 'customers/redact', fake.webhookPayload('customers/redact', ADA.customerId, { ordersToRedact: [ORDER_RECENT.orderId] }));
      const request = await fake.deliverTo(url, 'customers/data_request', fake.webhookPayload('customers/data_request', BOB.customerId));
      expect([redact.status, request.status]).toEqual([200, 200]);
      expect(await applied()).toEqual({ applied: 7 });
      expect((await fake.deliver('app/uninstalled', fake.webhookPayload('app/uninstalled', fake.shop))).map((d) => d.status)).toEqual([200]);
      expect(await applied()).toEqual({ applied: 8 });

      // An order with 1,500 line items: a body of several hundred kB, above the HTTP layer's usual 100 kB.
      const big = fake.webhookPayload('orders/updated', ORDER_OLD.orderId) as { line_items: unknown[]; updated_at: string };
      const items = Array.from({ length: 1500 }, (_, i) => ({ ...(big.line_items[0] as object), id: 90_000 + i, title: `Item ${i}` }));
      const bigDelivery = await fake.deliver('orders/updated', { ...big, line_items: items, updated_at: '2026-11-26T00:00:00Z' });
      expect(bigDelivery.map((d) => [d.status, JSON.stringify({ ...big, line_items: items }).length > 300_000])).toEqual([[200, true]]);
      expect(await applied()).toEqual({ applied: 9 });
    } finally {
      expect(await service.stop()).toBe('SIGTERM');
    }

    // Bob: the newer consent kept although the older update arrived last; his checkout; the data request recorded.
    const bob = await runCliJson(['shopify', 'data-request', '--customer', BOB.customerId], options);
    expect(bob.tables.customers).toEqual([
      expect.objectContaining({ customer_id: BOB.customerId, email: BOB.email, email_consent: 'subscribed', source_updated_at: '2026-11-25T00:00:00.000Z' }),
    ]);
    expect(bob.tables.checkouts.map((c: any) => c.checkout_id)).toEqual([CHECKOUT_ABANDONED.checkoutId]);
    expect(bob.tables.orders.map((o: any) => o.order_id)).toEqual([ORDER_OLD.orderId]);
    expect(bob.tables.order_lines).toHaveLength(1500);
    // Ada was redacted: nothing about her is left; her order stays as an anonymous sale.
    const ada = await runCliJson(['shopify', 'data-request', '--customer', ADA.customerId], options);
    expect(ada.tables).toEqual({});
    // The app was uninstalled: the token is gone, so the store can no longer be read.
    const again = await runCli(['shopify', 'webhooks', 'register'], options);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not connected to Shopify/);
    expect(again.stderr).not.toContain(fake.accessToken);
  }, 120_000);
});


/**
 * Webhooks and OAuth on the fake: subscriptions through the API, deliveries whose signature node:crypto
 * verifies (and a tampered one it rejects), REST-shaped payloads from the state, and the OAuth install run
 * by @shopify/shopify-api's own begin and callback against the fake.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiVersion, shopifyApi } from '@shopify/shopify-api';
import { ADA, BOB, CHECKOUT_ABANDONED, clientFor, NOW, ORDER_RECENT, postGraphql, seedSmallStore } from './fixtures';
import { fetchRoutedTo } from './routing';
import { FakeShopify } from './server';

// Required, as src/shopify/admin/shopify-app.ts does: imported, TypeScript would type-check the package's own
// .ts sources for these entry points, which do not compile under the project's settings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('@shopify/shopify-api/adapters/node');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { setAbstractFetchFunc } = require('@shopify/shopify-api/runtime') as {
  setAbstractFetchFunc: (fetch: typeof globalThis.fetch) => void;
};

interface Received {
  headers: IncomingMessage['headers'];
  raw: Buffer;
}

async function receiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, received };
}

const verified = (secret: string, r: Received): boolean => {
  const expected = createHmac('sha256', secret).update(r.raw).digest();
  const given = Buffer.from(String(r.headers['x-shopify-hmac-sha256']), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
};

describe('fake Shopify webhooks', () => {
  let fake: FakeShopify;
  let app: Awaited<ReturnType<typeof receiver>>;

  beforeEach(async () => {
    fake = await FakeShopify.start({ clock: () => NOW, apiSecret: 'hush' });
    seedSmallStore(fake);
    app = await receiver();
  });
  afterEach(async () => {
    await fake.close();
    await new Promise((r) => app.server.close(r));
  });

  it('registers subscriptions through the API and delivers signed webhooks to them', async () => {
    const client = clientFor(fake);
    const create = `mutation Sub($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) { webhookSubscription { id topic uri format } userErrors { field message } } }`;
    const made = await client.request(create, { variables: { topic: 'ORDERS_UPDATED', sub: { uri: app.url, format: 'JSON' } } });
    expect(made.data.webhookSubscriptionCreate).toEqual({
      webhookSubscription: { id: 'gid://shopify/WebhookSubscription/1', topic: 'ORDERS_UPDATED', uri: app.url, format: 'JSON' },
      userErrors: [],
    });
    const twice = await client.request(create, { variables: { topic: 'ORDERS_UPDATED', sub: { uri: app.url } } });
    expect(twice.data.webhookSubscriptionCreate.userErrors).toEqual([{ field: ['webhookSubscription', 'uri'], message: 'Address for this topic has already been taken' }]);
    const listed = await client.request('{ webhookSubscriptions(first: 10) { nodes { topic uri endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } } } }');
    expect(listed.data.webhookSubscriptions.nodes).toEqual([{ topic: 'ORDERS_UPDATED', uri: app.url, endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: app.url } }]);

    const payload = fake.webhookPayload('orders/updated', ORDER_RECENT.orderId);
    const deliveries = await fake.deliver('orders/updated', payload, { webhookId: 'wh-1' });
    expect(deliveries.map((d) => [d.status, d.webhookId])).toEqual([[200, 'wh-1']]);
    expect(await fake.deliver('customers/update', {})).toEqual([]); // nobody subscribed
    const [got] = app.received;
    expect(verified('hush', got)).toBe(true);
    expect(JSON.parse(got.raw.toString('utf8'))).toEqual(payload);
    expect(got.headers).toMatchObject({
      'x-shopify-topic': 'orders/updated',
      'x-shopify-shop-domain': 'fake-shop.myshopify.com',
      'x-shopify-webhook-id': 'wh-1',
      'x-shopify-api-version': '2026-10',
      'x-shopify-triggered-at': new Date(NOW).toISOString(),
      'x-shopify-event-id': expect.any(String),
    });

    const deleted = await client.request('mutation D($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }', { variables: { id: 'gid://shopify/WebhookSubscription/1' } });
    expect(deleted.data.webhookSubscriptionDelete).toEqual({ deletedWebhookSubscriptionId: 'gid://shopify/WebhookSubscription/1', userErrors: [] });
    expect(fake.rejectedDocuments).toEqual([]);
  });

  it('can tamper with a body after signing it, so the signature no longer verifies', async () => {
    const payload = fake.webhookPayload('customers/update', ADA.customerId);
    await fake.deliverTo(app.url, 'customers/update', payload);
    await fake.deliverTo(app.url, 'customers/update', payload, { tamper: true });
    expect(app.received.map((r) => verified('hush', r))).toEqual([true, false]);
    expect(app.received[1].raw.length).toBe(app.received[0].raw.length);
  });

  it('builds REST-shaped payloads from the state', () => {
    const order = fake.webhookPayload('orders/create', ORDER_RECENT.orderId);
    expect(order).toMatchObject({
      id: 5000000000001, admin_graphql_api_id: 'gid://shopify/Order/5000000000001', name: '#1001', email: ADA.email,
      created_at: '2026-11-01T09:00:00Z', updated_at: '2026-11-04T09:00:00Z', cancelled_at: null,
      financial_status: 'partially_refunded', currency: 'EUR', total_price: '95.00', subtotal_price: '90.00', total_discounts: '10.00',
      discount_codes: [{ code: 'WELCOME10', amount: '10.00', type: 'fixed_amount' }],
      customer: { id: 7000000000001, email: ADA.email, first_name: 'Ada' },
      shipping_address: { country_code: 'FR', country: 'France' },
      refunds: [{ id: 5000000000001, order_id: 5000000000001, created_at: '2026-11-04T09:00:00Z', transactions: [{ kind: 'refund', amount: '20.00' }] }],
    });
    expect((order.line_items as unknown[]).map((l: any) => [l.quantity, l.price, l.total_discount])).toEqual([[2, '25.00', '0.00'], [1, '50.00', '10.00']]);
    expect(fake.webhookPayload('customers/update', BOB.customerId)).toMatchObject({
      id: 7000000000002, email: BOB.email, phone: BOB.phone, first_name: 'Bob', last_name: null, tags: '',
      email_marketing_consent: { state: 'unsubscribed' }, sms_marketing_consent: { state: 'subscribed' },
      default_address: { country_code: 'US', province: 'Oregon' },
    });
    expect(fake.webhookPayload('customers/redact', ADA.customerId)).toEqual({
      shop_id: 1, shop_domain: 'fake-shop.myshopify.com', customer: { id: 7000000000001, email: ADA.email, phone: null }, orders_to_redact: [5000000000001],
    });
    expect(fake.webhookPayload('shop/redact', '')).toEqual({ shop_id: 1, shop_domain: 'fake-shop.myshopify.com' });
    expect(fake.webhookPayload('checkouts/update', CHECKOUT_ABANDONED.checkoutId)).toMatchObject({
      id: 30000000000001, email: BOB.email, created_at: '2026-11-10T20:00:00Z', completed_at: null, total_price: '60.00',
      abandoned_checkout_url: CHECKOUT_ABANDONED.recoveryUrl, customer: { id: 7000000000002 },
      line_items: [{ title: 'Shirts', quantity: 1, price: '30.00' }, { title: 'Hats', quantity: 1, price: '30.00' }],
    });
    expect(() => fake.webhookPayload('orders/updated', '42')).toThrow('fake Shopify: no order 42');
  });
});

describe('fake Shopify OAuth', () => {
  it("completes @shopify/shopify-api's install flow: begin, the merchant's approval, callback, a working token", async () => {
    const fake = await FakeShopify.start({ apiKey: 'app-key', apiSecret: 'app-secret', scopes: [] });
    let shopify: ReturnType<typeof shopifyApi> | null = null;
    let appUrl = '';
    let session: { accessToken?: string; scope?: string } | null = null;
    const app = createServer((req, res) => {
      const url = new URL(req.url ?? '/', appUrl);
      const done = url.pathname === '/auth'
        ? shopify!.auth.begin({ shop: fake.shop, callbackPath: '/auth/callback', isOnline: false, rawRequest: req, rawResponse: res })
        : shopify!.auth.callback({ rawRequest: req, rawResponse: res }).then((r) => {
            session = r.session;
            res.writeHead(200).end('installed');
          });
      done.catch((e: Error) => res.writeHead(500).end(e.message));
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      setAbstractFetchFunc(fetchRoutedTo(fake));
      shopify = shopifyApi({
        apiKey: 'app-key', apiSecretKey: 'app-secret', scopes: ['read_customers', 'read_orders'], hostName: appUrl.replace('http://', ''),
        hostScheme: 'http', apiVersion: ApiVersion.October26, isEmbeddedApp: false, logger: { level: 0 },
      });
      const browser = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' }; // the library turns bots away
      const begin = await fetch(`${appUrl}/auth`, { redirect: 'manual', headers: browser });
      expect(begin.status).toBe(302);
      const cookies = begin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const authorize = new URL(String(begin.headers.get('location')));
      expect(authorize.host).toBe(fake.shop);
      const approval = await fetch(`${fake.baseUrl}${authorize.pathname}${authorize.search}`, { redirect: 'manual' });
      expect(approval.status).toBe(302);
      const callback = new URL(String(approval.headers.get('location')));
      expect([...callback.searchParams.keys()].sort()).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
      const finished = await fetch(callback, { headers: { ...browser, Cookie: cookies } });
      expect([finished.status, await finished.text()]).toEqual([200, 'installed']);
      expect(session).toMatchObject({ accessToken: expect.stringMatching(/^shpat_/), scope: 'read_customers,read_orders' });
      const asked = await postGraphql(fake, { query: '{ customers(first: 1) { nodes { id } } }' }, session!.accessToken);
      expect(asked.body.errors).toBeUndefined();
      // A code works once.
      const replay = await fetch(`${fake.baseUrl}/admin/oauth/access_token`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ client_id: 'app-key', client_secret: 'app-secret', code: callback.searchParams.get('code') }),
      });
      expect(replay.status).toBe(400);
    } finally {
      await new Promise((r) => app.close(r));
      await fake.close();
    }
  });
});

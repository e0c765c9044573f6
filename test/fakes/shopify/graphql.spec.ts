/**
 * The fake's GraphQL endpoint, driven by Shopify's own client: Admin API shapes from seeded records, schema
 * validation with Shopify's error shape, pagination, scopes, cost and throttling, injected faults.
 */
import { generateSampleStore } from '../../../src/demo/sample-store';
import { BOB, clientFor, NOW, ORDER_OLD, ORDER_RECENT, postGraphql, seedSmallStore } from './fixtures';
import { FakeShopify } from './server';

describe('fake Shopify GraphQL endpoint', () => {
  let now = NOW;
  let fake: FakeShopify;

  beforeEach(async () => {
    now = NOW;
    fake = await FakeShopify.start({ clock: () => now, currency: 'EUR', timezone: 'Europe/Paris', shopName: 'Ada Shop' });
    seedSmallStore(fake);
  });
  afterEach(() => fake.close());

  it('answers with the seeded store in the Admin API shapes', async () => {
    const { data, errors, extensions } = await clientFor(fake).request(`
      query Store {
        shop { name currencyCode ianaTimezone myshopifyDomain }
        customer(id: "gid://shopify/Customer/7000000000001") {
          id email firstName lastName tags createdAt updatedAt
          defaultEmailAddress { emailAddress marketingState }
          defaultPhoneNumber { phoneNumber marketingState }
          defaultAddress { countryCodeV2 province }
        }
        order(id: "gid://shopify/Order/5000000000001") {
          id name createdAt updatedAt cancelledAt displayFinancialStatus currencyCode discountCodes
          customer { id }
          totalPriceSet { shopMoney { amount currencyCode } }
          subtotalPriceSet { shopMoney { amount } }
          totalDiscountsSet { shopMoney { amount } }
          totalRefundedSet { shopMoney { amount } }
          shippingAddress { countryCodeV2 }
          refunds { createdAt totalRefundedSet { shopMoney { amount } } }
          lineItems(first: 10) {
            nodes {
              quantity
              originalUnitPriceSet { shopMoney { amount } }
              discountedUnitPriceSet { shopMoney { amount } }
              totalDiscountSet { shopMoney { amount } }
              variant { compareAtPrice }
              product { productType }
            }
          }
        }
        abandonedCheckouts(first: 5) { nodes { id abandonedCheckoutUrl createdAt customer { id } lineItems(first: 5) { nodes { quantity product { productType } } } } }
      }`);
    expect(errors).toBeUndefined();
    const shopMoney = (amount: string) => ({ shopMoney: { amount } });
    expect(data).toEqual({
      shop: { name: 'Ada Shop', currencyCode: 'EUR', ianaTimezone: 'Europe/Paris', myshopifyDomain: 'fake-shop.myshopify.com' },
      customer: {
        id: 'gid://shopify/Customer/7000000000001', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace',
        tags: ['vip', 'newsletter'], createdAt: '2024-03-01T10:00:00Z', updatedAt: '2024-03-01T10:00:00Z',
        defaultEmailAddress: { emailAddress: 'ada@example.com', marketingState: 'SUBSCRIBED' },
        defaultPhoneNumber: null,
        defaultAddress: { countryCodeV2: 'FR', province: null },
      },
      order: {
        id: 'gid://shopify/Order/5000000000001', name: '#1001', createdAt: '2026-11-01T09:00:00Z',
        updatedAt: '2026-11-04T09:00:00Z', cancelledAt: null, displayFinancialStatus: 'PARTIALLY_REFUNDED',
        currencyCode: 'EUR', discountCodes: ['WELCOME10'], customer: { id: 'gid://shopify/Customer/7000000000001' },
        totalPriceSet: { shopMoney: { amount: '95.0', currencyCode: 'EUR' } },
        subtotalPriceSet: shopMoney('90.0'), totalDiscountsSet: shopMoney('10.0'), totalRefundedSet: shopMoney('20.0'),
        shippingAddress: { countryCodeV2: 'FR' },
        refunds: [{ createdAt: '2026-11-04T09:00:00Z', totalRefundedSet: shopMoney('20.0') }],
        lineItems: {
          nodes: [
            { quantity: 2, originalUnitPriceSet: shopMoney('25.0'), discountedUnitPriceSet: shopMoney('25.0'), totalDiscountSet: shopMoney('0.0'), variant: { compareAtPrice: '40.0' }, product: { productType: 'Shirts' } },
            { quantity: 1, originalUnitPriceSet: shopMoney('50.0'), discountedUnitPriceSet: shopMoney('40.0'), totalDiscountSet: shopMoney('10.0'), variant: { compareAtPrice: null }, product: { productType: 'Hats' } },
          ],
        },
      },
      abandonedCheckouts: {
        nodes: [{
          id: 'gid://shopify/AbandonedCheckout/30000000000001', abandonedCheckoutUrl: 'https://fake-shop.myshopify.com/recover/1',
          createdAt: '2026-11-10T20:00:00Z', customer: { id: 'gid://shopify/Customer/7000000000002' },
          lineItems: { nodes: [{ quantity: 1, product: { productType: 'Shirts' } }, { quantity: 1, product: { productType: 'Hats' } }] },
        }],
      },
    });
    expect(extensions?.cost).toEqual({
      requestedQueryCost: expect.any(Number),
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
    expect(fake.rejectedDocuments).toEqual([]);
    expect(fake.executionErrors).toEqual([]);
    expect(fake.requestsByOperation.get('Store')).toBe(1);
  });

  it('rejects an unknown field and a wrong argument type as Shopify does, and records the document', async () => {
    const query = '{ customers(first: "ten") { nodes { id favouriteColour } } }';
    const { status, body } = await postGraphql(fake, { query });
    expect(status).toBe(200);
    expect(body).toEqual({
      errors: [
        {
          message: 'Int cannot represent non-integer value: "ten"',
          locations: [{ line: 1, column: 20 }],
          path: ['query', 'customers', 'first'],
          extensions: { code: 'argumentLiteralsIncompatible' },
        },
        {
          message: 'Cannot query field "favouriteColour" on type "Customer".',
          locations: [{ line: 1, column: 40 }],
          path: ['query', 'customers', 'nodes', 'favouriteColour'],
          extensions: { code: 'undefinedField' },
        },
      ],
    });
    expect(fake.rejectedDocuments).toEqual([{ query, variables: {}, errors: body.errors }]);
  });

  it('rejects variables that do not fit their declared types', async () => {
    const query = 'query Page($n: Int!) { customers(first: $n) { nodes { id } } }';
    const { body } = await postGraphql(fake, { query, variables: { n: 'many' } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toContain('$n');
    expect(body.errors[0].extensions.code).toBe('INVALID_VARIABLE');
    expect(body.data).toBeUndefined();
    expect(fake.rejectedDocuments).toHaveLength(1);
  });

  it('refuses malformed custom scalars (here URL) in variables and literals', async () => {
    const query = 'query Hook($uri: URL!) { webhookSubscriptions(first: 1, callbackUrl: $uri) { nodes { id } } }';
    const bad = await postGraphql(fake, { query, variables: { uri: 'not a url' } });
    expect(bad.body.errors[0].message).toContain('"not a url" is not a valid URL');
    const good = await postGraphql(fake, { query, variables: { uri: 'https://example.com/hooks' } });
    expect(good.body).toMatchObject({ data: { webhookSubscriptions: { nodes: [] } } });
    const literal = await postGraphql(fake, { query: 'mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { callbackUrl: "nope" }) { userErrors { message } } }' });
    expect(literal.body.errors[0]).toMatchObject({ extensions: { code: 'argumentLiteralsIncompatible' } });
    expect(fake.webhooks.list()).toEqual([]);
    expect(fake.rejectedDocuments).toHaveLength(2);
  });

  it('refuses a wrong access token with 401 and Shopify\'s message', async () => {
    const { status, body } = await postGraphql(fake, { query: '{ shop { name } }' }, 'shpat_wrong');
    expect(status).toBe(401);
    expect(body).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  });

  it('pages through every customer exactly once, forwards and backwards, with a watermark filter', async () => {
    const seeded: string[] = [];
    for (const batch of generateSampleStore({ customers: 130, asOf: new Date(NOW), seed: 3 })) {
      fake.seed(batch);
      seeded.push(...batch.customers.map((c) => `gid://shopify/Customer/${c.customerId}`));
    }
    const client = clientFor(fake);
    const query = `query Page($after: String, $before: String, $first: Int, $last: Int, $q: String) {
      customers(first: $first, after: $after, last: $last, before: $before, sortKey: UPDATED_AT, query: $q) {
        edges { cursor node { id updatedAt } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
    const walk = async (q: string | null, backwards = false) => {
      const ids: string[] = [];
      const updated: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const variables: Record<string, unknown> = backwards ? { last: 25, before: cursor, q } : { first: 25, after: cursor, q };
        const { data, errors } = await client.request(query, { variables });
        expect(errors).toBeUndefined();
        const edges = data.customers.edges as { node: { id: string; updatedAt: string } }[];
        const page = backwards ? [...edges].reverse() : edges;
        ids.push(...page.map((e) => e.node.id));
        updated.push(...page.map((e) => e.node.updatedAt));
        const info = data.customers.pageInfo;
        if (!(backwards ? info.hasPreviousPage : info.hasNextPage)) break;
        cursor = backwards ? info.startCursor : info.endCursor;
      }
      return { ids, updated };
    };
    const forwards = await walk(null);
    expect(forwards.ids).toHaveLength(130); // the generated store's ids start where Ada's and Bob's are: replaced
    expect(new Set(forwards.ids)).toEqual(new Set(seeded));
    expect([...forwards.updated].sort()).toEqual(forwards.updated);
    const backwards = await walk(null, true);
    expect(backwards.ids).toEqual([...forwards.ids].reverse());
    const mark = forwards.updated[100];
    const after = await walk(`updated_at:>'${mark}'`);
    expect(after.ids).toEqual(forwards.ids.filter((_, i) => forwards.updated[i] > mark));
    expect(fake.rejectedDocuments).toEqual([]);
  });

  it('hides orders older than 60 days without read_all_orders, and denies customers without read_customers', async () => {
    const query = '{ orders(first: 10) { nodes { name } } }';
    expect((await postGraphql(fake, { query })).body.data.orders.nodes).toEqual([{ name: ORDER_OLD.name }, { name: ORDER_RECENT.name }]); // by processedAt, the default
    fake.setScopes(['read_orders']);
    expect((await postGraphql(fake, { query })).body.data.orders.nodes).toEqual([{ name: ORDER_RECENT.name }]);
    const denied = await postGraphql(fake, { query: '{ customers(first: 1) { nodes { id } } }' });
    expect(denied.body.data).toBeNull();
    expect(denied.body.errors[0].extensions).toEqual({
      code: 'ACCESS_DENIED', documentation: 'https://shopify.dev/api/usage/access-scopes', requiredAccess: '`read_customers` access scope.',
    });
  });

  it('throttles when the bucket cannot pay and restores at restoreRate', async () => {
    const query = '{ customers(first: 100) { nodes { id orders(first: 3) { nodes { id } } } } }';
    const first = await postGraphql(fake, { query });
    // 2 + 100 customers × (1 + their orders: 2 + 3 × 1); actually 2 customers with one order each.
    expect(first.body.extensions.cost.requestedQueryCost).toBe(602);
    expect(first.body.extensions.cost.actualQueryCost).toBe(2 + 2 * (1 + 2 + 1));
    fake.bucket.drain();
    const throttled = await postGraphql(fake, { query });
    expect(throttled.status).toBe(200);
    expect(throttled.body).toEqual({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
      extensions: { cost: { requestedQueryCost: 602, actualQueryCost: null, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 } } },
    });
    expect(fake.throttledCount).toBe(1);
    now += 6_000; // 100 points a second: 600, two short
    expect((await postGraphql(fake, { query })).body.errors[0].message).toBe('Throttled');
    now += 20;
    const restored = await postGraphql(fake, { query });
    expect(restored.body.errors).toBeUndefined();
    expect(restored.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(602 - 10);
    expect(fake.throttledCount).toBe(2);
  });

  it('rejects a query above the single-query cost limit', async () => {
    const { body } = await postGraphql(fake, { query: '{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }' });
    expect(body.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', maxCost: 1000 });
    expect(fake.rejectedDocuments).toHaveLength(1);
  });

  it('serves injected faults in order: 429 with Retry-After, 503, a dropped connection, a delay', async () => {
    fake.failNext(1, { status: 429, retryAfter: 2 });
    fake.failNext(1, { status: 503 });
    fake.failNext(1, { drop: true });
    fake.failNext(1, { delayMs: 300 });
    const query = { query: '{ shop { name } }' };
    const limited = await postGraphql(fake, query);
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '2']);
    expect((await postGraphql(fake, query)).status).toBe(503);
    await expect(postGraphql(fake, query)).rejects.toThrow();
    const started = Date.now();
    expect((await postGraphql(fake, query)).body.data).toEqual({ shop: { name: 'Ada Shop' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await postGraphql(fake, query)).status).toBe(200);
    expect(fake.faults.served.graphql).toBe(4);
  });

  it('moves updatedAt on changes, so an updated_at watermark finds exactly the changed records', async () => {
    const watermark = '2026-11-20T11:00:00Z';
    const query = `{ orders(first: 10, sortKey: UPDATED_AT, query: "updated_at:>'${watermark}'") { nodes { name updatedAt cancelledAt displayFinancialStatus } }
      customers(first: 10, sortKey: UPDATED_AT, query: "updated_at:>='${watermark}'") { nodes { email updatedAt defaultEmailAddress { marketingState } } } }`;
    expect((await postGraphql(fake, { query })).body.data).toEqual({ orders: { nodes: [] }, customers: { nodes: [] } });
    fake.updateOrder(ORDER_OLD.orderId, { cancelledAt: new Date(NOW), financialStatus: 'refunded' });
    now += 5_000;
    fake.updateCustomer(BOB.customerId, { emailConsent: 'subscribed' });
    fake.updateCustomer(BOB.customerId, { emailConsent: 'unsubscribed' }); // the same second: still moves on
    expect((await postGraphql(fake, { query })).body.data).toEqual({
      orders: { nodes: [{ name: '#1002', updatedAt: '2026-11-20T12:00:00Z', cancelledAt: '2026-11-20T12:00:00Z', displayFinancialStatus: 'REFUNDED' }] },
      customers: { nodes: [{ email: BOB.email, updatedAt: '2026-11-20T12:00:06Z', defaultEmailAddress: { marketingState: 'UNSUBSCRIBED' } }] },
    });
  });

  it('lets the client page with node and nodes lookups', async () => {
    const { data } = await clientFor(fake).request(`{
      nodes(ids: ["gid://shopify/Customer/7000000000002", "gid://shopify/Order/5000000000001", "gid://shopify/Customer/1"]) {
        __typename ... on Customer { email } ... on Order { name }
      } }`);
    expect(data.nodes).toEqual([{ __typename: 'Customer', email: BOB.email }, { __typename: 'Order', name: '#1001' }, null]);
  });
});

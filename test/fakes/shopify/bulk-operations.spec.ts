/**
 * Bulk operations on the fake, driven by Shopify's client: the states, the JSONL file joined back to the
 * seeded store by __parentId (grouped and interleaved), the query checks, injected failures, cancel, and a
 * file cut mid-download.
 */
import { generateSampleStore } from '../../../src/demo/sample-store';
import type { OrderRecord } from '../../../src/store/store-records';
import { clientFor, NOW } from './fixtures';
import { FakeShopify, type FakeShopifyOptions } from './server';

const ORDERS_QUERY = `{
  orders(query: "created_at:>='2016-11-20T00:00:00Z'") {
    edges { node {
      id name createdAt cancelledAt displayFinancialStatus
      customer { id }
      totalPriceSet { shopMoney { amount } }
      refunds { totalRefundedSet { shopMoney { amount } } }
      lineItems { edges { node { id quantity originalUnitPriceSet { shopMoney { amount } } variant { compareAtPrice } product { productType } } } }
    } }
  }
}`;

const RUN = `mutation Run($query: String!, $group: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $group) { bulkOperation { id status } userErrors { field message code } }
}`;
const POLL = `query Poll($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url } } }`;


describe('fake Shopify bulk operations', () => {
  let fake: FakeShopify;
  let orders: OrderRecord[];

  async function start(options: FakeShopifyOptions = {}): Promise<void> {
    fake = await FakeShopify.start({ clock: () => NOW, bulk: { createdMs: 30, runningMs: 120 }, ...options });
    orders = [];
    for (const batch of generateSampleStore({ customers: 120, asOf: new Date(NOW), seed: 5 })) {
      fake.seed(batch);
      orders.push(...batch.orders);
    }
  }
  afterEach(() => fake.close());

  /** Runs a bulk query and polls until it ends; the statuses seen and the final operation. */
  async function runToEnd(query: string, group = false) {
    const client = clientFor(fake);
    const run = await client.request(RUN, { variables: { query, group } });
    expect(run.errors).toBeUndefined();
    const created = run.data.bulkOperationRunQuery;
    if (created.userErrors.length > 0) return { userErrors: created.userErrors, statuses: [], op: null };
    const statuses = [created.bulkOperation.status];
    for (let i = 0; i < 200; i++) {
      const { data } = await client.request(POLL, { variables: { id: created.bulkOperation.id } });
      if (statuses[statuses.length - 1] !== data.node.status) statuses.push(data.node.status);
      if (!['CREATED', 'RUNNING'].includes(data.node.status)) return { userErrors: [], statuses, op: data.node };
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('bulk operation never ended');
  }

  /** The file's orders rebuilt from its lines: each line item joined to its order by __parentId. */
  function joinOrders(lines: any[]) {
    const byId = new Map<string, any>();
    for (const line of lines) {
      if (line.__parentId === undefined) byId.set(line.id, { ...line, lineItems: [] });
      else {
        const parent = byId.get(line.__parentId);
        expect(parent).toBeDefined(); // a parent always comes before its children
        parent.lineItems.push(line);
      }
    }
    return byId;
  }

  function expectSeededOrders(joined: Map<string, any>): void {
    expect(joined.size).toBe(orders.length);
    for (const order of orders) {
      const line = joined.get(`gid://shopify/Order/${order.orderId}`);
      expect(line.name).toBe(order.name);
      expect(line.customer).toEqual({ id: `gid://shopify/Customer/${order.customerId}` });
      expect(Number(line.totalPriceSet.shopMoney.amount)).toBe(order.totalPrice);
      expect(line.refunds.map((r: any) => Number(r.totalRefundedSet.shopMoney.amount))).toEqual(order.totalRefunded > 0 ? [order.totalRefunded] : []);
      expect(line.lineItems.map((l: any) => [l.quantity, Number(l.originalUnitPriceSet.shopMoney.amount), l.variant?.compareAtPrice === null ? null : Number(l.variant.compareAtPrice), l.product.productType]))
        .toEqual(order.lines.map((l) => [l.quantity, l.price, l.compareAtPrice, l.productType]));
      expect(line.lineItems.every((l: any) => l.__parentId === line.id)).toBe(true);
    }
  }

  async function download(url: string) {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.endsWith('\n')).toBe(true);
    return { text, lines: text.trimEnd().split('\n').map((l) => JSON.parse(l)) };
  }

  it('goes CREATED → RUNNING → COMPLETED and its JSONL joins back to the seeded orders', async () => {
    await start();
    const { statuses, op } = await runToEnd(ORDERS_QUERY);
    expect(statuses).toEqual(['CREATED', 'RUNNING', 'COMPLETED']);
    const { text, lines } = await download(op.url);
    const lineItems = orders.reduce((n, o) => n + o.lines.length, 0);
    expect(op).toMatchObject({ errorCode: null, rootObjectCount: String(orders.length), objectCount: String(orders.length + lineItems), fileSize: String(Buffer.byteLength(text)) });
    expect(lines).toHaveLength(orders.length + lineItems);
    // Grouped by default here: each order's line items right after it.
    let lastOrder = '';
    for (const line of lines) {
      if (line.__parentId === undefined) lastOrder = line.id;
      else expect(line.__parentId).toBe(lastOrder);
    }
    expectSeededOrders(joinOrders(lines));
    const listed = await clientFor(fake).request(`{ bulkOperations(first: 5, query: "status:COMPLETED") { nodes { id status } }
      running: bulkOperations(first: 5, query: "status:RUNNING") { nodes { id } } currentBulkOperation { id status } }`);
    expect(listed.data).toEqual({ bulkOperations: { nodes: [{ id: op.id, status: 'COMPLETED' }] }, running: { nodes: [] }, currentBulkOperation: { id: op.id, status: 'COMPLETED' } });
    expect(fake.rejectedDocuments).toEqual([]);
  });

  it('with interleave, writes children away from their parents, and they still join', async () => {
    await start({ bulk: { createdMs: 10, runningMs: 50, interleave: true } });
    const { op } = await runToEnd(ORDERS_QUERY);
    const { lines } = await download(op.url);
    const separated = lines.filter((line, i) => line.__parentId !== undefined && lines[i - 1].id !== line.__parentId && lines[i - 1].__parentId !== line.__parentId);
    expect(separated.length).toBeGreaterThan(orders.length / 4);
    expectSeededOrders(joinOrders(lines));
    // groupObjects: true asks Shopify for grouped output: no interleaving then.
    const grouped = await runToEnd(ORDERS_QUERY, true);
    const again = (await download(grouped.op.url)).lines;
    expect(again.filter((line, i) => line.__parentId !== undefined && again[i - 1].id !== line.__parentId && again[i - 1].__parentId !== line.__parentId)).toEqual([]);
  });

  it('flattens customers with nested single objects inline and their orders as child lines', async () => {
    await start();
    const { op } = await runToEnd(`{ customers { edges { node {
      id email defaultAddress { countryCodeV2 } defaultEmailAddress { marketingState }
      orders { edges { node { id name } } } } } } }`);
    const { lines } = await download(op.url);
    const customers = lines.filter((l) => l.id.startsWith('gid://shopify/Customer/'));
    expect(customers).toHaveLength(120);
    expect(customers.every((c) => c.__parentId === undefined && 'defaultAddress' in c && !('orders' in c))).toBe(true);
    const orderLines = lines.filter((l) => l.id.startsWith('gid://shopify/Order/'));
    expect(orderLines).toHaveLength(orders.length);
    const byOrder = new Map(orders.map((o) => [`gid://shopify/Order/${o.orderId}`, o]));
    for (const o of orderLines) {
      expect(o).toEqual({ id: o.id, name: byOrder.get(o.id)?.name, __parentId: `gid://shopify/Customer/${byOrder.get(o.id)?.customerId}` });
    }
  });

  it('refuses bulk queries Shopify refuses, in userErrors', async () => {
    await start();
    const errors = async (query: string) => (await runToEnd(query)).userErrors.map((e: any) => [e.code, e.message]);
    expect(await errors('{ shop { name } }')).toEqual([['INVALID', 'Bulk queries must contain at least one connection.']]);
    expect(await errors('{ customers { nodes { id } } orders { nodes { id } } }')).toEqual([['INVALID', 'Bulk queries must have exactly one top-level field.']]);
    expect(await errors('{ orders { nodes { name lineItems { nodes { id } } } } }')).toEqual([
      ['INVALID', "The parent 'node' field for a nested connection must select the 'id' field. Connection fields without 'id': [lineItems]."],
    ]);
    expect(await errors('{ customers { nodes { id orders { nodes { id lineItems { nodes { id } } } } } } }')).toEqual([
      ['INVALID', 'Bulk queries cannot contain connections with a nesting depth greater than 2.'],
    ]);
    expect(await errors('{ node(id: "gid://shopify/Customer/1") { id } }')).toEqual([['INVALID', 'Bulk queries must contain at least one connection.']]);
    expect(await errors('{ customers { nodes { id nope } } }')).toEqual([['INVALID', 'Invalid bulk query: Cannot query field "nope" on type "Customer". Did you mean "note"?']]);
  });

  it('ends FAILED or EXPIRED when told to, and ACCESS_DENIED without the scope', async () => {
    await start();
    fake.failNextBulkOperation({ status: 'FAILED', errorCode: 'TIMEOUT' });
    expect((await runToEnd(ORDERS_QUERY)).op).toMatchObject({ status: 'FAILED', errorCode: 'TIMEOUT', url: null });
    fake.failNextBulkOperation({ status: 'EXPIRED' });
    expect((await runToEnd(ORDERS_QUERY)).op).toMatchObject({ status: 'EXPIRED', url: null });
    fake.setScopes(['read_customers']);
    expect((await runToEnd(ORDERS_QUERY)).op).toMatchObject({ status: 'FAILED', errorCode: 'ACCESS_DENIED', url: null });
    fake.setScopes(['read_customers', 'read_orders', 'read_all_orders']);
    const { op } = await runToEnd(ORDERS_QUERY);
    expect(op.status).toBe('COMPLETED');
    fake.bulkOperations.expire(op.id.split('/').pop());
    expect((await fetch(op.url)).status).toBe(404);
    const { data } = await clientFor(fake).request(POLL, { variables: { id: op.id } });
    expect(data.node).toMatchObject({ status: 'EXPIRED', url: null });
  });

  it('serves a file prepared ahead while the store is unchanged, and writes a new one after a change', async () => {
    await start({ bulk: { createdMs: 10, runningMs: 10 } });
    const prepared = await fake.prepareBulkQuery(ORDERS_QUERY);
    const lineItems = orders.reduce((n, o) => n + o.lines.length, 0);
    expect(prepared.objectCount).toBe(orders.length + lineItems);
    const first = await runToEnd(ORDERS_QUERY);
    expect(first.op).toMatchObject({ status: 'COMPLETED', objectCount: String(prepared.objectCount), fileSize: String(prepared.fileSize) });
    const changed = orders.find((o) => o.financialStatus === 'paid') as OrderRecord;
    fake.updateOrder(changed.orderId, { financialStatus: 'refunded', totalRefunded: changed.totalPrice });
    const second = await runToEnd(ORDERS_QUERY);
    const line = (await download(second.op.url)).lines.find((l) => l.id === `gid://shopify/Order/${changed.orderId}`);
    expect([line.displayFinancialStatus, Number(line.refunds[0].totalRefundedSet.shopMoney.amount)]).toEqual(['REFUNDED', changed.totalPrice]);
    // The earlier operation's file is a snapshot of the store when it ran.
    const before = (await download(first.op.url)).lines.find((l) => l.id === `gid://shopify/Order/${changed.orderId}`);
    expect([before.displayFinancialStatus, before.refunds]).toEqual(['PAID', []]);
  });

  it('cancels a running operation, and can cut the file mid-download', async () => {
    await start({ bulk: { createdMs: 10, runningMs: 400 } });
    const client = clientFor(fake);
    const run = await client.request(RUN, { variables: { query: ORDERS_QUERY, group: false } });
    const id = run.data.bulkOperationRunQuery.bulkOperation.id;
    const cancel = await client.request(`mutation C($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`, { variables: { id } });
    expect(cancel.data.bulkOperationCancel).toEqual({ bulkOperation: { status: 'CANCELING' }, userErrors: [] });
    await new Promise((r) => setTimeout(r, 500));
    expect((await client.request(POLL, { variables: { id } })).data.node.status).toBe('CANCELED');

    const { op } = await runToEnd(ORDERS_QUERY);
    fake.failNext(1, { drop: true, afterBytes: 1000 }, 'bulk-file');
    await expect(fetch(op.url).then((r) => r.text())).rejects.toThrow();
    expect((await download(op.url)).lines.length).toBe(Number(op.objectCount));
  });
});

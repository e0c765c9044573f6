/**
 * The fake Shopify Admin API for bench/shopify-import, in a process of its own so that the benchmark's
 * memory figure is the importer's alone: seeds a sample store of about `--orders` orders from the demo
 * generator, writes the JSONL files of the import's three bulk queries ahead (so the benchmark times the
 * import, not the fake's export), starts on a loopback port and prints one line `READY {"baseUrl",...}`.
 *
 *   node dist/bench/shopify-fake-server.js --orders 1000000
 */
import { parseArgs } from 'node:util';
import { generateSampleStore } from '../src/demo/sample-store';
import { bulkCheckoutsQuery, bulkCustomersQuery, bulkOrdersQuery } from '../src/shopify/admin/documents';
import { orderHistoryFilter } from '../src/shopify/core/bulk-failures';
import { FakeShopify } from '../test/fakes/shopify';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000000' }, token: { type: 'string' }, now: { type: 'string' } } });
const now = values.now ? new Date(values.now) : new Date();
const wanted = Number(values.orders.replace(/[_,]/g, ''));

async function main(): Promise<void> {
  const started = Date.now();
  const fake = await FakeShopify.start({
    shop: 'bench-outfitters.myshopify.com',
    accessToken: values.token,
    // Plus-sized bucket: only the bulk path is timed, so paging limits do not matter here.
    maximumAvailable: 20_000,
    restoreRate: 1_000,
    bulk: { createdMs: 10, runningMs: 10, interleave: true },
  });
  let orders = 0;
  let customers = 0;
  // About 3.3 orders per customer in the sample store (prospects included).
  for (const batch of generateSampleStore({ customers: Math.ceil(wanted / 3.2), asOf: new Date('2026-11-20T00:00:00Z'), seed: 1 })) {
    const room = wanted - orders;
    if (room <= 0) break;
    const batchOrders = batch.orders.slice(0, room);
    fake.seed({ customers: batch.customers, orders: batchOrders, checkouts: batch.checkouts });
    orders += batchOrders.length;
    customers += batch.customers.length;
  }
  const seeded = Date.now();
  // Shopify's own export time is not the service's: the files of the three bulk queries the import will run
  // (`--now` is the import's, so the order filter is the same) are written before the benchmark's clock.
  for (const query of [bulkCustomersQuery(), bulkOrdersQuery(orderHistoryFilter(now)), bulkCheckoutsQuery()]) {
    await fake.prepareBulkQuery(query);
  }
  const prepared = Date.now();
  const seconds = { seed: (seeded - started) / 1000, prepare: (prepared - seeded) / 1000 };
  process.stdout.write(`READY ${JSON.stringify({ baseUrl: fake.baseUrl, shop: fake.shop, orders, customers, seconds })}\n`);
  process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`fake Shopify: ${(error as Error).stack}\n`);
  process.exit(1);
});

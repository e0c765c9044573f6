/**
 * A fake Shopify in a process of its own (started by process.ts), so a benchmark's own memory and CPU figures
 * do not include a million seeded orders. Messages: { id, method, args } → { id, result } or { id, error }.
 * `seedSample` seeds a generated store in the child; any other method is the FakeShopify method of that name
 * (properties are read with `get`). ISO date strings in arguments become Dates.
 */
import { generateSampleStore, type SampleStoreOptions } from '../../../src/demo/sample-store';
import { FakeShopify, type FakeShopifyOptions } from './server';

type Message = { id: number; method: string; args: unknown[] };

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const revive = (value: unknown): unknown =>
  typeof value === 'string' && ISO.test(value) ? new Date(value)
    : Array.isArray(value) ? value.map(revive)
      : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v)])) : value;

async function main(): Promise<void> {
  const options = JSON.parse(process.env.FAKE_SHOPIFY_OPTIONS ?? '{}') as FakeShopifyOptions;
  const fake = await FakeShopify.start(options);
  const api: Record<string, (...args: any[]) => unknown> = {
    seedSample: (store: SampleStoreOptions) => {
      const counts = { customers: 0, orders: 0, checkouts: 0 };
      for (const batch of generateSampleStore({ ...store, asOf: new Date(store.asOf) })) {
        const seeded = fake.seed(batch);
        counts.customers += seeded.customers;
        counts.orders += seeded.orders;
        counts.checkouts += seeded.checkouts;
      }
      return counts;
    },
    get: (name: string) => {
      const value = (fake as unknown as Record<string, unknown>)[name];
      return value instanceof Map ? Object.fromEntries(value) : value;
    },
    memory: () => process.memoryUsage(),
  };
  process.on('message', (message: Message) => {
    void (async () => {
      try {
        const own = api[message.method];
        const method = own ?? (fake as unknown as Record<string, (...a: unknown[]) => unknown>)[message.method]?.bind(fake);
        if (!method) throw new Error(`fake Shopify process: no method ${message.method}`);
        const result = await method(...(message.args.map(revive) as unknown[]));
        process.send?.({ id: message.id, result: result === undefined ? null : result });
      } catch (error) {
        process.send?.({ id: message.id, error: (error as Error).message });
      }
    })();
  });
  process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
  process.send?.({ id: 0, result: { baseUrl: fake.baseUrl, shop: fake.shop, accessToken: fake.accessToken, apiSecret: fake.apiSecret } });
}

void main();

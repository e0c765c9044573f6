/**
 * Starts a fake Shopify in a child process (child.ts) and drives it by messages: for benchmarks, whose
 * memory and CPU figures must be the service's alone. Needs the compiled code (`npm run build`, then
 * `node dist/bench/...`): the child is forked from the compiled `child.js` beside this file.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SampleStoreOptions } from '../../../src/demo/sample-store';
import type { FakeShopifyOptions } from './server';

export interface FakeShopifyProcess {
  baseUrl: string;
  shop: string;
  accessToken: string;
  apiSecret: string;
  pid: number;
  /** Seeds a generated store in the child; the counts seeded. */
  seedSample(store: SampleStoreOptions): Promise<{ customers: number; orders: number; checkouts: number }>;
  /** Any FakeShopify method by name, with JSON arguments (Dates are sent as ISO strings and revived). */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** A FakeShopify property (Maps come back as objects): rejectedDocuments, throttledCount, ... */
  get<T = unknown>(name: string): Promise<T>;
  close(): Promise<void>;
}

export async function startFakeShopifyProcess(options: Omit<FakeShopifyOptions, 'clock'> = {}): Promise<FakeShopifyProcess> {
  const entry = join(__dirname, 'child.js');
  if (!existsSync(entry)) throw new Error(`fake Shopify process: ${entry} is missing (run the compiled code: npm run build)`);
  const child: ChildProcess = fork(entry, [], { env: { ...process.env, FAKE_SHOPIFY_OPTIONS: JSON.stringify(options) }, stdio: 'inherit' });
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const started = new Promise<{ baseUrl: string; shop: string; accessToken: string; apiSecret: string }>((resolve, reject) => {
    pending.set(0, { resolve, reject });
    child.once('exit', (code) => reject(new Error(`fake Shopify process exited (${code}) before it started`)));
  });
  child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  });
  const call = <T>(method: string, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, method, args });
    });
  const info = await started;
  return {
    ...info,
    pid: child.pid as number,
    seedSample: (store) => call('seedSample', { ...store, asOf: store.asOf.toISOString() }),
    call,
    get: (name) => call('get', name),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}

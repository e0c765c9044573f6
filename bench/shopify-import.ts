/**
 * bench/shopify-import: the full import of a store through Shopify bulk operations. The fake Admin API
 * (its own process, seeded from the demo generator with `--orders` orders, about 3.3 per customer) exports
 * customers, orders with their line items and abandoned checkouts as JSONL; the real `@shopify/shopify-api`
 * client drives it, and the import streams the files into a fresh PostgreSQL database
 * `segment_sync_bench_shopify` on BENCH_DATABASE_URL (default the local server), created and dropped here.
 *
 *   npm run bench:shopify-import -- --orders 1000000 [--runs 3]
 *
 * The fake writes the three bulk result files before the clock starts (Shopify's export time is Shopify's).
 * Prints progress, each resource's time, the import's steps (download+stage, each merge), and a last line
 * of JSON: {"orders":N,"customers":C,"seconds":S,"orders_per_second":R,"peak_rss_mb":M,"fake_prepare_seconds":P,
 * "runs_seconds":[...],"steps":{...},"load_average":[...]}, the median of `--runs` imports (each into a fresh
 * database, from the same fake); seconds run from the start of the first bulk operation (start, polls,
 * download, parse, staging, merges) to the last commit; RSS is this process's.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runOnServer } from './server-admin';
import { Database } from '../src/database/database';
import { AdminClients } from '../src/shopify/admin/admin-clients';
import { ShopConnectionService } from '../src/shopify/admin/shop-connection.service';
import { ShopifyApp } from '../src/shopify/admin/shopify-app';
import { ImportProgressLine } from '../src/shopify/sync/import-progress-line';
import { ShopifyImportService } from '../src/shopify/sync/shopify-import.service';
import { ShopCredentialsRepository } from '../src/shops/shop-credentials.repository';
import { ShopsRepository } from '../src/shops/shops.repository';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000000' }, 'database-url': { type: 'string' }, runs: { type: 'string', default: '1' } } });
const serverUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE = 'segment_sync_bench_shopify';

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const admin = (sql: string) => runOnServer(serverUrl, sql);

type FakeReady = { baseUrl: string; shop: string; orders: number; customers: number; seconds: { seed: number; prepare: number } };

/** Starts the fake in a child process and waits for its READY line. */
function startFake(orders: string, token: string, now: Date) {
  const script = join(__dirname, 'shopify-fake-server.js');
  const child = spawn(process.execPath, ['--max-old-space-size=8192', script, '--orders', orders, '--token', token, '--now', now.toISOString()], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<FakeReady>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /READY (\{.*\})\n/.exec(out);
      if (match) resolve(JSON.parse(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`the fake Shopify exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

interface Run {
  orders: number;
  customers: number;
  seconds: number;
  steps: Record<string, number>;
  load: number[];
}

/** One full import into a fresh database; the clock covers the import only. */
async function importOnce(fake: FakeReady, token: string, now: Date): Promise<Run> {
  await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${DATABASE}`);
  const url = new URL(serverUrl);
  url.pathname = `/${DATABASE}`;
  const database = await Database.open({ databaseUrl: url.toString(), dataDir: '.' });
  try {
    const key = randomBytes(32);
    const app = new ShopifyApp({ apiBaseUrl: fake.baseUrl, apiKey: null, apiSecret: null, appUrl: null });
    const clients = new AdminClients(app, new ShopCredentialsRepository(database.dataSource, key));
    await new ShopConnectionService(database.dataSource, clients, key).connect(fake.shop, token);
    const importer = new ShopifyImportService(database.dataSource, new ShopsRepository(database.dataSource), clients, { pollIntervalMs: 100 });
    const progress = new ImportProgressLine();
    const steps: Record<string, number> = {};
    const t0 = Date.now();
    const result = await importer.import(fake.shop, {
      mode: 'full',
      now,
      onStep: (resource, step, stepSeconds) => (steps[`${resource} ${step}`] = Math.round(stepSeconds * 100) / 100),
      onProgress: (update) => progress.report(update),
    });
    progress.done();
    const seconds = (Date.now() - t0) / 1000;
    const load = loadavg().map((n) => Math.round(n * 100) / 100);
    process.stderr.write(`import: ${seconds.toFixed(1)} s; steps (s): ${JSON.stringify(steps)}; load average ${load.join(' ')}\n`);
    return {
      orders: result.resources.find((r) => r.resource === 'orders')!.records,
      customers: result.resources.find((r) => r.resource === 'customers')!.records,
      seconds,
      steps,
      load,
    };
  } finally {
    await database.close();
    await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  }
}

async function main(): Promise<void> {
  const token = `shpat_${randomBytes(16).toString('hex')}`;
  const now = new Date();
  const fakeProcess = startFake(values.orders, token, now);
  try {
    const fake = await fakeProcess.ready;
    process.stderr.write(
      `fake Shopify: ${fake.orders} orders, ${fake.customers} customers seeded in ${fake.seconds.seed} s; ` +
        `bulk files prepared in ${fake.seconds.prepare} s (not timed)\n`,
    );
    const runs: Run[] = [];
    for (let i = 0; i < Number(values.runs); i++) runs.push(await importOnce(fake, token, now));
    clearInterval(sampler);
    const median = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor((runs.length - 1) / 2)];
    process.stdout.write(
      JSON.stringify({
        orders: median.orders,
        customers: median.customers,
        seconds: Math.round(median.seconds * 10) / 10,
        orders_per_second: Math.round(median.orders / median.seconds),
        peak_rss_mb: Math.round(peakRss / 1048576),
        runs_seconds: runs.map((run) => Math.round(run.seconds * 10) / 10),
        fake_prepare_seconds: fake.seconds.prepare,
        steps: median.steps,
        load_average: median.load,
      }) + '\n',
    );
  } finally {
    clearInterval(sampler);
    fakeProcess.child.kill('SIGTERM');
  }
}

main().catch((error) => {
  process.stderr.write(`bench:shopify-import failed: ${(error as Error).message}\n`);
  process.exit(1);
});

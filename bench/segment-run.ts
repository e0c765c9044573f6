/**
 * bench/segment-run: generate a sample store of N customers (about 4 orders per buyer), import it into a
 * real PostgreSQL, then time full segmentation runs: features in SQL, scores, clustering, memberships
 * persisted, diff against the previous run. Generation, import and the run are timed separately.
 *
 *   npm run bench:segment -- --customers 1000000 [--runs 3] [--database-url postgres://...] [--keep] [--reuse] [--profile]
 *
 * The database is BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
 * database is created on that server for the run and dropped afterwards unless --keep. --reuse times runs
 * on the store a previous --keep left (generation and import are then not timed and print as null).
 * --profile prints, after each run, the statements that took 100 ms or more in all, with their wall and
 * server CPU time.
 * The last line of output is one JSON object with the figures (run_seconds is the median of the runs).
 */
import 'reflect-metadata';
import { runOnServer } from './server-admin';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Database } from '../src/database/database';
import { generateSampleStore, sampleShop } from '../src/demo/sample-store';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { ShopsRepository } from '../src/shops/shops.repository';
import { StoreRepository } from '../src/store/store.repository';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
  },
});

const customers = Number(values.customers.replace(/[_,]/g, ''));
const runs = Number(values.runs);
const serverUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const asOf = new Date('2026-11-27T06:00:00Z');

let peakRss = process.memoryUsage().rss;
const rssSampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

/**
 * Statements of the current run with their wall time and the CPU time of the server process that ran them
 * (read from /proc when the server is on this machine; parallel workers not counted): on a shared machine
 * the CPU time is the steadier figure to compare versions by.
 */
const statements: { sql: string; ms: number; cpuMs: number }[] = [];
if (values.profile) {
  const query = PostgresQueryRunner.prototype.query;
  PostgresQueryRunner.prototype.query = async function (this: PostgresQueryRunner, ...args: Parameters<typeof query>) {
    const t = performance.now();
    const pid = (this.databaseConnection as { processID?: number } | undefined)?.processID;
    const cpu = serverCpuMs(pid);
    try {
      return await query.apply(this, args);
    } finally {
      statements.push({ sql: String(args[0]), ms: performance.now() - t, cpuMs: serverCpuMs(pid) - cpu });
    }
  };
}

/** User + system CPU milliseconds of a local server process; 0 when it cannot be read. */
function serverCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in ticks of 10 ms
  } catch {
    return 0;
  }
}

function printProfile(): void {
  // Paged statements (FETCH, INSERT of a page) add up under one line.
  const totals = new Map<string, { ms: number; cpuMs: number; calls: number }>();
  for (const { sql, ms, cpuMs } of statements.splice(0)) {
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    const total = totals.get(key) ?? { ms: 0, cpuMs: 0, calls: 0 };
    total.ms += ms;
    total.cpuMs += cpuMs;
    total.calls += 1;
    totals.set(key, total);
  }
  log('  wall s  cpu s  calls  statement');
  for (const [sql, { ms, cpuMs, calls }] of totals) {
    if (ms >= 100) {
      log(`  ${(ms / 1000).toFixed(2).padStart(6)} ${(cpuMs / 1000).toFixed(2).padStart(6)} ${String(calls).padStart(5)}  ${sql}`);
    }
  }
}

async function main(): Promise<void> {
  const name = `segment_sync_bench_${customers}`;
  if (!values.reuse) {
    await runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await runOnServer(serverUrl, `CREATE DATABASE ${name}`);
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await Database.open({ databaseUrl: url.toString(), dataDir: '.' });
  try {
    const { dataSource } = database;
    const shops = new ShopsRepository(dataSource);
    const shop = await shops.ensure(sampleShop().domain, sampleShop());
    let generateMs = 0;
    let importMs = 0;
    let orders = 0;
    let written = 0;
    const generator = generateSampleStore({ customers, seed: Number(values.seed), asOf });
    for (;;) {
      if (values.reuse) break;
      const t0 = performance.now();
      const next = generator.next();
      generateMs += performance.now() - t0;
      if (next.done) break;
      const batch = next.value;
      const t1 = performance.now();
      await dataSource.transaction(async (manager) => {
        const store = new StoreRepository(manager);
        await store.upsertCustomers(shop.id, batch.customers);
        await store.upsertOrders(shop.id, batch.orders, 'bench');
        await store.upsertCheckouts(shop.id, batch.checkouts);
      });
      importMs += performance.now() - t1;
      orders += batch.orders.length;
      written += batch.customers.length;
      if (written % 100_000 === 0) log(`imported ${written.toLocaleString('en-US')} customers, ${orders.toLocaleString('en-US')} orders`);
    }
    if (!values.reuse) {
      log(`generation ${(generateMs / 1000).toFixed(1)} s, import ${(importMs / 1000).toFixed(1)} s`);
      await dataSource.query('VACUUM ANALYZE');
    }

    const service = new SegmentRunService(dataSource, shops);
    const seconds: number[] = [];
    for (let i = 0; i < runs; i++) {
      statements.length = 0;
      const t = performance.now();
      let last = t;
      const steps: string[] = [];
      const summary = await service.run(shop, {
        asOf: new Date(asOf.getTime() + i * 86_400_000),
        onStep: (step) => {
          const now = performance.now();
          steps.push(`${step}@${((now - t) / 1000).toFixed(2)}s`);
          last = now;
        },
      });
      const elapsed = (performance.now() - t) / 1000;
      seconds.push(elapsed);
      log(
        `run ${summary.runNumber}: ${elapsed.toFixed(2)} s for ${summary.customers.toLocaleString('en-US')} segmented customers ` +
          `(${steps.join(', ')}, end@${((last - t) / 1000).toFixed(2)}s); entered ${summary.entered}, left ${summary.left}`,
      );
      if (values.profile) printProfile();
    }
    const [{ n: orderCount }] = await dataSource.query('SELECT count(*)::int AS n FROM orders');
    clearInterval(rssSampler);
    const result = {
      customers,
      orders: orderCount,
      run_seconds: round(median(seconds)),
      run_seconds_all: seconds.map(round),
      generate_seconds: values.reuse ? null : round(generateMs / 1000),
      import_seconds: values.reuse ? null : round(importMs / 1000),
      peak_rss_mb: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1048576),
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await database.close();
    if (!values.keep && !values.reuse) await runOnServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});

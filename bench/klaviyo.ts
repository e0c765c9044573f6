/**
 * bench/klaviyo: the Klaviyo sync of a million customers against the fake Klaviyo with Klaviyo's published
 * rate limits: the initial sync (bulk import jobs with list membership), then a nightly delta where 2% of
 * the customers changed (1% moved group, 1% only changed figures).
 *
 *   npm run bench:klaviyo -- [--customers 1000000] [--changed 0.02] [--database-url postgres://...] [--keep]
 *
 * The store is not segmented here (the real segmentation at 1M takes a minute): customers, two succeeded
 * segment runs, their memberships (realistic group shares, VIP tiers, predictions) and changes are
 * written with generate_series into a fresh database on BENCH_DATABASE_URL (default the local PostgreSQL),
 * dropped afterwards (kept with --keep). The fake runs in a child process.
 *
 * The least calls a phase needs, by endpoint: one list creation per list; per set of lists joined,
 * max(ceil(profiles / 10,000), ceil(bytes / 5 MB)) import jobs (a job adds all its profiles to all its
 * lists, so profiles joining different lists cannot share one), each polled at least once; one profile-id
 * lookup per 100 customers leaving a list (Klaviyo removes by profile id; none known after a bulk import);
 * ceil(departures / 1,000) removals per list; ceil(events / 1,000) event jobs. The least wall time the
 * limits allow: the slowest endpoint's least time for its least calls (burst per second, steady per
 * minute), the endpoints working in parallel; the fake's job processing time is not counted.
 * Last line: one JSON object with calls, seconds and both minimums per phase.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runOnServer } from './server-admin';
import { Database } from '../src/database/database';
import { MB } from '../src/klaviyo/core/job-chunker';
import { minimumSeconds, PUBLISHED_LIMITS, type KlaviyoOperation } from '../src/klaviyo/core/rate-limits';
import { klaviyoClientFactory } from '../src/klaviyo/klaviyo-client';
import { KlaviyoSyncService, type SyncReport } from '../src/klaviyo/klaviyo-sync.service';
import { ShopCredentialsRepository } from '../src/shops/shop-credentials.repository';
import { ShopsRepository } from '../src/shops/shops.repository';
import { startFakeKlaviyoProcess, type FakeKlaviyoProcess } from '../test/fakes/klaviyo/child';
import { writeBenchStore, writeChangedRun } from './klaviyo-store.sql';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    changed: { type: 'string', default: '0.02' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const customers = Number(values.customers.replace(/[_,]/g, ''));
const changedShare = Number(values.changed);
const serverUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const API_KEY = 'pk_bench_0123456789';

const admin = (sql: string) => runOnServer(serverUrl, sql);

/** The least calls and least wall time the published limits allow for what the phase had to do. */
function minimums(report: SyncReport, listsCreated: number) {
  const jobs = report.jobGroups.reduce(
    (sum, group) => sum + Math.max(Math.ceil(group.profiles / 10_000), Math.ceil(group.bytes / (5 * MB - 200 - 40 * group.lists))),
    0,
  );
  const calls: Partial<Record<KlaviyoOperation, number>> = {
    create_list: listsCreated,
    bulk_import_profiles: jobs,
    get_bulk_import_profiles_job: jobs,
    get_profiles: Math.ceil(report.profileIdsLookedUp / 100),
    remove_profiles_from_list: Object.values(report.removalsByList).reduce((sum, n) => sum + Math.ceil(n / 1000), 0),
    bulk_create_events: Math.ceil(report.events / 1000),
  };
  const total = Object.values(calls).reduce((a, b) => a + (b ?? 0), 0);
  const seconds = Math.max(
    ...Object.entries(calls).map(([operation, n]) => minimumSeconds(n ?? 0, PUBLISHED_LIMITS[operation as KlaviyoOperation])),
  );
  return { calls, total, seconds };
}

async function expected(db: Database, shopId: number) {
  const [run] = await db.dataSource.query(`SELECT max(id) AS id FROM segment_runs WHERE shop_id = $1`, [shopId]);
  const lists: { name: string; n: number }[] = await db.dataSource.query(
    `SELECT name, count(*)::int AS n FROM (
       SELECT 'rfm:' || m.rfm_group AS name FROM segment_memberships m JOIN customers c USING (shop_id, customer_id)
       WHERE m.shop_id = $1 AND m.run_id = $2 AND (c.email IS NOT NULL OR c.phone IS NOT NULL)
       UNION ALL
       SELECT 'vip:' || m.vip_tier FROM segment_memberships m JOIN customers c USING (shop_id, customer_id)
       WHERE m.shop_id = $1 AND m.run_id = $2 AND m.vip_tier IS NOT NULL AND (c.email IS NOT NULL OR c.phone IS NOT NULL)
     ) x GROUP BY name`,
    [shopId, run.id],
  );
  const names: { segment_key: string; list_name: string }[] = await db.dataSource.query(
    `SELECT segment_key, list_name FROM klaviyo_lists WHERE shop_id = $1`,
    [shopId],
  );
  const byKey = new Map(names.map((row) => [row.segment_key, row.list_name]));
  return new Map(lists.map((list) => [byKey.get(list.name) ?? list.name, list.n]));
}

async function phase(name: string, service: KlaviyoSyncService, db: Database, shopId: number, fake: FakeKlaviyoProcess) {
  const before = await fake.summary();
  const report = await service.sync(null);
  const after = await fake.summary();
  const calls: Record<string, number> = {};
  for (const [operation, n] of Object.entries(after.callCounts)) {
    const delta = n - (before.callCounts[operation] ?? 0);
    if (delta) calls[operation] = delta;
  }
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const minimum = minimums(report, report.lists.created.length);
  const intended = await expected(db, shopId);
  const lost = [...intended].reduce((sum, [list, n]) => {
    const held = after.lists.find((l) => l.name === list)?.members ?? 0;
    return sum + Math.abs(n - held);
  }, 0);
  console.log(`\n${name}: ${report.seconds.toFixed(1)} s, ${total} API calls (least ${minimum.total}), least wall time ${minimum.seconds.toFixed(1)} s`);
  console.log(`  profiles sent ${report.profiles.sent}, confirmed ${report.profiles.confirmed}, rejected ${report.profiles.rejected}, skipped ${report.profiles.skippedUnreachable}; jobs ${report.jobs}`);
  console.log(`  removals ${report.removals} (${report.profileIdsLookedUp} profile ids looked up), events ${report.events}`);
  console.log(`  calls by endpoint: ${JSON.stringify(calls)}`);
  console.log(`  least calls by endpoint: ${JSON.stringify(minimum.calls)}`);
  console.log(`  throttled (429): ${JSON.stringify(after.throttledCounts)}; rate-limit waits ${report.rateLimitWaitSeconds.toFixed(1)} s`);
  console.log(`  fake holds ${after.profiles} profiles, ${after.events} events; list members off by ${lost}; rejected bodies ${after.rejected}`);
  if (after.rejected) console.log(`  rejected: ${JSON.stringify(after.rejectedRequests.slice(0, 3)).slice(0, 1000)}`);
  return {
    calls: total,
    seconds: Math.round(report.seconds * 10) / 10,
    min_calls: minimum.total,
    min_seconds: Math.round(minimum.seconds * 10) / 10,
    profiles_sent: report.profiles.sent,
    failed: report.profiles.rejected,
    lost,
    events: report.events,
    throttled: report.throttled,
  };
}

async function main(): Promise<void> {
  const name = `segment_sync_bench_klaviyo_${process.pid}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const fake = await startFakeKlaviyoProcess({ apiKeys: [API_KEY], rateLimits: 'published' });
  const db = await Database.open({ databaseUrl: url.toString(), dataDir: '/tmp' });
  try {
    const shops = new ShopsRepository(db.dataSource);
    const shop = await shops.ensure('bench-klaviyo.myshopify.com');
    let t = performance.now();
    await writeBenchStore(db.dataSource, shop.id, customers);
    console.log(`store of ${customers.toLocaleString('en-US')} customers and run 1 written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const key = randomBytes(32);
    const credentials = new ShopCredentialsRepository(db.dataSource, key);
    await credentials.put(shop.id, 'klaviyo', API_KEY);
    const service = new KlaviyoSyncService(db.dataSource, shops, credentials, klaviyoClientFactory(fake.baseUrl), key);

    const initial = await phase('initial sync', service, db, shop.id, fake);
    t = performance.now();
    await writeChangedRun(db.dataSource, shop.id, Math.round(1 / changedShare));
    console.log(`\nrun 2 (${(changedShare * 100).toFixed(1)}% changed) written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const delta = await phase('delta sync', service, db, shop.id, fake);
    console.log(JSON.stringify({ customers, changed_share: changedShare, initial, delta }));
  } finally {
    await db.close();
    await fake.close();
    if (values.keep) console.log(`kept database ${name}`);
    else await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

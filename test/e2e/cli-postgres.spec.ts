/**
 * End-to-end on a real PostgreSQL, when TEST_DATABASE_URL names a server (CI sets it): the command line and
 * the service with DATABASE_URL pointing at a database created for this file and dropped afterwards.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createServerDatabase,
  makeTempDir,
  removeTempDirs,
  runCli,
  runCliJson,
  startService,
  type RunSummary,
} from './support/cli';

const serverUrl = process.env.TEST_DATABASE_URL;
const DEMO = ['demo', '--customers', '600', '--seed', '7', '--as-of', '2026-11-27', '--json'];

(serverUrl ? describe : describe.skip)('segment-sync on PostgreSQL (TEST_DATABASE_URL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let unusedDataDir: string;
  let onPostgres: RunSummary;
  let embedded: RunSummary;

  beforeAll(async () => {
    database = await createServerDatabase(serverUrl!);
    unusedDataDir = join(makeTempDir(), 'data');
  });

  afterAll(async () => {
    await database?.drop();
    removeTempDirs();
  });

  const onServer = () => ({ dataDir: unusedDataDir, env: { DATABASE_URL: database.url } });

  it('demo --customers 600 writes and segments the sample store in the database, not in the data folder', async () => {
    const reports = makeTempDir();
    // The same demo on the embedded database, side by side: both must give the same run.
    [onPostgres, embedded] = await Promise.all([
      runCliJson<RunSummary>([...DEMO, '--out', join(reports, 'pg.html')], onServer()),
      runCliJson<RunSummary>([...DEMO, '--out', join(reports, 'embedded.html')], { dataDir: join(makeTempDir(), 'data') }),
    ]);
    expect(onPostgres).toMatchObject({ runNumber: 1, previousRunId: null, shopDomain: 'demo-outfitters.myshopify.com' });
    expect(onPostgres.customers).toBeGreaterThan(0);
    expect(onPostgres.groups.reduce((n, g) => n + g.customers, 0)).toBe(onPostgres.customers);
    expect(existsSync(unusedDataDir)).toBe(false);
  });

  it('PostgreSQL and the embedded database give the same groups, counts and revenue', () => {
    expect(onPostgres.groups).toEqual(embedded.groups);
    expect(onPostgres.scoreHeatmap).toEqual(embedded.scoreHeatmap);
    expect([onPostgres.customers, onPostgres.orders, onPostgres.revenue]).toEqual([
      embedded.customers,
      embedded.orders,
      embedded.revenue,
    ]);
  });

  it('segment --json --as-of 2026-11-28 is run 2, linked to run 1, with every customer accounted for', async () => {
    const run = await runCliJson<RunSummary>(['segment', '--json', '--as-of', '2026-11-28'], onServer());
    expect(run).toMatchObject({
      runNumber: 2,
      previousRunId: onPostgres.runId,
      customers: onPostgres.customers,
      orders: onPostgres.orders,
      left: 0,
    });
    const arriving = run.transitions.filter((t) => t.to !== null).reduce((n, t) => n + t.customers, 0);
    const departing = run.transitions.filter((t) => t.from !== null).reduce((n, t) => n + t.customers, 0);
    expect([arriving, departing]).toEqual([run.customers, onPostgres.customers]);
    expect(existsSync(unusedDataDir)).toBe(false);
  });

  it('serve reports database: postgres on /health, and stops on SIGTERM', async () => {
    const service = await startService(onServer());
    try {
      const response = await fetch(`${service.url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', database: 'postgres' });
      service.process.kill('SIGTERM');
      const { code, signal } = await service.exited;
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
    } finally {
      await service.kill();
    }
  });

  it('a DATABASE_URL naming a missing database is refused, naming the server without its password', async () => {
    const url = new URL(database.url);
    url.password = 'hunter2';
    url.pathname = '/segment_sync_e2e_missing';
    const result = await runCli(['segment'], { dataDir: unusedDataDir, env: { DATABASE_URL: url.toString() } });
    expect(result.code).not.toBe(0);
    const last = result.stderr.trim().split('\n').pop();
    expect(last).toMatch(/^error: Cannot use the database at postgres:\/\/postgres:\*\*\*@[^ ]+\/segment_sync_e2e_missing \(DATABASE_URL\): /);
    expect(result.stderr).not.toContain('hunter2');
  });
});

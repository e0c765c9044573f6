/**
 * A segment run commits in stages and, on a server, works on two parts of the customers at once, each part a
 * transaction of its own (segment-run.service.ts). Readers only read succeeded runs; these specs say what a
 * run that fails or stops half-way leaves in the database: nothing but its failed status.
 */
import type { DataSource } from 'typeorm';
import { buildArchetypeStore } from '../src/segmentation/core/testing/archetype-store';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { ShopsRepository, type ShopRecord } from '../src/shops/shops.repository';
import { StoreRepository } from '../src/store/store.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

const DAY = 24 * 3_600_000;

describe.each(testDatabaseTargets())('segment run stages on $name', (target) => {
  let test: TestDatabase;
  let db: DataSource;
  let shops: ShopsRepository;
  let service: SegmentRunService;
  beforeAll(async () => {
    test = await target.open();
    db = test.database.dataSource;
    shops = new ShopsRepository(db);
    service = new SegmentRunService(db, shops);
  });
  afterAll(async () => test?.dispose());

  async function archetypeShop(domain: string): Promise<{ shop: ShopRecord; asOf: Date }> {
    const store = buildArchetypeStore();
    const shop = await shops.ensure(domain, { currency: 'EUR' });
    await new StoreRepository(db).upsertCustomers(shop.id, store.customers);
    await new StoreRepository(db).upsertOrders(shop.id, store.orders, 'initial-import');
    return { shop, asOf: store.asOf };
  }

  const runs = (shopId: number) =>
    db.query(`SELECT run_number, status, error FROM segment_runs WHERE shop_id = $1 ORDER BY run_number`, [shopId]);

  /** Rows of each table a run writes to, for one run. */
  const rowsOf = async (shopId: number, runId: number) => {
    const [row] = await db.query(
      `SELECT (SELECT count(*)::int FROM segment_memberships WHERE shop_id = $1 AND run_id = $2) AS memberships,
              (SELECT count(*)::int FROM segment_changes WHERE shop_id = $1 AND run_id = $2) AS changes,
              (SELECT count(*)::int FROM saved_segment_members WHERE shop_id = $1 AND run_id = $2) AS saved_members,
              (SELECT count(*)::int FROM segment_run_features WHERE shop_id = $1 AND run_id = $2) AS features,
              (SELECT count(*)::int FROM segment_run_values WHERE shop_id = $1 AND run_id = $2) AS values`,
      [shopId, runId],
    );
    return row;
  };
  const NONE = { memberships: 0, changes: 0, saved_members: 0, features: 0, values: 0 };

  it('fails a run when one part of its customers cannot be written, and keeps nothing of any part', async () => {
    const { shop, asOf } = await archetypeShop('half-written.myshopify.com');
    const first = await service.run(shop, { asOf, seed: 42 });
    // One customer's membership is refused (a full disk, say): on a server the other part may have committed.
    await db.query(`
      CREATE FUNCTION refuse_one_membership() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`);
    await db.query(`
      CREATE TRIGGER refuse_one_membership BEFORE INSERT ON segment_memberships
      FOR EACH ROW WHEN (NEW.customer_id = 'loyal-001') EXECUTE FUNCTION refuse_one_membership()`);
    try {
      await expect(service.run(shop, { asOf: new Date(asOf.getTime() + DAY), seed: 42 })).rejects.toThrow('No space left on device');
    } finally {
      await db.query(`DROP TRIGGER refuse_one_membership ON segment_memberships`);
      await db.query(`DROP FUNCTION refuse_one_membership()`);
    }

    expect(await runs(shop.id)).toEqual([
      { run_number: 1, status: 'succeeded', error: null },
      { run_number: 2, status: 'failed', error: 'could not extend file: No space left on device' },
    ]);
    const [{ id: failed }] = await db.query(`SELECT id::int FROM segment_runs WHERE shop_id = $1 AND run_number = 2`, [shop.id]);
    expect(await rowsOf(shop.id, failed)).toEqual(NONE);
    // The first run's rows stay: everyone entered a group (60 changes), 9 of them a VIP tier too.
    expect(await rowsOf(shop.id, first.runId)).toEqual({ memberships: 60, changes: 69, saved_members: 60, features: 0, values: 0 });
  });

  it('finds a run whose process ended, marks it failed and deletes its rows, and leaves a run still alive alone', async () => {
    const { shop, asOf } = await archetypeShop('stopped-run.myshopify.com');
    const first = await service.run(shop, { asOf, seed: 42 });
    // Run 2 was killed after its parts committed: its rows are there, its status says running, no one holds it.
    const [{ id: stopped }] = await db.query(
      `INSERT INTO segment_runs (shop_id, run_number, status, as_of, parameters) VALUES ($1, 2, 'running', $2, '{}')
       RETURNING id::int`,
      [shop.id, asOf],
    );
    for (const table of ['segment_memberships', 'segment_changes', 'saved_segment_members']) {
      const columns = (
        await db.query(
          `SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) AS names FROM information_schema.columns
           WHERE table_name = $1 AND column_name NOT IN ('shop_id', 'run_id')`,
          [table],
        )
      )[0].names;
      await db.query(
        `INSERT INTO ${table} (shop_id, run_id, ${columns}) SELECT shop_id, $2, ${columns} FROM ${table} WHERE shop_id = $1 AND run_id = $3`,
        [shop.id, stopped, first.runId],
      );
    }
    // On a server, run 3 is alive, waiting for the shop: another connection holds its alive lock.
    const alive = target.name === 'postgres' ? db.createQueryRunner() : null;
    if (alive) {
      await alive.connect();
      const [{ id }] = await alive.query(
        `INSERT INTO segment_runs (shop_id, run_number, status, as_of, parameters) VALUES ($1, 3, 'running', $2, '{}')
         RETURNING id::int`,
        [shop.id, asOf],
      );
      await alive.query(`SELECT pg_advisory_lock(hashtext('segment_run_alive'), $1::int)`, [id]);
    }
    try {
      const next = await service.run(shop, { asOf: new Date(asOf.getTime() + DAY), seed: 42 });
      expect(next.previousRunId).toBe(first.runId);
    } finally {
      await alive?.query(`SELECT pg_advisory_unlock_all()`);
      await alive?.release();
    }

    const stoppedError = 'The run stopped before it finished (its process or connection ended); a later run of the shop found it so';
    expect(await runs(shop.id)).toEqual([
      { run_number: 1, status: 'succeeded', error: null },
      { run_number: 2, status: 'failed', error: stoppedError },
      ...(alive ? [{ run_number: 3, status: 'running', error: null }] : []),
      { run_number: alive ? 4 : 3, status: 'succeeded', error: null },
    ]);
    expect(await rowsOf(shop.id, stopped)).toEqual(NONE);
  });
});

import type { DataSource } from 'typeorm';
import { writeBenchStore } from '../bench/klaviyo-store.sql';
import { poolSizeOf } from '../src/database/pool-size';
import { PROFILE_PROPERTIES } from '../src/klaviyo/core/profiles';
import { syncedSegments } from '../src/klaviyo/core/synced-segments';
import { addLists, readPlan, type PlanQuery, type PlanRow } from '../src/klaviyo/plan-stream';
import { ShopsRepository } from '../src/shops/shops.repository';
import { VIP_TIERS } from '../src/klaviyo/vip-tiers';
import { RFM_GROUPS } from '../src/segmentation/core/rfm-groups';
import { API_KEY, klaviyoSpecHooks, latestRunId, sixteenCustomers, syncWorld } from './klaviyo-fixture';
import { testDatabaseTargets } from './support/test-databases';

jest.setTimeout(120_000);

/** Every connection of the pool taken at once, each asked for its open cursors: a leaked one would never come. */
async function cursorsOnEveryConnection(db: DataSource): Promise<number[]> {
  const runners = Array.from({ length: poolSizeOf(db) }, () => db.createQueryRunner());
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a connection was never given back')), 10_000).unref());
  try {
    await Promise.race([Promise.all(runners.map((runner) => runner.connect())), timeout]);
    return await Promise.all(runners.map(async (runner) => (await runner.query(`SELECT count(*)::int AS n FROM pg_cursors`))[0].n));
  } finally {
    await Promise.all(runners.map((runner) => runner.release()));
  }
}

describe.each(testDatabaseTargets())('Reading a Klaviyo sync plan, on $name', (target) => {
  const spec = klaviyoSpecHooks(target, { jobDelayMs: 20 });
  let shopNumber = 0;

  const db = () => spec.test.database.dataSource;
  async function world() {
    const w = await syncWorld(db(), spec.fake, `plan-${++shopNumber}.myshopify.com`, sixteenCustomers());
    const [run] = await db().query(`SELECT id::int AS id FROM segment_runs WHERE id = $1`, [await latestRunId(db(), w.shop.id)]);
    const query: PlanQuery = {
      shopId: w.shop.id,
      runId: run.id,
      enabledSegments: [],
      readyListKeys: syncedSegments(RFM_GROUPS, VIP_TIERS, []).map((segment) => segment.key),
    };
    return { ...w, query };
  }
  async function rowsOf(query: PlanQuery): Promise<PlanRow[]> {
    const rows: PlanRow[] = [];
    await readPlan(db(), query, async (page) => void rows.push(...page));
    return rows.sort((a, b) => a.customer_id.localeCompare(b.customer_id));
  }

  it('before any sync, every reachable customer once, to send, joining their group and tier lists, leaving none', async () => {
    const { query } = await world();

    const rows = await rowsOf(query);

    expect(rows.map((row) => row.customer_id)).toEqual(Array.from({ length: 16 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`));
    // c16 has neither email nor phone: its row only counts it as skipped.
    expect(rows.pop()).toMatchObject({ customer_id: 'c16', unreachable: true, upsert: false, known: false, add_key: '', remove_lists: [] });
    for (const row of rows) {
      expect(row).toMatchObject({ upsert: true, known: false, unreachable: false, remove_lists: [] });
      const { rfm_group, vip_tier } = row.properties;
      expect(addLists(row)).toEqual([`rfm:${rfm_group}`, ...(vip_tier ? [`vip:${vip_tier}`] : [])]);
    }
  });

  it('once the shop is synced and nothing changed, the plan holds only the customer it cannot send, to count as skipped', async () => {
    const { shop, service, query } = await world();
    await service().sync(shop.domain);

    const rows = await rowsOf(query);

    expect(rows.map((row) => [row.customer_id, row.unreachable, row.upsert, row.add_key, row.remove_lists])).toEqual([['c16', true, false, '', []]]);
  });

  it('a synced customer who lost email and phone is skipped and leaves the lists it was in, sending nothing', async () => {
    const { shop, service, query } = await world();
    await service().sync(shop.domain);
    const [before] = await db().query(`SELECT lists FROM klaviyo_profiles WHERE shop_id = $1 AND customer_id = 'c05'`, [shop.id]);
    await db().query(`UPDATE customers SET email = ' ', phone = '12' WHERE shop_id = $1 AND customer_id = 'c05'`, [shop.id]);

    const rows = (await rowsOf(query)).filter((row) => row.customer_id !== 'c16');

    expect(before.lists.length).toBeGreaterThan(0);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ customer_id: 'c05', unreachable: true, upsert: false, known: true, add_key: '', remove_lists: before.lists });
  });

  it('once synced, a customer whose figures changed comes alone, known to the ledger, with every property as sent', async () => {
    const { shop, service, query } = await world();
    await service().sync(shop.domain);
    await db().query(`UPDATE segment_memberships SET recency_days = 1234, monetary = 99.5 WHERE run_id = $1 AND customer_id = 'c03'`, [query.runId]);

    const rows = (await rowsOf(query)).filter((row) => !row.unreachable);

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ customer_id: 'c03', upsert: true, known: true, add_key: '', remove_lists: [] });
    expect(Object.keys(rows[0].properties)).toEqual([...PROFILE_PROPERTIES]);
    expect(rows[0].properties).toMatchObject({ recency_days: 1234, net_spent: 99.5 });
    const [{ at }] = await db().query(`SELECT last_change_at AS at FROM segment_memberships WHERE run_id = $1 AND customer_id = 'c03'`, [query.runId]);
    expect(rows[0].properties.last_segment_change).toBe(new Date(at).toISOString().replace('.000Z', 'Z'));
  });

  it('tells, page by page, which sets of lists no part can hand over any more; none of them comes later', async () => {
    // 12,000 customers (the bench's store, written in SQL): several pages of 5,000 in each part.
    const shop = await new ShopsRepository(db()).ensure(`plan-pages-${target.name}.myshopify.com`);
    await writeBenchStore(db(), shop.id, 12_000);
    const [run] = await db().query(`SELECT id::int AS id FROM segment_runs WHERE shop_id = $1`, [shop.id]);
    const query: PlanQuery = {
      shopId: shop.id,
      runId: run.id,
      enabledSegments: [],
      readyListKeys: syncedSegments(RFM_GROUPS, VIP_TIERS, []).map((segment) => segment.key),
    };
    const seen = new Set<string>();
    const settled = new Set<string>();
    const late: string[] = [];
    let rows = 0;
    let settledBeforeTheEnd = 0;

    await readPlan(
      db(),
      query,
      async (page) => {
        rows += page.length;
        for (const row of page) {
          if (settled.has(row.add_key)) late.push(row.add_key);
          seen.add(row.add_key);
        }
      },
      async (isSettled) => {
        for (const key of seen) if (isSettled(key)) settled.add(key);
        if (rows < 12_000) settledBeforeTheEnd = settled.size;
      },
    );

    expect(rows).toBe(12_000); // every customer is new; the one in 200 with neither email nor phone comes as skipped
    expect(late).toEqual([]);
    expect([...settled].sort()).toEqual([...seen].sort());
    // The sets of a group and a tier (or none) the bench store's customers have, and none for those skipped.
    expect(seen.size).toBe(16);
    expect(settledBeforeTheEnd).toBeGreaterThan(0);
  });

  it('a page that fails stops the reading and leaves no cursor open and no connection taken', async () => {
    const { query } = await world();
    let pages = 0;

    const reading = readPlan(db(), query, async () => {
      pages += 1;
      throw new Error('the sending failed');
    });

    await expect(reading).rejects.toThrow('the sending failed');
    // One page per part at most: each part stops at its first failure.
    expect(pages).toBeLessThanOrEqual(2);
    expect(await cursorsOnEveryConnection(db())).toEqual(Array(poolSizeOf(db())).fill(0));
  });
});

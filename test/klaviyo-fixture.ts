import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { klaviyoClientFactory, type KlaviyoClient, type KlaviyoClientOptions } from '../src/klaviyo/klaviyo-client';
import { KlaviyoSyncService } from '../src/klaviyo/klaviyo-sync.service';
import { StoreBuilder } from '../src/segmentation/core/testing/store-builder';
import { RFM_GROUPS } from '../src/segmentation/core/rfm-groups';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { ShopCredentialsRepository } from '../src/shops/shop-credentials.repository';
import { ShopsRepository, type ShopRecord } from '../src/shops/shops.repository';
import { StoreRepository } from '../src/store/store.repository';
import { FakeKlaviyo, type FakeKlaviyoOptions } from './fakes/klaviyo';
import type { TestDatabase, TestDatabaseTarget } from './support/test-databases';

export const API_KEY = 'pk_test_0123456789abcdef';
export const AS_OF = new Date('2026-11-27T06:00:00Z');

/** What a Klaviyo spec works with: the database of its target and the fake Klaviyo of the running test. */
export interface KlaviyoSpec {
  test: TestDatabase;
  fake: FakeKlaviyo;
}

/** The jest hooks of a Klaviyo spec: the target's database opened once, a fake Klaviyo (API_KEY) started for each test. */
export function klaviyoSpecHooks(target: TestDatabaseTarget, options: Omit<FakeKlaviyoOptions, 'apiKeys'> = {}): KlaviyoSpec {
  const spec = {} as KlaviyoSpec;
  beforeAll(async () => {
    spec.test = await target.open();
  });
  afterAll(async () => spec.test?.dispose());
  beforeEach(async () => {
    spec.fake = await FakeKlaviyo.start({ apiKeys: [API_KEY], ...options });
  });
  afterEach(async () => spec.fake?.close());
  return spec;
}

/**
 * A store of 16 customers whose behaviour spreads them over the RFM groups: recent one-time buyers, old
 * one-time buyers, regulars, big spenders who stopped. c16 has neither email nor phone (skipped); c02 has
 * only a phone, written the way people type it.
 */
export function sixteenCustomers(): StoreBuilder {
  const store = new StoreBuilder(AS_OF);
  const plans: [number, number, number][] = [
    // [orders, days since last, amount]
    [1, 3, 40], [1, 10, 35], [1, 20, 60], [1, 200, 30], [1, 400, 25], [1, 700, 20],
    [3, 15, 80], [4, 30, 120], [6, 5, 300], [8, 12, 500], [5, 300, 400], [7, 500, 450],
    [2, 60, 70], [2, 90, 50], [1, 150, 45], [2, 40, 55],
  ];
  plans.forEach(([orders, last, amount], i) => {
    const id = `c${String(i + 1).padStart(2, '0')}`;
    const overrides =
      id === 'c02' ? { email: null, phone: '+44 (20) 7946-0958' } : id === 'c16' ? { email: null, phone: null } : {};
    store.customer(id, overrides);
    for (let n = 0; n < orders; n++) store.order(id, { daysAgo: last + n * 30, totalPrice: amount });
  });
  return store;
}

export interface SyncWorld {
  shop: ShopRecord;
  shops: ShopsRepository;
  credentials: ShopCredentialsRepository;
  runs: SegmentRunService;
  service: (options?: KlaviyoClientOptions & { wrap?: (client: KlaviyoClient) => KlaviyoClient; dailyListCap?: number }) => KlaviyoSyncService;
  secretKey: Buffer;
}

/** A shop with the store written, segmented once, and connected to the fake with API_KEY. */
export async function syncWorld(db: DataSource, fake: FakeKlaviyo, domain: string, store: StoreBuilder): Promise<SyncWorld> {
  const secretKey = randomBytes(32);
  const shops = new ShopsRepository(db);
  const shop = await shops.ensure(domain);
  const writer = new StoreRepository(db);
  await writer.upsertCustomers(shop.id, store.customers);
  await writer.upsertOrders(shop.id, store.orders, 'test');
  const runs = new SegmentRunService(db, shops);
  await runs.run(shop, { asOf: AS_OF });
  const credentials = new ShopCredentialsRepository(db, secretKey);
  await credentials.put(shop.id, 'klaviyo', API_KEY);
  return {
    shop,
    shops,
    credentials,
    runs,
    secretKey,
    service: (options = {}) => {
      const factory = klaviyoClientFactory(fake.baseUrl, { timeoutMs: 5_000, ...options });
      const clientFor = options.wrap ? (key: string) => options.wrap!(factory(key)) : factory;
      return new KlaviyoSyncService(db, shops, credentials, clientFor, secretKey, options.dailyListCap);
    },
  };
}

const DAY = 86_400_000;

/** Sixty days later three old one-time buyers (c04, c05, c06) have bought four times each; a new run. */
export async function comebackRun(db: DataSource, world: SyncWorld): Promise<number> {
  const later = new Date(AS_OF.getTime() + 60 * DAY);
  const comeback = new StoreBuilder(later);
  for (const id of ['c04', 'c05', 'c06']) for (let n = 0; n < 4; n++) comeback.order(id, { daysAgo: 2 + n * 10, totalPrice: 300 });
  const orders = comeback.orders.map((order, i) => ({ ...order, orderId: `later-${i}` }));
  await new StoreRepository(db).upsertOrders(world.shop.id, orders, 'test');
  await world.runs.run(world.shop, { asOf: later });
  return latestRunId(db, world.shop.id);
}

export async function latestRunId(db: DataSource, shopId: number): Promise<number> {
  const [row] = await db.query(`SELECT max(id)::int AS id FROM segment_runs WHERE shop_id = $1`, [shopId]);
  return row.id;
}

/**
 * The segments customers entered at a run that Klaviyo should hear of (reachable customers): RFM group
 * changes, and VIP tiers other than at the previous run (as vip_<tier>), worked out here from the two runs'
 * memberships rather than read from the run's VIP changes, with the customer's RFM score at the run (from
 * its memberships). By customer, then segment.
 */
export async function reachableChanges(db: DataSource, shopId: number, runId: number) {
  const rows: { customer_id: string; from_group: string | null; to_group: string; rfm_score: number }[] = await db.query(
    `SELECT e.customer_id, e.from_group, e.to_group, s.rfm_score
     FROM (SELECT customer_id, from_group, to_group FROM segment_changes
           WHERE shop_id = $1 AND run_id = $2 AND family = 'rfm' AND to_group IS NOT NULL
           UNION ALL
           SELECT m.customer_id, 'vip_' || p.vip_tier, 'vip_' || m.vip_tier
           FROM segment_memberships m JOIN segment_runs r ON r.id = m.run_id
           LEFT JOIN segment_memberships p ON p.run_id = r.previous_run_id AND p.customer_id = m.customer_id
           WHERE m.shop_id = $1 AND m.run_id = $2 AND m.vip_tier IS NOT NULL AND m.vip_tier IS DISTINCT FROM p.vip_tier) AS e
     JOIN customers c ON c.shop_id = $1 AND c.customer_id = e.customer_id
     JOIN segment_memberships s ON s.shop_id = $1 AND s.run_id = $2 AND s.customer_id = e.customer_id
     WHERE c.email IS NOT NULL OR c.phone IS NOT NULL
     ORDER BY e.customer_id, e.to_group`,
    [shopId, runId],
  );
  return rows;
}

/** Klaviyo holds exactly the intended state: lists (each name once), members, properties. */
export async function expectIntendedState(db: DataSource, fake: FakeKlaviyo, shopId: number, runId: number): Promise<void> {
  const intended = await intendedState(db, shopId, runId);
  expect(klaviyoLists(fake)).toEqual(intended.lists);
  const names = [...fake.state.lists.values()].map((list) => list.name).sort();
  expect(names).toEqual([...new Set(names)]);
  for (const [customerId, properties] of intended.properties) {
    expect({ customerId, properties: fake.profileByExternalId(customerId)?.properties }).toEqual({ customerId, properties });
  }
  expect(fake.state.profiles.size).toBe(intended.properties.size);
}

const GROUP_NAMES = new Map(RFM_GROUPS.map((group) => [group.key, group.name]));

/**
 * What Klaviyo should hold after syncing a run, computed here from the run's rows (not by the sync's SQL):
 * list name → external ids, and each reachable customer's properties.
 */
export async function intendedState(db: DataSource, shopId: number, runId: number) {
  const rows: any[] = await db.query(
    `SELECT m.*, c.email, c.phone,
       (SELECT max(r.as_of) FROM segment_changes sc JOIN segment_runs r ON r.id = sc.run_id
        WHERE sc.shop_id = m.shop_id AND sc.customer_id = m.customer_id AND sc.to_group IS NOT NULL AND r.id <= $2) AS changed_at,
       (SELECT coalesce(array_agg(s.key ORDER BY s.key), '{}') FROM saved_segment_members sm
        CROSS JOIN LATERAL unnest(sm.segment_ids) AS sid JOIN saved_segments s ON s.shop_id = sm.shop_id AND s.segment_id = sid
        WHERE sm.shop_id = m.shop_id AND sm.run_id = m.run_id AND sm.customer_id = m.customer_id) AS segments
     FROM segment_memberships m JOIN customers c USING (shop_id, customer_id)
     WHERE m.shop_id = $1 AND m.run_id = $2 ORDER BY m.customer_id`,
    [shopId, runId],
  );
  const lists = new Map<string, string[]>();
  const properties = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    if (!row.email && !row.phone) continue;
    const listNames = [`segment-sync · ${GROUP_NAMES.get(row.rfm_group)}`];
    if (row.vip_tier) listNames.push(`segment-sync · VIP ${row.vip_tier[0].toUpperCase()}${row.vip_tier.slice(1)}`);
    for (const name of listNames) lists.set(name, [...(lists.get(name) ?? []), row.customer_id]);
    const props: Record<string, unknown> = {
      rfm_group: row.rfm_group,
      rfm_score: row.rfm_score,
      r: row.r,
      f: row.f,
      m: row.m,
      recency_days: row.recency_days,
      orders: row.frequency,
      net_spent: Number(row.monetary),
      aov: Number(row.aov),
      segments: row.segments,
      last_segment_change: new Date(row.changed_at).toISOString().replace('.000', ''),
    };
    props.vip_tier = row.vip_tier ?? null;
    props.predicted_clv = row.predicted_clv === null ? null : Number(row.predicted_clv);
    props.churn_risk = row.churn_risk === null ? null : Math.round(row.churn_risk * 10_000) / 10_000;
    properties.set(row.customer_id, props);
  }
  return { lists, properties };
}

/** What the fake holds: lists named "segment-sync · …" → sorted external ids of their members. */
export function klaviyoLists(fake: FakeKlaviyo): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const list of fake.state.lists.values()) {
    if (!list.name.startsWith('segment-sync · ')) continue;
    const members = [...list.members].map((id) => fake.state.profiles.get(id)?.external_id ?? `?${id}`).sort();
    if (members.length) lists.set(list.name, members);
  }
  return lists;
}

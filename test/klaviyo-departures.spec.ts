import { klaviyoClientFactory } from '../src/klaviyo/klaviyo-client';
import { KlaviyoSyncRepository } from '../src/klaviyo/klaviyo-sync.repository';
import { ListDepartures } from '../src/klaviyo/list-removals';
import type { SyncProgress } from '../src/klaviyo/sync-progress';
import { ShopsRepository } from '../src/shops/shops.repository';
import { API_KEY, klaviyoSpecHooks } from './klaviyo-fixture';
import { testDatabaseTargets } from './support/test-databases';

jest.setTimeout(120_000);

const LEAVING = 2_500;
/** Of them, those whose Klaviyo profile id the ledger knows already. */
const KNOWN = 1_000;

describe.each(testDatabaseTargets())('customers leaving a list, on $name', (target) => {
  const spec = klaviyoSpecHooks(target);

  it('go in removals of 1,000 as the plan hands them over, their missing profile ids looked up once', async () => {
    const db = spec.test.database.dataSource;
    const shop = await new ShopsRepository(db).ensure(`departures-${target.name}.myshopify.com`);
    // Klaviyo: the Loyal list with 2,500 members, and one more who stays.
    const now = new Date().toISOString();
    const loyal = { id: 'L0LOYL', name: 'segment-sync · Loyal', opt_in_process: 'single_opt_in', created: now, updated: now, members: new Set<string>() };
    spec.fake.state.lists.set(loyal.id, loyal);
    const customers = Array.from({ length: LEAVING + 1 }, (_, i) => `d${String(i + 1).padStart(5, '0')}`);
    const profileOf = new Map<string, string>();
    for (const customerId of customers) {
      const profile = spec.fake.state.createProfile(now);
      spec.fake.state.setIdentifier(profile, 'external_id', customerId);
      loyal.members.add(profile.id);
      profileOf.set(customerId, profile.id);
    }
    const leaving = customers.slice(0, LEAVING);
    const stays = customers[LEAVING];
    await db.query(
      `INSERT INTO klaviyo_profiles (shop_id, customer_id, properties_hash, lists, profile_id)
       SELECT $1, c.id, 'h', ARRAY['rfm:loyal', 'vip:gold'], CASE WHEN c.n <= ${KNOWN} THEN c.profile END
       FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS c (id, profile, n)`,
      [shop.id, customers, customers.map((customerId) => profileOf.get(customerId))],
    );
    const removed: number[] = [];
    const progress: SyncProgress = { phase: () => undefined, advance: () => undefined, done: () => undefined, status: (s) => void (s.removed !== undefined && removed.push(s.removed)) };
    const client = klaviyoClientFactory(spec.fake.baseUrl, { timeoutMs: 5_000 })(API_KEY);
    const departures = new ListDepartures(client, new KlaviyoSyncRepository(db), shop.id, new Map([['rfm:loyal', loyal.id]]), progress);

    // The plan's pages, as readPlan hands them over: the customers with a known id first.
    for (let page = 0; page < LEAVING; page += 500) {
      await departures.take(
        leaving.slice(page, page + 500).map((customerId, i) => ({
          customer_id: customerId,
          remove_lists: ['rfm:loyal'],
          profile_id: page + i < KNOWN ? (profileOf.get(customerId) as string) : null,
        })),
      );
    }
    const figures = await departures.remove();

    expect(figures).toEqual({ removed: LEAVING, byList: { 'rfm:loyal': LEAVING }, lookedUp: LEAVING - KNOWN });
    expect(spec.fake.callCounts).toEqual({ remove_profiles_from_list: 3, get_profiles: (LEAVING - KNOWN) / 100 });
    expect([...loyal.members]).toEqual([profileOf.get(stays)]);
    // Three removals confirmed, in whatever order they came back.
    expect(removed).toHaveLength(3);
    expect(removed.at(-1)).toBe(LEAVING);
    const ledger: { customer_id: string; lists: string[]; profile_id: string | null }[] = await db.query(
      `SELECT customer_id, lists, profile_id FROM klaviyo_profiles WHERE shop_id = $1 ORDER BY customer_id`,
      [shop.id],
    );
    expect(ledger).toEqual(
      customers.map((customerId) => ({
        customer_id: customerId,
        lists: customerId === stays ? ['rfm:loyal', 'vip:gold'] : ['vip:gold'],
        profile_id: customerId === stays ? null : (profileOf.get(customerId) as string),
      })),
    );
  });
});

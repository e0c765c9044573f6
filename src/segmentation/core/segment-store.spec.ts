import type { RfmGroupKey } from './rfm-groups';
import { segmentStore } from './segment-store';
import { ARCHETYPE_AS_OF, buildArchetypeStore } from './testing/archetype-store';
import { StoreBuilder } from './testing/store-builder';

function groupsOf(result: ReturnType<typeof segmentStore>): Map<string, RfmGroupKey> {
  return new Map(result.customers.map((customer) => [customer.customerId, customer.group]));
}

describe('segmentStore on a store whose groups are known by construction', () => {
  // See testing/archetype-store.ts: six blocks of customers, as of 2026-11-27.
  const store = buildArchetypeStore();
  const result = segmentStore(store.customers, store.orders, store.asOf);

  it('puts the customer with one order yesterday in New', () => {
    const yesterday = result.customers.find((customer) => customer.customerId === 'new-001');
    expect([yesterday?.recencyDays, yesterday?.frequency, yesterday?.group]).toEqual([1, 1, 'new']);
  });

  it('puts the customer with twelve monthly orders, the last 400 days ago, in Loyal at Risk', () => {
    const lapsed = result.customers.find((customer) => customer.customerId === 'loyal_at_risk-001');
    expect([lapsed?.recencyDays, lapsed?.frequency, lapsed?.group]).toEqual([400, 12, 'loyal_at_risk']);
  });

  it('puts every customer in the group of their archetype', () => {
    expect(groupsOf(result)).toEqual(store.expectedGroups);
  });

  it('finds the same groups whatever the seed', () => {
    for (const seed of [1, 2, 3, 1000]) {
      expect(groupsOf(segmentStore(store.customers, store.orders, store.asOf, { seed }))).toEqual(store.expectedGroups);
    }
  });

  it('finds the same groups when sleepers are the biggest group, and in a five times bigger store', () => {
    for (const sizes of [{ sleepers: 24 }, { new: 50, about_to_sleep: 50, sleepers: 80, potential_loyal: 50, loyal: 40, loyal_at_risk: 30 }]) {
      const variant = buildArchetypeStore(sizes);
      expect(groupsOf(segmentStore(variant.customers, variant.orders, variant.asOf))).toEqual(variant.expectedGroups);
    }
  });

  it('gives the same result, model included, when customers and orders arrive in another order', () => {
    const reversed = segmentStore([...store.customers].reverse(), [...store.orders].reverse(), store.asOf);
    expect(reversed).toEqual(result);
  });

  it('scores the archetypes by quintiles: a Loyal customer who ordered yesterday 555, the oldest Sleeper 1 on recency', () => {
    const loyal = result.customers.find((customer) => customer.customerId === 'loyal-001');
    const sleeper = result.customers.find((customer) => customer.customerId === 'sleepers-012');
    expect(loyal?.score).toBe(555);
    expect(sleeper?.r).toBe(1);
  });

  it('returns the model with one centre per group, sized by its members', () => {
    expect(result.model.centres.map((entry) => [entry.group, entry.size])).toEqual([
      ['new', 10],
      ['about_to_sleep', 10],
      ['sleepers', 12],
      ['potential_loyal', 10],
      ['loyal', 10],
      ['loyal_at_risk', 8],
    ]);
  });
});

describe('segmentStore on tiny stores', () => {
  it('segments nobody in a store without eligible orders', () => {
    const store = new StoreBuilder(ARCHETYPE_AS_OF);
    store.customer('prospect');
    expect(segmentStore(store.customers, store.orders, store.asOf)).toEqual({
      customers: [],
      model: { centres: [], seed: 42, inertia: 0, iterations: 0 },
    });
  });

  it('puts a store of one customer in a single cluster at the median of everything', () => {
    const store = new StoreBuilder(ARCHETYPE_AS_OF);
    store.order('only', { daysAgo: 3, totalPrice: 20 });
    const [only] = segmentStore(store.customers, store.orders, store.asOf).customers;
    expect([only.uR, only.uF, only.uM, only.score]).toEqual([0.5, 0.5, 0.5, 111]);
    // (0.5, 0.5, 0.5) is closest to the About to Sleep prototype (0.5, 0.25, 0.3), recency weighing double.
    expect(only.group).toBe('about_to_sleep');
  });
});

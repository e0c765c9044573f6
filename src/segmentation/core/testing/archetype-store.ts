/**
 * A hand-built store whose RFM groups are known by construction: six blocks of customers, each behaving the
 * way one group's description says, in a store whose repeat buyers reorder about monthly. Used by the
 * segmentation unit tests and reusable by the SQL pipeline's integration tests, which must find the same
 * groups. Amounts and dates vary inside each block (deterministically) so no two customers are identical.
 *
 * As of 2026-11-27 06:00 UTC:
 * Default block sizes (ARCHETYPE_BLOCK_SIZES; `sizes` overrides them, the ranges stay):
 *   new              10 customers, one order 1-10 days ago, 30-57
 *   about_to_sleep   10 customers, one order 100-145 days ago, 30-57
 *   sleepers         12 customers, one small order 600-875 days ago, 15-26
 *   potential_loyal  10 customers, 3 or 4 orders about monthly, the last 30-57 days ago, 40-67 each
 *   loyal            10 customers, 24 monthly orders over two years, the last 1-10 days ago, 80-116 each
 *   loyal_at_risk     8 customers, 12 monthly orders, the last 400-442 days ago, 80-115 each
 */
import type { CustomerRecord, OrderRecord } from '../../../store/store-records';
import type { RfmGroupKey } from '../rfm-groups';
import { StoreBuilder } from './store-builder';

export const ARCHETYPE_AS_OF = new Date('2026-11-27T06:00:00Z');

/** Block sizes of the default archetype store (60 customers). */
export const ARCHETYPE_BLOCK_SIZES: Readonly<Record<RfmGroupKey, number>> = {
  new: 10,
  about_to_sleep: 10,
  sleepers: 12,
  potential_loyal: 10,
  loyal: 10,
  loyal_at_risk: 8,
};

export interface ArchetypeStore {
  asOf: Date;
  customers: CustomerRecord[];
  orders: OrderRecord[];
  /** The group each customer belongs to by construction. */
  expectedGroups: Map<string, RfmGroupKey>;
}

/** The i-th of n values spread evenly from low to high, in whole units (days, or money units). */
function spread(i: number, n: number, low: number, high: number): number {
  return n <= 1 ? low : Math.round(low + ((high - low) * i) / (n - 1));
}

/**
 * The i-th of n amounts from low to high in a scattered order (golden-ratio sequence), so that inside a
 * block the amount does not rise with the date: blocks are clouds, as in real stores, not lines.
 */
function scatter(i: number, n: number, low: number, high: number): number {
  const fraction = (i * 0.6180339887498949) % 1;
  return n <= 1 ? low : Math.round(low + (high - low) * fraction);
}

/**
 * Builds the store. `sizes` changes how many customers each block has (the ranges of dates and amounts
 * stay as documented above), to check that the groups do not depend on the blocks being balanced.
 */
export function buildArchetypeStore(sizes: Partial<Record<RfmGroupKey, number>> = {}): ArchetypeStore {
  const size = { ...ARCHETYPE_BLOCK_SIZES, ...sizes };
  const store = new StoreBuilder(ARCHETYPE_AS_OF);
  const expectedGroups = new Map<string, RfmGroupKey>();
  const add = (group: RfmGroupKey, i: number): string => {
    const customerId = store.customer(`${group}-${String(i + 1).padStart(3, '0')}`, { country: 'FR' });
    expectedGroups.set(customerId, group);
    return customerId;
  };

  for (let i = 0, n = size.new; i < n; i++) {
    store.order(add('new', i), { daysAgo: spread(i, n, 1, 10), totalPrice: scatter(i, n, 30, 57) });
  }
  for (let i = 0, n = size.about_to_sleep; i < n; i++) {
    store.order(add('about_to_sleep', i), { daysAgo: spread(i, n, 100, 145), totalPrice: scatter(i, n, 30, 57) });
  }
  for (let i = 0, n = size.sleepers; i < n; i++) {
    store.order(add('sleepers', i), { daysAgo: spread(i, n, 600, 875), totalPrice: scatter(i, n, 15, 26) });
  }
  for (let i = 0, n = size.potential_loyal; i < n; i++) {
    store.repeatOrders(
      add('potential_loyal', i),
      { count: 3 + (i % 2), everyDays: spread(i, n, 30, 39), lastDaysAgo: spread(i, n, 30, 57) },
      { totalPrice: scatter(i, n, 40, 67) },
    );
  }
  for (let i = 0, n = size.loyal; i < n; i++) {
    store.repeatOrders(
      add('loyal', i),
      { count: 24, everyDays: 30, lastDaysAgo: spread(i, n, 1, 10) },
      { totalPrice: scatter(i, n, 80, 116) },
    );
  }
  for (let i = 0, n = size.loyal_at_risk; i < n; i++) {
    store.repeatOrders(
      add('loyal_at_risk', i),
      { count: 12, everyDays: 30, lastDaysAgo: spread(i, n, 400, 442) },
      { totalPrice: scatter(i, n, 80, 115) },
    );
  }
  return { asOf: ARCHETYPE_AS_OF, customers: store.customers, orders: store.orders, expectedGroups };
}

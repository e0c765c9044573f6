import { shopifyRfmGroup } from '../src/segmentation/core/shopify-rfm';
import { StoreBuilder } from '../src/segmentation/core/testing/store-builder';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { updateSegmentationSettings } from '../src/segmentation/segmentation-settings';
import { shopifyRfmGroupParameters, shopifyRfmGroupSql } from '../src/segmentation/shopify-rfm.sql';
import { ShopsRepository } from '../src/shops/shops.repository';
import { StoreRepository } from '../src/store/store.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

const AS_OF = new Date('2026-11-27T06:00:00Z');

/**
 * Ten buyers whose quintile scores are known by construction: ten customers give two per score. Recency
 * (days since the last order) is distinct; frequency ties deliberately (four single-order customers all
 * score F 1, then pairs with 2, 3 and 4 orders score 3, 4 and 5); spend is distinct (and whole cents per order).
 *
 *   customer          days  orders  spend   R F M   F+M   Shopify group
 *   champion            2      4     800    5 5 5   10    Champions
 *   newcomer            3      1      20    5 1 1    2    New
 *   promising          20      1      40    4 1 2    3    Promising
 *   loyal              25      4     400    4 5 4    9    Loyal
 *   steady             60      2     200    3 3 3    6    Needs Attention
 *   loyal-earlier      70      3     411    3 4 4    8    Loyal
 *   slipping          150      2     210    2 3 3    6    At Risk
 *   fading            160      1      25    2 1 1    2    Almost Lost
 *   former-regular    300      3     822    1 4 5    9    Previously Loyal
 *   sleeper           400      1      45    1 1 2    3    Dormant
 */
const BUYERS: [id: string, days: number, orders: number, spend: number, group: string][] = [
  ['champion', 2, 4, 800, 'champions'],
  ['newcomer', 3, 1, 20, 'new'],
  ['promising', 20, 1, 40, 'promising'],
  ['loyal', 25, 4, 400, 'loyal'],
  ['steady', 60, 2, 200, 'needs_attention'],
  ['loyal-earlier', 70, 3, 411, 'loyal'],
  ['slipping', 150, 2, 210, 'at_risk'],
  ['fading', 160, 1, 25, 'almost_lost'],
  ['former-regular', 300, 3, 822, 'previously_loyal'],
  ['sleeper', 400, 1, 45, 'dormant'],
];

function tenBuyersAndProspects(): StoreBuilder {
  const store = new StoreBuilder(AS_OF);
  for (const [id, days, orders, spend] of BUYERS) {
    store.customer(id);
    store.repeatOrders(id, { count: orders, everyDays: 30, lastDaysAgo: days }, { totalPrice: spend / orders });
  }
  // Prospects: customers without an eligible order, whether they never ordered or only cancelled.
  for (const id of ['signed-up-1', 'signed-up-2', 'signed-up-3', 'cancelled-only']) store.customer(id);
  store.order('cancelled-only', { totalPrice: 90, cancelledAt: AS_OF });
  return store;
}

describe.each(testDatabaseTargets())('Shopify RFM groups at every segment run, on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  it('puts each hand-built customer in the Shopify group of their R and FM, and counts the prospects', async () => {
    const store = tenBuyersAndProspects();
    const { dataSource } = test.database;
    const shops = new ShopsRepository(dataSource);
    const shop = await shops.ensure('shopify-groups.myshopify.com', { currency: 'USD' });
    const writer = new StoreRepository(dataSource);
    await writer.upsertCustomers(shop.id, store.customers);
    await writer.upsertOrders(shop.id, store.orders, 'test');

    const summary = await new SegmentRunService(dataSource, shops).run(shop, { asOf: AS_OF });

    const rows: { customer_id: string; r: number; f: number; m: number; shopify_rfm_group: string }[] =
      await dataSource.query(
        `SELECT customer_id, r, f, m, shopify_rfm_group FROM segment_memberships WHERE shop_id = $1 AND run_id = $2`,
        [shop.id, summary.runId],
      );
    const byCustomer = new Map(rows.map((row) => [row.customer_id, row]));
    expect(byCustomer.size).toBe(10);
    for (const [id, , , , group] of BUYERS) {
      const row = byCustomer.get(id)!;
      expect({ id, group: row.shopify_rfm_group }).toEqual({ id, group });
      expect(row.shopify_rfm_group).toBe(shopifyRfmGroup(row.r, row.f, row.m));
    }
    const one = (group: string, name: string, revenue: number, customers = 1) => ({
      group, name, customers, share: customers / 14, revenue, revenueShare: revenue / 2973,
    });
    expect(summary.shopifyGroups).toEqual([
      one('champions', 'Champions', 800),
      one('loyal', 'Loyal', 811, 2),
      one('promising', 'Promising', 40),
      one('new', 'New', 20),
      one('needs_attention', 'Needs Attention', 200),
      one('at_risk', 'At Risk', 210),
      one('previously_loyal', 'Previously Loyal', 822),
      one('almost_lost', 'Almost Lost', 25),
      one('dormant', 'Dormant', 45),
      { group: 'prospects', name: 'Prospects', customers: 4, share: 4 / 14, revenue: 0, revenueShare: 0 },
    ]);
    // The K-means groups stay what reports show by default; the shop can lead with Shopify's instead.
    expect(summary.rfmScheme).toBe('kmeans');
    expect(summary.groups.reduce((sum, group) => sum + group.customers, 0)).toBe(10);
    await updateSegmentationSettings(shops, shop.id, { rfmScheme: 'shopify' });
    expect((await new SegmentRunService(dataSource, shops).run(shop, { asOf: AS_OF })).rfmScheme).toBe('shopify');
  });

  it('gives all 125 score combinations in SQL the group the core gives them', async () => {
    const rows: { r: number; f: number; m: number; group: string | null }[] = await test.database.dataSource.query(
      `SELECT r, f, m, ${shopifyRfmGroupSql(1)} AS group
       FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m ORDER BY r, f, m`,
      shopifyRfmGroupParameters(),
    );
    expect(rows).toHaveLength(125);
    for (const { r, f, m, group } of rows) expect({ r, f, m, group }).toEqual({ r, f, m, group: shopifyRfmGroup(r, f, m) });
  });
});

import { generateSampleStore } from '../src/demo/sample-store';
import type { CustomerRecord, OrderRecord } from '../src/store/store-records';
import { segmentStore } from '../src/segmentation/core/segment-store';
import {
  fitClvModel,
  predictCustomerValues,
  summariseTransactions,
  toColumns,
  transactionsFromOrders,
} from '../src/segmentation/core/clv';
import { buildArchetypeStore } from '../src/segmentation/core/testing/archetype-store';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { ShopsRepository } from '../src/shops/shops.repository';
import { StoreRepository } from '../src/store/store.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

describe.each(testDatabaseTargets())('segment run on $name', (target) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  it('gives every customer of the hand-built store the same features, scores and group as the pure core', async () => {
    const store = buildArchetypeStore();
    const { dataSource } = test.database;
    const shop = await new ShopsRepository(dataSource).ensure('archetypes.myshopify.com', { currency: 'EUR' });
    const writer = new StoreRepository(dataSource);
    await writer.upsertCustomers(shop.id, store.customers);
    await writer.upsertOrders(shop.id, store.orders, 'test-import');

    const summary = await new SegmentRunService(dataSource, new ShopsRepository(dataSource)).run(shop, {
      asOf: store.asOf,
      seed: 42,
    });

    const expected = segmentStore(store.customers, store.orders, store.asOf, { seed: 42, restarts: 5 });
    const rows = await dataSource.query(
      `SELECT customer_id, recency_days, frequency, monetary::float8 AS monetary, aov::float8 AS aov, returns_rate,
              discount_share, full_price_share, category_count, r, f, m, rfm_score, u_r, u_f, u_m, rfm_group
       FROM segment_memberships WHERE shop_id = $1 AND run_id = $2 ORDER BY customer_id COLLATE "C"`,
      [shop.id, summary.runId],
    );
    expect(rows).toEqual(
      expected.customers.map((c) => ({
        customer_id: c.customerId,
        recency_days: c.recencyDays,
        frequency: c.frequency,
        monetary: c.monetary,
        aov: c.aov,
        returns_rate: c.returnsRate,
        discount_share: c.discountShare,
        full_price_share: c.fullPriceShare,
        category_count: c.categoryCount,
        r: c.r,
        f: c.f,
        m: c.m,
        rfm_score: c.score,
        u_r: c.uR,
        u_f: c.uF,
        u_m: c.uM,
        rfm_group: c.group,
      })),
    );
    for (const row of rows) expect(row.rfm_group).toBe(store.expectedGroups.get(row.customer_id));
    expect(summary.customers).toBe(60);
    expect(summary.previousRunId).toBeNull();
  });

  it('agrees with the pure core customer by customer on a realistic generated store', async () => {
    const asOf = new Date('2026-11-27T06:00:00Z');
    const { dataSource } = test.database;
    const shop = await new ShopsRepository(dataSource).ensure('generated.myshopify.com');
    const writer = new StoreRepository(dataSource);
    const customers: CustomerRecord[] = [];
    const orders: OrderRecord[] = [];
    for (const batch of generateSampleStore({ customers: 3000, seed: 11, asOf })) {
      await writer.upsertCustomers(shop.id, batch.customers);
      await writer.upsertOrders(shop.id, batch.orders, 'generated');
      customers.push(...batch.customers);
      orders.push(...batch.orders);
    }

    const summary = await new SegmentRunService(dataSource, new ShopsRepository(dataSource)).run(shop, { asOf, seed: 7 });

    const expected = segmentStore(customers, orders, asOf, { seed: 7, restarts: 5 });
    const rows: { customer_id: string; rfm_score: number; rfm_group: string; monetary: string }[] = await dataSource.query(
      `SELECT customer_id, rfm_score, rfm_group, monetary FROM segment_memberships
       WHERE shop_id = $1 AND run_id = $2 ORDER BY customer_id COLLATE "C"`,
      [shop.id, summary.runId],
    );
    expect(rows.length).toBeGreaterThan(2000);
    expect(rows.map((row) => [row.customer_id, row.rfm_score, row.rfm_group, Number(row.monetary)])).toEqual(
      expected.customers.map((c) => [c.customerId, c.score, c.group, c.monetary]),
    );

    // Predicted value: the same summaries and models as the core's, customer by customer.
    const summaries = summariseTransactions(transactionsFromOrders(orders, asOf), { calibrationEnd: asOf });
    const predictions = predictCustomerValues(fitClvModel(toColumns(summaries), { calibrationEnd: asOf }), summaries);
    const values: { customer_id: string; p_alive: number; churn_risk: number; predicted_clv: string; expected_next_order_at: Date | null }[] =
      await dataSource.query(
        `SELECT customer_id, p_alive, churn_risk, predicted_clv, expected_next_order_at FROM segment_memberships
         WHERE shop_id = $1 AND run_id = $2 ORDER BY customer_id COLLATE "C"`,
        [shop.id, summary.runId],
      );
    expect(summary.customerValue?.status).toBe('predicted');
    expect(values.map((row) => row.customer_id)).toEqual(predictions.map((p) => p.customerId));
    values.forEach((row, i) => {
      expect(row.p_alive).toBeCloseTo(predictions[i].pAlive, 9);
      expect(row.churn_risk).toBeCloseTo(predictions[i].churnRisk, 9);
      expect(Math.abs(Number(row.predicted_clv) - predictions[i].clv)).toBeLessThan(0.011);
      expect(row.expected_next_order_at?.getTime() ?? null).toBe(predictions[i].expectedNextOrderAt?.getTime() ?? null);
    });
  });

  it('predicts no value for a store with too little history, and says why', async () => {
    const store = buildArchetypeStore();
    const { dataSource } = test.database;
    const shop = await new ShopsRepository(dataSource).ensure('tiny.myshopify.com');
    const writer = new StoreRepository(dataSource);
    await writer.upsertCustomers(shop.id, store.customers);
    await writer.upsertOrders(shop.id, store.orders, 'tiny');

    const summary = await new SegmentRunService(dataSource, new ShopsRepository(dataSource)).run(shop, { asOf: store.asOf });

    expect(summary.customerValue).toEqual({
      status: 'not_enough_history',
      reason: 'not enough history to predict customer value: 60 customers with a purchase, at least 200 are needed',
    });
    const [{ valued }] = await dataSource.query(
      `SELECT count(predicted_clv)::int AS valued FROM segment_memberships WHERE shop_id = $1 AND run_id = $2`,
      [shop.id, summary.runId],
    );
    expect(valued).toBe(0);
  });
});

import { generateSampleStore } from '../src/demo/sample-store';
import { computeVipInputs, trailingWindowStart } from '../src/segmentation/core/vip-inputs';
import { assignVipTiers, computeVipThresholds, parseVipTierSettings } from '../src/segmentation/core/vip-tiers';
import { buildLine, StoreBuilder, type OrderSpec } from '../src/segmentation/core/testing/store-builder';
import { SegmentRunService } from '../src/segmentation/segment-run.service';
import { InvalidShopSettingsError, updateSegmentationSettings } from '../src/segmentation/segmentation-settings';
import { ShopsRepository } from '../src/shops/shops.repository';
import type { CustomerRecord, OrderRecord } from '../src/store/store-records';
import { StoreRepository } from '../src/store/store.repository';
import { testDatabaseTargets, type TestDatabase } from './support/test-databases';

const AS_OF = new Date('2026-11-27T06:00:00Z');

/**
 * An order of `amount` in the trailing 12 months bought half at full price: two equal units, one of them
 * marked down (compare-at price above its price). Half is neutral: no full-price boost (≥ 80%) and no
 * discount penalty (≤ 20%) with the default settings.
 */
function halfFullPrice(amount: number, daysAgo = 30): OrderSpec {
  const first = Math.round(amount * 50) / 100;
  const second = Math.round((amount - first) * 100) / 100;
  return {
    daysAgo,
    lines: [
      buildLine({ lineNo: 1, price: first }),
      buildLine({ lineNo: 2, price: second, compareAtPrice: 2 * second }),
    ],
  };
}

/**
 * Buyers b001…b100, buyer i spending 10 × i in the last 12 months (b100: $1,000) in one order, half at full
 * price unless `instead` gives that buyer's order.
 */
function hundredBuyers(store: StoreBuilder, instead: Record<string, OrderSpec> = {}): void {
  for (let i = 1; i <= 100; i++) {
    const id = `b${String(i).padStart(3, '0')}`;
    store.customer(id);
    store.order(id, instead[id] ?? halfFullPrice(10 * i, 1 + (i % 300)));
  }
}

describe.each(testDatabaseTargets())('VIP tiers at every segment run, on $name', (target) => {
  let test: TestDatabase;
  let shopNumber = 0;
  beforeAll(async () => {
    test = await target.open();
  });
  afterAll(async () => test?.dispose());

  /** Writes the store into a new shop (currency USD) and returns it with a service to run it. */
  async function shopWith(store: { customers: CustomerRecord[]; orders: OrderRecord[] }) {
    const { dataSource } = test.database;
    const shops = new ShopsRepository(dataSource);
    const shop = await shops.ensure(`vip-${++shopNumber}.myshopify.com`, { currency: 'USD' });
    const writer = new StoreRepository(dataSource);
    await writer.upsertCustomers(shop.id, store.customers);
    await writer.upsertOrders(shop.id, store.orders, 'test');
    return { shop, shops, service: new SegmentRunService(dataSource, shops) };
  }

  async function tiers(shopId: number, runId: number) {
    const rows: { customer_id: string; vip_tier: string | null; vip_base_tier: string | null; vip_reason: string }[] =
      await test.database.dataSource.query(
        `SELECT customer_id, vip_tier, vip_base_tier, vip_reason FROM segment_memberships
         WHERE shop_id = $1 AND run_id = $2 ORDER BY customer_id COLLATE "C"`,
        [shopId, runId],
      );
    return new Map(rows.map((row) => [row.customer_id, row]));
  }

  it('makes the top 1% Platinum, the next 4% Gold and the next 5% Silver of 100 buyers, each with its reason', async () => {
    const store = new StoreBuilder(AS_OF);
    hundredBuyers(store);
    const { shop, service } = await shopWith(store);

    const summary = await service.run(shop, { asOf: AS_OF });

    expect(summary.vipTiers).toEqual({
      mode: 'relative',
      thresholds: { silver: 910, gold: 960, platinum: 1000 },
      counts: { silver: 5, gold: 4, platinum: 1 },
      buyers: 100,
      raised: 0,
      lowered: 0,
    });
    const byCustomer = await tiers(shop.id, summary.runId);
    const holding = (tier: string) => [...byCustomer.values()].filter((row) => row.vip_tier === tier).map((row) => row.customer_id);
    expect(holding('platinum')).toEqual(['b100']);
    expect(holding('gold')).toEqual(['b096', 'b097', 'b098', 'b099']);
    expect(holding('silver')).toEqual(['b091', 'b092', 'b093', 'b094', 'b095']);
    expect(byCustomer.get('b100')!.vip_reason).toBe('Platinum: top 1% by 12-month spend ($1,000)');
    expect(byCustomer.get('b096')!.vip_reason).toBe('Gold: top 5% by 12-month spend ($960)');
    expect(byCustomer.get('b091')!.vip_reason).toBe('Silver: top 10% by 12-month spend ($910)');
    expect(byCustomer.get('b090')).toEqual({
      customer_id: 'b090',
      vip_tier: null,
      vip_base_tier: null,
      vip_reason: 'No tier: $900 spent in 12 months (Silver from $910, the top 10%)',
    });
  });

  it('excludes a customer who returned more than 40% of what they bought, and says so', async () => {
    const store = new StoreBuilder(AS_OF);
    hundredBuyers(store);
    // b100 also sent back a whole $1,000 order: $1,000 refunded of $2,000 bought is a 50% returns rate.
    store.order('b100', { ...halfFullPrice(1000, 60), financialStatus: 'refunded', totalRefunded: 1000 });
    const { shop, service } = await shopWith(store);

    const summary = await service.run(shop, { asOf: AS_OF });

    expect((await tiers(shop.id, summary.runId)).get('b100')).toEqual({
      customer_id: 'b100',
      vip_tier: null,
      vip_base_tier: 'platinum',
      vip_reason: 'No tier: 50% of spend returned (limit 40%)',
    });
    // The excluded buyer still counts towards the cut-offs: nobody else moves up into Platinum.
    expect(summary.vipTiers).toMatchObject({
      thresholds: { silver: 910, gold: 960, platinum: 1000 },
      counts: { silver: 5, gold: 4, platinum: 0 },
      lowered: 1,
    });
  });

  it('raises a full-price buyer one tier and lowers a discount-only buyer one tier', async () => {
    const store = new StoreBuilder(AS_OF);
    hundredBuyers(store, {
      b097: { daysAgo: 10, totalPrice: 970 }, // one unit, at full price
      b092: { ...halfFullPrice(920, 15), discountCodes: ['WELCOME10'] }, // a code: no unit at full price
    });
    const { shop, service } = await shopWith(store);

    const summary = await service.run(shop, { asOf: AS_OF });

    const byCustomer = await tiers(shop.id, summary.runId);
    expect(byCustomer.get('b097')).toEqual({
      customer_id: 'b097',
      vip_tier: 'platinum',
      vip_base_tier: 'gold',
      vip_reason: 'Platinum: top 5% by 12-month spend ($970); raised from Gold for buying 100% at full price',
    });
    expect(byCustomer.get('b092')).toEqual({
      customer_id: 'b092',
      vip_tier: null,
      vip_base_tier: 'silver',
      vip_reason: 'No tier: top 10% by 12-month spend ($920); lowered from Silver for buying only 0% at full price',
    });
    expect(summary.vipTiers).toMatchObject({ counts: { silver: 4, gold: 3, platinum: 2 }, raised: 1, lowered: 1 });
  });

  it('uses the milestones the shop set in absolute mode', async () => {
    const store = new StoreBuilder(AS_OF);
    for (const [id, spend] of [['low', 250], ['silver', 300], ['gold', 899.99], ['platinum', 1200]] as const) {
      store.customer(id);
      store.order(id, halfFullPrice(spend));
    }
    const { shop, shops, service } = await shopWith(store);
    await updateSegmentationSettings(shops, shop.id, {
      vip: { mode: 'absolute', absolute: { silver: 300, gold: 600, platinum: 900 } },
    });

    const summary = await service.run(shop, { asOf: AS_OF });

    expect(summary.vipTiers).toEqual({
      mode: 'absolute',
      thresholds: { silver: 300, gold: 600, platinum: 900 },
      counts: { silver: 1, gold: 1, platinum: 1 },
      buyers: 4,
      raised: 0,
      lowered: 0,
    });
    const reasons = Object.fromEntries([...(await tiers(shop.id, summary.runId))].map(([id, row]) => [id, row.vip_reason]));
    expect(reasons).toEqual({
      low: 'No tier: $250 spent in 12 months (Silver from $300)',
      silver: 'Silver: $300 spent in 12 months (Silver from $300)',
      gold: 'Gold: $899.99 spent in 12 months (Gold from $600)',
      platinum: 'Platinum: $1,200 spent in 12 months (Platinum from $900)',
    });
  });

  it('counts only the last 12 months: older orders and older returns do not move a tier', async () => {
    const store = new StoreBuilder(AS_OF);
    const windowStart = new Date('2025-11-27T06:00:00Z'); // as-of minus 12 months, excluded
    store.customer('old-spender');
    store.order('old-spender', { ...halfFullPrice(5000), daysAgo: 400 });
    store.order('old-spender', halfFullPrice(100));
    store.customer('at-the-edge');
    store.order('at-the-edge', { ...halfFullPrice(3000), createdAt: windowStart });
    store.order('at-the-edge', { ...halfFullPrice(600), createdAt: new Date(windowStart.getTime() + 60_000) });
    store.customer('old-returner');
    store.order('old-returner', { ...halfFullPrice(2000, 500), financialStatus: 'refunded', totalRefunded: 2000 });
    store.order('old-returner', halfFullPrice(1200));
    const { shop, shops, service } = await shopWith(store);
    await updateSegmentationSettings(shops, shop.id, { vip: { mode: 'absolute' } }); // 500, 1000, 2500

    const summary = await service.run(shop, { asOf: AS_OF });

    const byCustomer = await tiers(shop.id, summary.runId);
    expect(byCustomer.get('old-spender')!.vip_reason).toBe('No tier: $100 spent in 12 months (Silver from $500)');
    expect(byCustomer.get('at-the-edge')!.vip_reason).toBe('Silver: $600 spent in 12 months (Silver from $500)');
    expect(byCustomer.get('old-returner')!.vip_reason).toBe('Gold: $1,200 spent in 12 months (Gold from $1,000)');
  });

  it('starts the 12-month window where PostgreSQL does, 29 February included', async () => {
    const moments = ['2028-02-29T23:59:59.999Z', '2026-03-31T00:00:00Z', '2027-01-01T00:00:00Z'].map((m) => new Date(m));
    const rows: { start: Date }[] = await test.database.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL TimeZone = 'UTC'`);
      return manager.query(`SELECT m - interval '12 months' AS start FROM unnest($1::timestamptz[]) m`, [moments]);
    });
    expect(rows.map((row) => row.start)).toEqual(moments.map(trailingWindowStart));
  });

  it('raises a customer who spends most of it on the shop’s high-margin categories, weighted by spend', async () => {
    const store = new StoreBuilder(AS_OF);
    store.customer('coats');
    // $868 of $1,240 on a coat: 70% of the spend, though only 1 unit of 2.
    store.order('coats', {
      lines: [
        buildLine({ lineNo: 1, price: 868, productType: 'Coats' }),
        buildLine({ lineNo: 2, price: 372, compareAtPrice: 400, productType: 'Socks' }),
      ],
    });
    store.customer('socks');
    store.order('socks', {
      lines: [
        buildLine({ lineNo: 1, price: 100, quantity: 4, productType: 'Coats' }),
        buildLine({ lineNo: 2, price: 840, compareAtPrice: 900, productType: 'Socks' }),
      ],
    });
    const { shop, shops, service } = await shopWith(store);
    await updateSegmentationSettings(shops, shop.id, { vip: { mode: 'absolute', highMarginCategories: ['Coats'] } });

    const summary = await service.run(shop, { asOf: AS_OF });

    const byCustomer = await tiers(shop.id, summary.runId);
    expect(byCustomer.get('coats')!.vip_reason).toBe(
      'Platinum: $1,240 spent in 12 months (Gold from $1,000); raised from Gold for spending 70% on high-margin categories',
    );
    // 4 coat units of 5 (80% of the units at full price), but $400 of $1,240 is 32.26% of the spend.
    expect(byCustomer.get('socks')!.vip_reason).toBe(
      'Platinum: $1,240 spent in 12 months (Gold from $1,000); raised from Gold for buying 80% at full price',
    );
  });

  it('fails the run on an invalid stored setting, naming the field, and refuses to store one', async () => {
    const store = new StoreBuilder(AS_OF);
    store.customer('c1');
    store.order('c1', halfFullPrice(100));
    const { shop, shops, service } = await shopWith(store);
    const { dataSource } = test.database;
    await dataSource.query(`UPDATE shops SET settings = $2::jsonb WHERE id = $1`, [
      shop.id,
      JSON.stringify({ vip: { relative: { gold: 0.2 } } }),
    ]);

    const message = 'Invalid shop setting vip.relative.gold: must be a smaller share than relative.silver (0.1), got 0.2';
    await expect(service.run(shop, { asOf: AS_OF })).rejects.toThrow(message);
    const runs = await dataSource.query(
      `SELECT r.status, r.error, (SELECT count(*)::int FROM segment_memberships m WHERE m.run_id = r.id) AS members
       FROM segment_runs r WHERE r.shop_id = $1`,
      [shop.id],
    );
    expect(runs).toEqual([{ status: 'failed', error: message, members: 0 }]);

    await dataSource.query(`UPDATE shops SET settings = '{}' WHERE id = $1`, [shop.id]);
    const update = updateSegmentationSettings(shops, shop.id, { vip: { maxReturnsRate: 1.5 } });
    await expect(update).rejects.toThrow(InvalidShopSettingsError);
    await expect(update).rejects.toThrow('Invalid shop setting vip.maxReturnsRate: expected a rate from 0 to 1, got 1.5');
    expect(await shops.settings(shop.id)).toEqual({});
  });

  it('gives every customer of a generated store the tier and reason of assignVipTiers on the same inputs', async () => {
    const customers: CustomerRecord[] = [];
    const orders: OrderRecord[] = [];
    for (const batch of generateSampleStore({ customers: 3000, seed: 5, asOf: AS_OF })) {
      customers.push(...batch.customers);
      orders.push(...batch.orders);
    }
    const { shop, shops, service } = await shopWith({ customers, orders });

    for (const vip of [{}, { highMarginCategories: ['Outdoor', 'Footwear'], fullPriceBoost: { minShare: 0.9 } }]) {
      await updateSegmentationSettings(shops, shop.id, { vip });
      const summary = await service.run(shop, { asOf: AS_OF });

      const settings = parseVipTierSettings(vip);
      const inputs = computeVipInputs(orders, AS_OF, settings.highMarginCategories);
      const expected = assignVipTiers(inputs, settings, { currency: 'USD' });
      const rows = await tiers(shop.id, summary.runId);
      expect(rows.size).toBeGreaterThan(2000);
      expect([...rows.values()]).toEqual(
        expected.map((a) => ({ customer_id: a.customerId, vip_tier: a.tier, vip_base_tier: a.baseTier, vip_reason: a.reason })),
      );
      const thresholds = computeVipThresholds(inputs.map((c) => c.trailing12mSpend), settings);
      expect(summary.vipTiers?.thresholds).toEqual(thresholds);
      const counts = { silver: 0, gold: 0, platinum: 0 };
      for (const { tier } of expected) if (tier !== null) counts[tier] += 1;
      expect(summary.vipTiers!.counts).toEqual(counts);
      expect(Math.min(counts.silver, counts.gold, counts.platinum)).toBeGreaterThan(0);
    }
  });
});

import { addUpFigures, cents, type PartFigureRow } from './run-figures';

/** A part's figure rows for hand-made customers, as the memberships statement would count them. */
function figuresOf(customers: { group: string; r: number; f: number; shopify: string; recency: number; orders: number; spend: string }[]): PartFigureRow[] {
  const rows = new Map<string, PartFigureRow>();
  const row = (key: string, fields: Partial<PartFigureRow>) => {
    const existing = rows.get(key) ?? {
      by_group: false,
      by_score: false,
      rfm_group: null,
      r: null,
      f: null,
      shopify_rfm_group: null,
      customers: 0,
      recency_days: '0',
      orders: '0',
      monetary: '0.00',
      ...fields,
    };
    rows.set(key, existing);
    return existing;
  };
  for (const c of customers) {
    for (const r of [
      row(`g:${c.group}`, { by_group: true, rfm_group: c.group }),
      row(`s:${c.r}:${c.f}`, { by_score: true, r: c.r, f: c.f }),
      row(`y:${c.shopify}`, { shopify_rfm_group: c.shopify }),
    ]) {
      r.customers += 1;
      r.recency_days = String(Number(r.recency_days) + c.recency);
      r.orders = String(Number(r.orders) + c.orders);
      r.monetary = ((Number(cents(r.monetary)) + Number(cents(c.spend))) / 100).toFixed(2);
    }
  }
  return [...rows.values()];
}

const customers = [
  { group: 'loyal', r: 5, f: 5, shopify: 'champions', recency: 3, orders: 12, spend: '1200.10' },
  { group: 'loyal', r: 5, f: 4, shopify: 'champions', recency: 10, orders: 9, spend: '0.20' },
  { group: 'new', r: 5, f: 1, shopify: 'recent_customers', recency: 1, orders: 1, spend: '0.10' },
  { group: 'sleepers', r: 1, f: 1, shopify: 'hibernating', recency: 700, orders: 1, spend: '35.00' },
];

describe('adding up the figures of a run’s parts', () => {
  it('gives groups, heatmap cells and Shopify groups with exact sums and means worked out once', () => {
    const figures = addUpFigures([
      { figures: figuresOf(customers.slice(0, 2)), movers: [{ from_group: null, to_group: 'loyal', customers: 2 }] },
      { figures: figuresOf(customers.slice(2)), movers: [{ from_group: null, to_group: 'new', customers: 1 }, { from_group: null, to_group: 'loyal', customers: 1 }] },
    ]);
    const loyal = figures.groups.find((g) => g.group === 'loyal');
    // 1200.10 + 0.20 is 1200.30 exactly; as floats, 1200.1 + 0.2 = 1200.3000000000002.
    expect(loyal).toEqual({ group: 'loyal', customers: 2, meanRecency: 6.5, meanFrequency: 10.5, meanMonetary: 600.15, revenue: 1200.3, orders: 21 });
    expect(figures.scoreHeatmap).toEqual([
      { r: 1, f: 1, customers: 1, meanMonetary: 35 },
      { r: 5, f: 1, customers: 1, meanMonetary: 0.1 },
      { r: 5, f: 4, customers: 1, meanMonetary: 0.2 },
      { r: 5, f: 5, customers: 1, meanMonetary: 1200.1 },
    ]);
    expect(figures.shopifyGroups.find((g) => g.group === 'champions')).toEqual({ group: 'champions', customers: 2, revenue: 1200.3 });
    expect(figures.movers).toEqual([
      { from: null, to: 'loyal', customers: 3 },
      { from: null, to: 'new', customers: 1 },
    ]);
  });

  it('gives the same figures however the customers are split into parts', () => {
    const whole = addUpFigures([{ figures: figuresOf(customers), movers: [] }]);
    const split = addUpFigures([
      { figures: figuresOf([customers[0], customers[3]]), movers: [] },
      { figures: figuresOf([customers[1], customers[2]]), movers: [] },
    ]);
    const byKey = <T extends { group: string }>(rows: T[]) => [...rows].sort((a, b) => a.group.localeCompare(b.group));
    expect(byKey(split.groups)).toEqual(byKey(whole.groups));
    expect(split.scoreHeatmap).toEqual(whole.scoreHeatmap);
    expect(byKey(split.shopifyGroups)).toEqual(byKey(whole.shopifyGroups));
  });

  it('reads amounts as exact cents and refuses anything else', () => {
    expect([cents('12.34'), cents('-0.5'), cents('7'), cents('0.00')]).toEqual([1234n, -50n, 700n, 0n]);
    expect(() => cents('1.234')).toThrow('Not an amount with at most two decimals: 1.234');
  });
});

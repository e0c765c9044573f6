/**
 * The figures a run's summary is made of, counted by each part of the run as it writes its memberships and
 * changes (segment-run.sql.ts) and added up here. Sums come as exact integers (recency days, orders) or exact
 * decimals (spend in cents), so the totals and the means do not depend on how the customers were split: a run
 * on the embedded database (one part) and on a server (two) give the same figures to the bit.
 */

/** One row of a part's figures: a group of one of three groupings, the others null. */
export interface PartFigureRow {
  by_group: boolean;
  by_score: boolean;
  rfm_group: string | null;
  r: number | null;
  f: number | null;
  shopify_rfm_group: string | null;
  customers: number;
  /** Exact sums as text: integers, and spend with two decimals. */
  recency_days: string;
  orders: string;
  monetary: string;
}

/** One row of a part's changes in the RFM groups. */
export interface PartMoverRow {
  from_group: string | null;
  to_group: string | null;
  customers: number;
}

export interface GroupFigures {
  group: string;
  customers: number;
  meanRecency: number;
  meanFrequency: number;
  meanMonetary: number;
  revenue: number;
  orders: number;
}

export interface RunFigures {
  /** Per RFM group, in no particular order. */
  groups: GroupFigures[];
  /** Per R×F cell, by R then F. */
  scoreHeatmap: { r: number; f: number; customers: number; meanMonetary: number }[];
  /** Per Shopify RFM group of the members, in no particular order. */
  shopifyGroups: { group: string; customers: number; revenue: number }[];
  movers: { from: string | null; to: string | null; customers: number }[];
}

interface Totals {
  customers: number;
  recencyDays: bigint;
  orders: bigint;
  cents: bigint;
}

export function addUpFigures(parts: { figures: PartFigureRow[]; movers: PartMoverRow[] }[]): RunFigures {
  const groups = new Map<string, Totals>();
  const cells = new Map<string, Totals & { r: number; f: number }>();
  const shopify = new Map<string, Totals>();
  const movers = new Map<string, RunFigures['movers'][number]>();
  for (const { figures, movers: moved } of parts) {
    for (const row of figures) {
      if (row.by_group) add(groups, row.rfm_group as string, row);
      else if (row.by_score) add(cells, `${row.r}:${row.f}`, row, { r: row.r as number, f: row.f as number });
      else if (row.shopify_rfm_group !== null) add(shopify, row.shopify_rfm_group, row);
    }
    for (const row of moved) {
      const key = JSON.stringify([row.from_group, row.to_group]);
      const total = movers.get(key) ?? { from: row.from_group, to: row.to_group, customers: 0 };
      total.customers += row.customers;
      movers.set(key, total);
    }
  }
  return {
    groups: [...groups].map(([group, t]) => ({
      group,
      customers: t.customers,
      meanRecency: Number(t.recencyDays) / t.customers,
      meanFrequency: Number(t.orders) / t.customers,
      meanMonetary: meanCents(t),
      revenue: Number(t.cents) / 100,
      orders: Number(t.orders),
    })),
    scoreHeatmap: [...cells.values()]
      .sort((a, b) => a.r - b.r || a.f - b.f)
      .map((t) => ({ r: t.r, f: t.f, customers: t.customers, meanMonetary: meanCents(t) })),
    shopifyGroups: [...shopify].map(([group, t]) => ({ group, customers: t.customers, revenue: Number(t.cents) / 100 })),
    movers: [...movers.values()],
  };
}

function add<T extends Totals>(totals: Map<string, T>, key: string, row: PartFigureRow, extra?: Omit<T, keyof Totals>): void {
  const total = totals.get(key) ?? ({ customers: 0, recencyDays: 0n, orders: 0n, cents: 0n, ...extra } as T);
  total.customers += row.customers;
  total.recencyDays += BigInt(row.recency_days);
  total.orders += BigInt(row.orders);
  total.cents += cents(row.monetary);
  totals.set(key, total);
}

/** The mean in currency units, rounded once: cents ÷ (100 × customers). */
function meanCents(t: Totals): number {
  return Number(t.cents) / (100 * t.customers);
}

/** An exact decimal with at most two decimals, as integer cents. */
export function cents(decimal: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(decimal);
  if (!match) throw new RangeError(`Not an amount with at most two decimals: ${decimal}`);
  const [, sign, whole, fraction = ''] = match;
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign ? -value : value;
}

/**
 * A realistic, hand-made run summary (a mid-size fashion store, run #42) and a short run history. Used by the
 * reporting tests and to render a sample report; the figures are internally consistent (group sums, shares,
 * heatmap total, transition totals) so a renderer bug shows as a visible mismatch.
 */
import { RFM_GROUPS, RFM_GROUP_KEYS, type RfmGroupKey } from '../segmentation/core/rfm-groups';
import type { RunSummary, TransitionCount } from '../segmentation/run-summary';

/** Customers, mean recency (days), mean frequency (orders), mean net spend per group. */
const GROUP_FIGURES: Record<RfmGroupKey, [number, number, number, number]> = {
  new: [4812, 18, 1.08, 72.4],
  about_to_sleep: [9640, 142, 1.21, 64.1],
  sleepers: [17935, 512, 1.12, 58.3],
  potential_loyal: [7204, 61, 2.94, 198.7],
  loyal: [4386, 34, 7.85, 642.15],
  loyal_at_risk: [4236, 298, 5.12, 401.9],
};

const GROUP_NAME = Object.fromEntries(RFM_GROUPS.map((g) => [g.key, g.name])) as Record<RfmGroupKey, string>;

/** Previous group (rows, in RFM_GROUP_KEYS order, then "not in previous run") to current group (then "left"). */
const TRANSITIONS: number[][] = [
  [2950, 1350, 0, 420, 0, 0, 40],
  [0, 7690, 2905, 402, 0, 0, 95],
  [0, 0, 14820, 96, 0, 0, 410],
  [0, 600, 0, 6055, 602, 388, 38],
  [0, 0, 0, 145, 3684, 431, 12],
  [0, 0, 210, 86, 100, 3417, 21],
  [1862, 0, 0, 0, 0, 0, 0],
];

export function sampleRunSummary(): RunSummary {
  const customers = RFM_GROUP_KEYS.reduce((a, k) => a + GROUP_FIGURES[k][0], 0);
  const revenueOf = (k: RfmGroupKey): number => Math.round(GROUP_FIGURES[k][0] * GROUP_FIGURES[k][3] * 100) / 100;
  const revenue = RFM_GROUP_KEYS.reduce((a, k) => a + revenueOf(k), 0);
  const orders = Math.round(RFM_GROUP_KEYS.reduce((a, k) => a + GROUP_FIGURES[k][0] * GROUP_FIGURES[k][2], 0));

  const transitions: TransitionCount[] = [];
  const ends = [...RFM_GROUP_KEYS, null];
  TRANSITIONS.forEach((row, i) =>
    row.forEach((n, j) => {
      if (n > 0) transitions.push({ from: ends[i], to: ends[j], customers: n });
    }),
  );
  const entered = transitions.filter((t) => t.from === null).reduce((a, t) => a + t.customers, 0);
  const left = transitions.filter((t) => t.to === null).reduce((a, t) => a + t.customers, 0);

  return {
    runId: 9042,
    runNumber: 42,
    shopDomain: 'northwind-apparel.myshopify.com',
    currency: 'EUR',
    asOf: '2025-03-14T02:00:00.000Z',
    startedAt: '2025-03-14T02:00:03.120Z',
    finishedAt: '2025-03-14T02:00:41.870Z',
    durationMs: 38750,
    customers,
    orders,
    revenue: Math.round(revenue * 100) / 100,
    groups: RFM_GROUP_KEYS.map((k) => {
      const [n, rec, freq, mon] = GROUP_FIGURES[k];
      return {
        group: k,
        name: GROUP_NAME[k],
        customers: n,
        share: n / customers,
        meanRecencyDays: rec,
        meanFrequency: freq,
        meanMonetary: mon,
        revenue: revenueOf(k),
        revenueShare: revenueOf(k) / revenue,
      };
    }),
    scoreHeatmap: heatmap(customers),
    previousRunId: 9041,
    transitions,
    entered,
    left,
    parameters: { k: 6, seed: 42, sampleSize: 20000, lookbackYears: 10, normalisation: 'z-score' },
  };
}

/**
 * R quintiles split customers evenly; F piles up at low scores in a real store (most customers order once) and
 * correlates with R. Counts are scaled to `total` and the rounding remainder goes to the biggest cell.
 */
function heatmap(total: number): RunSummary['scoreHeatmap'] {
  const cells: RunSummary['scoreHeatmap'] = [];
  for (let r = 1; r <= 5; r++) {
    for (let f = 1; f <= 5; f++) {
      const weight = Math.exp(-0.55 * (f - 1)) * (1 + 0.18 * (r - 3) * (f - 2.5));
      cells.push({ r, f, customers: Math.max(0, weight), meanMonetary: Math.round((35 + 95 * f ** 1.35 + 12 * r) * 100) / 100 });
    }
  }
  const sum = cells.reduce((a, c) => a + c.customers, 0);
  for (const c of cells) c.customers = Math.round((c.customers / sum) * total);
  const biggest = cells.reduce((a, c) => (c.customers > a.customers ? c : a));
  biggest.customers += total - cells.reduce((a, c) => a + c.customers, 0);
  return cells;
}

/** Group sizes of the runs before this one, as the history argument of renderHtmlReport takes them. */
export function sampleHistory(): { runNumber: number; finishedAt: string; groups: { group: string; customers: number }[] }[] {
  const current = sampleRunSummary();
  const history = [];
  for (let back = 7; back >= 1; back--) {
    const runNumber = current.runNumber - back;
    const day = new Date(Date.parse(current.finishedAt) - back * 86_400_000).toISOString();
    history.push({
      runNumber,
      finishedAt: day,
      groups: current.groups.map((g, i) => ({
        group: g.group,
        // Earlier runs were a little smaller and had fewer sleepers: a store that grows and ages.
        customers: Math.round(g.customers * (1 - back * (0.012 + 0.004 * ((i * 7) % 3)))),
      })),
    });
  }
  return history;
}

/**
 * The one data shape every output of a segment run renders (terminal table, HTML report, dashboard).
 * The run orchestration produces it from SQL aggregates; the renderers in this folder only read it, so they
 * stay pure and can be tested on hand-made summaries.
 */

/** One of the six K-means RFM groups, aggregated over the run's memberships. */
export interface GroupSummary {
  /** Group key, e.g. `loyal_at_risk`. */
  group: string;
  /** Display name, e.g. `Loyal at Risk`. */
  name: string;
  customers: number;
  /** Share of the run's customers, 0..1. */
  share: number;
  meanRecencyDays: number;
  meanFrequency: number;
  meanMonetary: number;
  revenue: number;
  /** Share of the run's revenue, 0..1. */
  revenueShare: number;
}

/** How many customers moved from one group to another between the previous run and this one. */
export interface TransitionCount {
  /** null = the customer was not in the previous run. */
  from: string | null;
  /** null = the customer left (is not in this run). */
  to: string | null;
  customers: number;
}

export interface RunSummary {
  runId: number;
  runNumber: number;
  shopDomain: string;
  currency: string;
  /** ISO date-time the recency figures are measured from. */
  asOf: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  customers: number;
  orders: number;
  revenue: number;
  /** In the canonical order of GROUP_KEYS. */
  groups: GroupSummary[];
  /** Up to 25 cells, r and f in 1..5; missing cells mean no customer has that score pair. */
  scoreHeatmap: { r: number; f: number; customers: number; meanMonetary: number }[];
  previousRunId: number | null;
  transitions: TransitionCount[];
  entered: number;
  left: number;
  parameters: Record<string, unknown>;
}

/** The canonical order of the six groups: the customer life cycle, from first order to lapsed loyalty. */
export const GROUP_KEYS = [
  'new',
  'about_to_sleep',
  'sleepers',
  'potential_loyal',
  'loyal',
  'loyal_at_risk',
] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export const GROUP_NAMES: Record<GroupKey, string> = {
  new: 'New',
  about_to_sleep: 'About to Sleep',
  sleepers: 'Sleepers',
  potential_loyal: 'Potential Loyal',
  loyal: 'Loyal',
  loyal_at_risk: 'Loyal at Risk',
};

/** Customers who changed group between two runs (both ends present and different). */
export function movedBetweenGroups(transitions: TransitionCount[]): number {
  let moved = 0;
  for (const t of transitions) if (t.from !== null && t.to !== null && t.from !== t.to) moved += t.customers;
  return moved;
}

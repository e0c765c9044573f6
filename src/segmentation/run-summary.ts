/**
 * What a segment run reports: the shape every output renders (terminal table, HTML report, JSON, the HTTP
 * API). SegmentRunService produces it from SQL aggregates and stores it with the run; the renderers in
 * src/reporting only read it, so they stay pure and can be tested on hand-made summaries.
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

/**
 * One of Shopify's RFM groups (core/shopify-rfm.ts), the second scheme: computed at every run beside the
 * K-means groups, from the same R, F and M scores. Prospects are the shop's customers without an eligible
 * order (no membership, no revenue).
 */
export interface ShopifyGroupSummary {
  /** Group key, e.g. `needs_attention`, `prospects`. */
  group: string;
  /** Display name, e.g. `Needs Attention`. */
  name: string;
  customers: number;
  /** Share of all the shop's customers (members and prospects), 0..1. */
  share: number;
  revenue: number;
  /** Share of the run's revenue, 0..1. */
  revenueShare: number;
}

/** VIP tiers at a run (core/vip-tiers.ts): the cut-offs used, and how many customers hold each tier. */
export interface VipTierSummary {
  mode: 'relative' | 'absolute';
  /** 12-month spend a tier starts at, in the shop currency; null: nobody can reach it (too few buyers). */
  thresholds: { silver: number | null; gold: number | null; platinum: number | null };
  counts: { silver: number; gold: number; platinum: number };
  /** Customers with a 12-month net spend above 0. */
  buyers: number;
  /** Customers whose tier is above the one their spend earned (full-price or high-margin buying). */
  raised: number;
  /** Customers whose tier is below the one their spend earned (returns exclusion or discount penalty). */
  lowered: number;
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
  /** The K-means groups, in the canonical order of RFM_GROUPS (core/rfm-groups.ts). */
  groups: GroupSummary[];
  /**
   * Shopify's RFM groups, non-empty ones in the order of SHOPIFY_RFM_GROUPS. Both schemes are computed at
   * every run; `rfmScheme` says which one the shop's reports lead with (summaries before it lack both).
   */
  shopifyGroups?: ShopifyGroupSummary[];
  /** The shop's setting `rfmScheme`: 'kmeans' (groups) or 'shopify' (shopifyGroups). */
  rfmScheme?: 'kmeans' | 'shopify';
  vipTiers?: VipTierSummary;
  /** Up to 25 cells, r and f in 1..5; missing cells mean no customer has that score pair. */
  scoreHeatmap: { r: number; f: number; customers: number; meanMonetary: number }[];
  previousRunId: number | null;
  transitions: TransitionCount[];
  /** Customers in this run who were not in the previous one (from = null). */
  entered: number;
  /** Customers of the previous run who are not in this one (to = null). */
  left: number;
  parameters: Record<string, unknown>;
  /** Members of each saved segment (catalogue and custom) at this run, by segment key. */
  savedSegments?: Record<string, number>;
  /** Predicted value (BG/NBD + Gamma-Gamma): the fitted parameters, or why the store has none. */
  customerValue?:
    | { status: 'not_enough_history'; reason: string }
    | {
        status: 'predicted';
        customers: number;
        horizonDays: number;
        bgNbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
        gammaGamma: { p: number; q: number; v: number };
      };
}

/** Customers who changed group between two runs (both ends present and different). */
export function movedBetweenGroups(transitions: TransitionCount[]): number {
  let moved = 0;
  for (const t of transitions) if (t.from !== null && t.to !== null && t.from !== t.to) moved += t.customers;
  return moved;
}

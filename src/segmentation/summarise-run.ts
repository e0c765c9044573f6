import type { RunSummary, ShopifyGroupSummary, VipTierSummary } from './run-summary';
import type { RunFigures } from './run-figures';
import type { CustomerValueOutcome } from './customer-values';
import type { SegmentRunRecord } from './segment-run.repository';
import type { RfmScheme } from './segmentation-settings';
import { RFM_GROUPS, type RfmGroupModel } from './core/rfm-groups';
import { SHOPIFY_RFM_GROUPS } from './core/shopify-rfm';

/** Everything a finished run's summary is made of. */
export interface RunOutcome {
  shop: { domain: string; currency: string };
  run: SegmentRunRecord;
  previous: SegmentRunRecord | null;
  model: RfmGroupModel;
  started: number;
  figures: RunFigures;
  prospects: number;
  rfmScheme: RfmScheme;
  vipTiers: VipTierSummary;
  values: CustomerValueOutcome;
  savedSegments: Record<string, number>;
}

/** The summary the reports render, from the run's figures (run-figures.ts) and what its steps returned. */
export function summariseRun(outcome: RunOutcome): RunSummary {
  const { shop, run, previous, model, started, figures } = outcome;
  const stats = inCanonicalOrder(figures.groups, RFM_GROUPS);
  const movers = figures.movers;
  const customers = sum(stats, (row) => row.customers);
  const revenue = sum(stats, (row) => row.revenue);
  const byGroup = new Map(stats.map((row) => [row.group, row]));
  const groups = RFM_GROUPS.filter(({ key }) => byGroup.has(key)).map(({ key, name }) => {
    const row = byGroup.get(key)!;
    return {
      group: key,
      name,
      customers: row.customers,
      share: row.customers / customers,
      meanRecencyDays: row.meanRecency,
      meanFrequency: row.meanFrequency,
      meanMonetary: row.meanMonetary,
      revenue: row.revenue,
      revenueShare: revenue === 0 ? 0 : row.revenue / revenue,
    };
  });
  // With no previous run every customer "entered"; the matrix then only says so.
  const stayers = previous
    ? groups
        .map(({ group, customers: inGroup }) => ({
          from: group,
          to: group,
          customers: inGroup - sum(movers.filter((m) => m.to === group), (m) => m.customers),
        }))
        .filter((t) => t.customers > 0)
    : [];
  const finished = new Date();
  return {
    runId: run.id,
    runNumber: run.runNumber,
    shopDomain: shop.domain,
    currency: shop.currency,
    asOf: run.asOf.toISOString(),
    startedAt: new Date(started).toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started,
    customers,
    orders: sum(stats, (row) => row.orders),
    revenue: Math.round(revenue * 100) / 100,
    groups,
    scoreHeatmap: figures.scoreHeatmap,
    previousRunId: previous?.id ?? null,
    transitions: [...stayers, ...movers],
    entered: sum(movers.filter((m) => m.from === null), (m) => m.customers),
    left: sum(movers.filter((m) => m.to === null), (m) => m.customers),
    parameters: { ...run.parameters, centres: model.centres, inertia: model.inertia },
    rfmScheme: outcome.rfmScheme,
    shopifyGroups: describeShopifyGroups([...figures.shopifyGroups, { group: 'prospects', customers: outcome.prospects, revenue: 0 }]),
    vipTiers: outcome.vipTiers,
    customerValue: describeValues(outcome.values),
    savedSegments: outcome.savedSegments,
  };
}

/** Shopify's groups in their canonical order, empty ones left out; shares over members and prospects. */
function describeShopifyGroups(rows: { group: string; customers: number; revenue: number }[]): ShopifyGroupSummary[] {
  const stats = inCanonicalOrder(rows, SHOPIFY_RFM_GROUPS);
  const customers = sum(stats, (row) => row.customers);
  const revenue = sum(stats, (row) => row.revenue);
  const byGroup = new Map(stats.map((row) => [row.group, row]));
  return SHOPIFY_RFM_GROUPS.filter(({ key }) => (byGroup.get(key)?.customers ?? 0) > 0).map(({ key, name }) => {
    const row = byGroup.get(key)!;
    return {
      group: key,
      name,
      customers: row.customers,
      share: row.customers / customers,
      revenue: Math.round(row.revenue * 100) / 100,
      revenueShare: revenue === 0 ? 0 : row.revenue / revenue,
    };
  });
}

/** What the run says about predicted value: the fitted models, or why there are none. */
function describeValues(values: CustomerValueOutcome): RunSummary['customerValue'] {
  if (values.status === 'not_enough_history') return { status: values.status, reason: values.reason };
  const { bgNbd, gammaGamma, horizonDays } = values.model;
  return {
    status: values.status,
    customers: values.customers,
    horizonDays,
    bgNbd: { ...bgNbd.parameters, logLikelihood: bgNbd.logLikelihood },
    gammaGamma: { ...gammaGamma.parameters },
  };
}

/**
 * Rows in the scheme's own group order. Float sums depend on the order of their terms, and the figures must
 * not depend on the order rows come back from the database (embedded and server runs agree to the bit).
 */
function inCanonicalOrder<T extends { group: string }>(rows: T[], groups: readonly { key: string }[]): T[] {
  const order = groups.map(({ key }) => key);
  return [...rows].sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}


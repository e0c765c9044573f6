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
  const stats = figures.groups;
  const movers = figures.movers;
  const groups = inSchemeOrder(stats, RFM_GROUPS).map(({ row, group, name, share, revenueShare }) => ({
    group,
    name,
    customers: row.customers,
    share,
    meanRecencyDays: row.meanRecency,
    meanFrequency: row.meanFrequency,
    meanMonetary: row.meanMonetary,
    revenue: row.revenue,
    revenueShare,
  }));
  const customers = sum(groups, (group) => group.customers);
  const revenue = sum(groups, (group) => group.revenue);
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
  return inSchemeOrder(rows, SHOPIFY_RFM_GROUPS)
    .filter(({ row }) => row.customers > 0)
    .map(({ row, group, name, share, revenueShare }) => ({
      group,
      name,
      customers: row.customers,
      share,
      revenue: Math.round(row.revenue * 100) / 100,
      revenueShare,
    }));
}

/**
 * The rows of a scheme's groups in the scheme's order, each with its share of all the rows' customers and
 * revenue. Float sums depend on the order of their terms, and the figures must not depend on the order rows
 * come in (embedded and server runs agree to the bit).
 */
function inSchemeOrder<T extends { group: string; customers: number; revenue: number }>(
  rows: T[],
  scheme: readonly { key: string; name: string }[],
): { row: T; group: string; name: string; share: number; revenueShare: number }[] {
  const byGroup = new Map(rows.map((row) => [row.group, row]));
  const ordered = scheme.filter(({ key }) => byGroup.has(key)).map(({ key, name }) => ({ row: byGroup.get(key)!, group: key, name }));
  const customers = sum(ordered, ({ row }) => row.customers);
  const revenue = sum(ordered, ({ row }) => row.revenue);
  return ordered.map((entry) => ({
    ...entry,
    share: entry.row.customers / customers,
    revenueShare: revenue === 0 ? 0 : entry.row.revenue / revenue,
  }));
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

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}


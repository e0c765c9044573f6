import { SHOPIFY_RFM_GROUPS } from './core/shopify-rfm';

/**
 * Shopify's RFM groups in SQL (core/shopify-rfm.ts). The CASE is built from SHOPIFY_RFM_GROUPS, the one
 * table the core's lookup also reads, so editing that table moves both: each group with scores becomes
 * `WHEN r BETWEEN rMin AND rMax AND f + m BETWEEN 2·fmMin AND 2·fmMax THEN key`, every bound and key a
 * parameter (F + M is an integer, so FM's half values compare exactly). Prospects have no scores and no
 * membership: they are counted from the customers table.
 */
const SCORED_GROUPS = SHOPIFY_RFM_GROUPS.filter((group) => group.r !== null && group.fm !== null);

/** The parameters of shopifyRfmGroupSql, in order: per group r min, r max, F + M min, F + M max, key. */
export function shopifyRfmGroupParameters(): (number | string)[] {
  return SCORED_GROUPS.flatMap(({ key, r, fm }) => [r!.min, r!.max, 2 * fm!.min, 2 * fm!.max, key]);
}

/**
 * The group of the row's integer scores r, f, m; parameters from $first on (shopifyRfmGroupParameters).
 * The text depends only on the number of groups, never on data.
 */
export function shopifyRfmGroupSql(first: number): string {
  const branches = SCORED_GROUPS.map((_, i) => {
    const p = first + 5 * i;
    return `WHEN r BETWEEN $${p}::int AND $${p + 1}::int AND f + m BETWEEN $${p + 2}::int AND $${p + 3}::int THEN $${p + 4}::text`;
  });
  return `CASE ${branches.join(' ')} END`;
}

/**
 * The prospects of a run: the shop's customers without a membership (no eligible order). $1 shop, $2 run.
 * Runs before the run's features are deleted: they hold exactly the run's members and, unlike the memberships
 * just written, have statistics, so the anti join hashes (on the fresh memberships the planner went row by
 * row: seconds for 3 000 customers).
 */
export const COUNT_PROSPECTS = `
  SELECT count(*)::int AS customers FROM customers c
  WHERE c.shop_id = $1 AND NOT EXISTS (
    SELECT FROM segment_run_features f WHERE f.shop_id = $1 AND f.run_id = $2 AND f.customer_id = c.customer_id)`;

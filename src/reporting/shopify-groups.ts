import type { RunSummary } from '../segmentation/run-summary';
import { escapeHtml, formatInt, formatMoney, formatPercent } from './format';

/**
 * Shopify's RFM groups (the second scheme every run computes): a terminal table and an HTML section.
 * Runs made before the scheme existed have none; both renderings then say so.
 */
export function formatShopifyGroupsTable(summary: RunSummary): string {
  const groups = summary.shopifyGroups ?? [];
  if (groups.length === 0) return "This run has no Shopify RFM groups (it was made before they were computed).";
  const rows = groups.map((g) => [g.name, formatInt(g.customers), formatPercent(g.share), formatMoney(g.revenue, summary.currency), formatPercent(g.revenueShare)]);
  const header = ['Shopify group', 'Customers', 'Share', 'Revenue', 'Revenue share'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    `${summary.shopDomain} · run #${summary.runNumber} · Shopify's RFM groups (R and FM = (F + M) / 2)`,
    '',
    line(header),
    '  ' + '\u2500'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1)),
    ...rows.map(line),
  ].join('\n');
}

export function shopifyGroupsSection(summary: RunSummary): string {
  const groups = summary.shopifyGroups ?? [];
  const body =
    groups.length === 0
      ? '<p class="note">This run has no Shopify RFM groups (it was made before they were computed).</p>'
      : `<table><thead><tr><th>Group</th><th>Customers</th><th>Share</th><th>Revenue</th><th>Revenue share</th></tr></thead><tbody>` +
        groups
          .map(
            (g) =>
              `<tr><td>${escapeHtml(g.name)}</td><td>${formatInt(g.customers)}</td><td>${formatPercent(g.share)}</td>` +
              `<td>${escapeHtml(formatMoney(g.revenue, summary.currency))}</td><td>${formatPercent(g.revenueShare)}</td></tr>`,
          )
          .join('') +
        `</tbody></table>`;
  return (
    `<section class="card" aria-labelledby="h-shopify"><h2 id="h-shopify">Shopify's RFM groups</h2>` +
    `<p class="note">The second scheme: groups from R and FM = (F + M) / 2, prospects included.</p>${body}</section>`
  );
}

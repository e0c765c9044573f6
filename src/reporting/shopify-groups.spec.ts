import { sampleRunSummary } from './sample-summary';
import { formatShopifyGroupsTable, shopifyGroupsSection } from './shopify-groups';

describe("Shopify's RFM groups", () => {
  const summary = {
    ...sampleRunSummary(),
    shopifyGroups: [
      { group: 'champions', name: 'Champions', customers: 1200, share: 0.1, revenue: 250000, revenueShare: 0.4 },
      { group: 'prospects', name: 'Prospects', customers: 3000, share: 0.25, revenue: 0, revenueShare: 0 },
    ],
  };

  it('prints a terminal table of the groups with their customers and revenue', () => {
    const lines = formatShopifyGroupsTable(summary).split('\n');
    expect(lines[2]).toMatch(/^ {2}Shopify group +Customers +Share +Revenue +Revenue share$/);
    expect(lines[4]).toMatch(/^ {2}Champions +1,200 +10\.0% +\S+250,000\.00 +40\.0%$/);
    expect(lines[5]).toMatch(/^ {2}Prospects +3,000 +25\.0%/);
  });

  it('says so for a run made before the scheme existed', () => {
    const old = { ...summary, shopifyGroups: undefined };
    expect(formatShopifyGroupsTable(old)).toBe('This run has no Shopify RFM groups (it was made before they were computed).');
    expect(shopifyGroupsSection(old)).toContain('made before they were computed');
  });

  it('renders an HTML section with the escaped group names', () => {
    const html = shopifyGroupsSection({ ...summary, shopifyGroups: [{ ...summary.shopifyGroups[0], name: '<b>Champions</b>' }] });
    expect(html).toContain('&lt;b&gt;Champions&lt;/b&gt;');
    expect(html).toContain('<td>1,200</td>');
  });
});

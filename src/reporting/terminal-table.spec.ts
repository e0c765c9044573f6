import { formatRunTable } from './terminal-table';
import { GroupSummary, RunSummary } from '../segmentation/run-summary';
import { sampleRunSummary } from './sample-summary';

function group(group: string, name: string, customers: number, rec: number, freq: number, mon: number, total: number, revenue: number): GroupSummary {
  return {
    group,
    name,
    customers,
    share: customers / total,
    meanRecencyDays: rec,
    meanFrequency: freq,
    meanMonetary: mon,
    revenue: customers * mon,
    revenueShare: (customers * mon) / revenue,
  };
}

/** 10,000 customers; revenue 1,000,000 split so every share is a round number. */
function handMade(): RunSummary {
  const total = 10_000;
  const revenue = 1_000_000;
  return {
    runId: 7,
    runNumber: 3,
    shopDomain: 'tiny-shop.myshopify.com',
    currency: 'USD',
    asOf: '2025-01-31T03:00:00Z',
    startedAt: '2025-01-31T03:00:00Z',
    finishedAt: '2025-01-31T03:00:02Z',
    durationMs: 2500,
    customers: total,
    orders: 25_000,
    revenue,
    groups: [
      group('new', 'New', 1000, 10, 1, 50, total, revenue),
      group('about_to_sleep', 'About to Sleep', 2000, 150, 1.2, 50, total, revenue),
      group('sleepers', 'Sleepers', 4000, 500, 1, 12.5, total, revenue),
      group('potential_loyal', 'Potential Loyal', 1500, 60, 3, 200, total, revenue),
      group('loyal', 'Loyal', 1000, 30, 8, 400, total, revenue),
      group('loyal_at_risk', 'Loyal at Risk', 500, 300, 5, 200, total, revenue),
    ],
    scoreHeatmap: [],
    previousRunId: 6,
    transitions: [
      { from: 'loyal', to: 'loyal_at_risk', customers: 40 },
      { from: 'loyal', to: 'loyal', customers: 900 },
      { from: null, to: 'new', customers: 120 },
      { from: 'sleepers', to: null, customers: 15 },
    ],
    entered: 120,
    left: 15,
    parameters: {},
  };
}

describe('formatRunTable', () => {
  const text = formatRunTable(handMade());
  const lines = text.split('\n');

  it('starts with the run header and the key figures', () => {
    expect(lines[0]).toBe('tiny-shop.myshopify.com \u00b7 run #3 \u00b7 as of 2025-01-31 \u00b7 took 2.5 s');
    expect(lines[1]).toBe('10,000 customers \u00b7 25,000 orders \u00b7 revenue $1,000,000.00');
  });

  it('aligns the header, group rows and total exactly', () => {
    expect(lines).toContain('  Group            Customers   Share  Recency  Frequency  Monetary  Revenue');
    expect(lines).toContain('                                         days     orders       USD    share');
    expect(lines).toContain('  New                  1,000   10.0%       10       1.00     50.00     5.0%');
    expect(lines).toContain('  Potential Loyal      1,500   15.0%       60       3.00    200.00    30.0%');
    expect(lines).toContain('  Loyal at Risk          500    5.0%      300       5.00    200.00    10.0%');
    expect(lines).toContain('  Sleepers             4,000   40.0%      500       1.00     12.50     5.0%');
    // Means over all customers, weighted by group size: (10*1000 + 150*2000 + ...) / 10000 = 258 days.
    expect(lines).toContain('  Total               10,000  100.0%      258       2.24    100.00   100.0%');
  });

  it('says what changed since the previous run', () => {
    expect(lines).toContain('Since the previous run: 120 entered, 15 left, 40 changed group.');
  });

  it('says so when there is no previous run', () => {
    const first = formatRunTable({ ...handMade(), previousRunId: null, transitions: [] });
    expect(first).toContain('Since the previous run: first run, nothing to compare.');
  });

  it('fits an 80-column terminal for a realistic store and has no ANSI codes by default', () => {
    const sample = formatRunTable(sampleRunSummary());
    for (const line of sample.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(sample).not.toContain('\x1b[');
    expect(lines.every((l) => l === l.trimEnd())).toBe(true);
  });

  it('colours only when asked, without breaking alignment', () => {
    const colored = formatRunTable(handMade(), { color: true });
    expect(colored).toContain('\x1b[32m');
    const stripped = colored.replace(/\x1b\[[0-9;]*m/g, '');
    expect(stripped).toBe(text);
  });

  it('prints a dash, not NaN, for the means of an empty group', () => {
    const s = handMade();
    s.groups[0] = { ...s.groups[0], customers: 0, share: 0, meanRecencyDays: NaN, meanFrequency: NaN, meanMonetary: NaN };
    const out = formatRunTable(s);
    expect(out).not.toContain('NaN');
    // The share column narrows: the widest share is now the total's 90.0%.
    expect(out.split('\n')).toContain('  New                      0   0.0%        \u2013          \u2013         \u2013     5.0%');
  });
});

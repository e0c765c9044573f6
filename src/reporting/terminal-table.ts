/**
 * The segment run as an aligned text table for the command line. Column widths come from the content, so the
 * usual store (up to millions of customers) fits an 80-column terminal; the table uses no vertical borders
 * for the same reason (they would cost ~20 columns) and only light unicode rules between header, body and
 * total. Colour is opt-in: the caller knows whether its stream is a TTY, this pure function does not.
 */
import { formatDate, formatDecimal, formatDuration, formatInt, formatMoney, formatPercent } from './format';
import { GroupSummary, RunSummary, movedBetweenGroups } from '../segmentation/run-summary';

export interface RunTableOptions {
  /** Emit ANSI colours and bold (default false). */
  color?: boolean;
}

interface Column {
  /** Two header lines: a label and its unit, so labels stay short and the unit is still said. */
  title: [string, string];
  align: 'left' | 'right';
  cell: (g: GroupSummary) => string;
}

/** Basic 16-colour codes: readable on dark and light themes and understood by every terminal. */
const GROUP_ANSI: Record<string, string> = {
  new: '36',
  about_to_sleep: '33',
  sleepers: '90',
  potential_loyal: '34',
  loyal: '32',
  loyal_at_risk: '31',
};

const GAP = '  ';
const INDENT = '  ';
const RULE = '\u2500';

export function formatRunTable(summary: RunSummary, options: RunTableOptions = {}): string {
  const color = options.color === true;
  const paint = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);

  const columns: Column[] = [
    { title: ['Group', ''], align: 'left', cell: (g) => g.name },
    { title: ['Customers', ''], align: 'right', cell: (g) => formatInt(g.customers) },
    { title: ['Share', ''], align: 'right', cell: (g) => formatPercent(g.share) },
    { title: ['Recency', 'days'], align: 'right', cell: (g) => formatInt(g.meanRecencyDays) },
    { title: ['Frequency', 'orders'], align: 'right', cell: (g) => formatDecimal(g.meanFrequency, 2) },
    { title: ['Monetary', summary.currency], align: 'right', cell: (g) => formatDecimal(g.meanMonetary, 2) },
    { title: ['Revenue', 'share'], align: 'right', cell: (g) => formatPercent(g.revenueShare) },
  ];

  const rows = summary.groups.map((g) => columns.map((c) => c.cell(g)));
  const total = columns.map((c, i) => (i === 0 ? 'Total' : c.cell(totalRow(summary))));
  const widths = columns.map((c, i) =>
    Math.max(c.title[0].length, c.title[1].length, total[i].length, ...rows.map((r) => r[i].length)),
  );
  const pad = (s: string, i: number): string =>
    columns[i].align === 'left' ? s.padEnd(widths[i]) : s.padStart(widths[i]);
  const line = (cells: string[], style?: (s: string, i: number) => string): string =>
    (INDENT + cells.map((s, i) => (style ? style(pad(s, i), i) : pad(s, i))).join(GAP)).trimEnd();
  const ruleWidth = widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
  const rule = INDENT + paint('2', RULE.repeat(ruleWidth));

  const out: string[] = [];
  out.push(paint('1', headerLine(summary)));
  out.push(
    `${formatInt(summary.customers)} customers \u00b7 ${formatInt(summary.orders)} orders \u00b7 ` +
      `revenue ${formatMoney(summary.revenue, summary.currency)}`,
  );
  out.push('');
  out.push(line(columns.map((c) => c.title[0]), (s) => paint('1', s)));
  if (columns.some((c) => c.title[1] !== '')) out.push(line(columns.map((c) => c.title[1]), (s) => paint('2', s)));
  out.push(rule);
  summary.groups.forEach((g, r) => {
    out.push(line(rows[r], (s, i) => (i === 0 ? paint(GROUP_ANSI[g.group] ?? '0', s) : s)));
  });
  out.push(rule);
  out.push(line(total, (s) => paint('1', s)));
  out.push('');
  out.push(sinceLine(summary));
  return out.join('\n') + '\n';
}

/** Shop, run number, as-of date and how long the run took: what the user needs to know which run this is. */
function headerLine(s: RunSummary): string {
  return `${s.shopDomain} \u00b7 run #${s.runNumber} \u00b7 as of ${formatDate(s.asOf)} \u00b7 took ${formatDuration(s.durationMs)}`;
}

function sinceLine(s: RunSummary): string {
  if (s.previousRunId === null) return 'Since the previous run: first run, nothing to compare.';
  const moved = movedBetweenGroups(s.transitions);
  return (
    `Since the previous run: ${formatInt(s.entered)} entered, ${formatInt(s.left)} left, ` +
    `${formatInt(moved)} changed group.`
  );
}

/**
 * The total line as a pseudo-group, so it goes through the same cell formatters. Means are weighted by group
 * size (the mean over all customers); shares are summed rather than assumed to be 100% so that a producer bug
 * shows instead of hiding behind a hard-coded total.
 */
function totalRow(s: RunSummary): GroupSummary {
  const n = s.groups.reduce((a, g) => a + g.customers, 0);
  const weighted = (f: (g: GroupSummary) => number): number =>
    n > 0 ? s.groups.reduce((a, g) => a + (g.customers > 0 ? f(g) * g.customers : 0), 0) / n : NaN;
  return {
    group: 'total',
    name: 'Total',
    customers: s.customers,
    share: s.groups.reduce((a, g) => a + g.share, 0),
    meanRecencyDays: weighted((g) => g.meanRecencyDays),
    meanFrequency: weighted((g) => g.meanFrequency),
    meanMonetary: weighted((g) => g.meanMonetary),
    revenue: s.revenue,
    revenueShare: s.groups.reduce((a, g) => a + g.revenueShare, 0),
  };
}
